/** The SMTP command table, by verb. */
import {AUTH} from './auth.js'
import type {SmtpCommand} from './command.js'
import {DATA} from './data.js'
import {EHLO} from './ehlo.js'
import {HELO} from './helo.js'
import {HELP} from './help.js'
import {MAIL} from './mail.js'
import {NOOP} from './noop.js'
import {QUIT} from './quit.js'
import {RCPT} from './rcpt.js'
import {RSET} from './rset.js'
import {STARTTLS} from './starttls.js'
import {VRFY} from './vrfy.js'
import {XPROXYEHLO_COMMAND} from './xproxyehlo.js'

export const SMTP_COMMANDS: ReadonlyMap<string, SmtpCommand> = new Map(
  [EHLO, HELO, STARTTLS, AUTH, MAIL, RCPT, DATA, RSET, NOOP, QUIT, VRFY, HELP, XPROXYEHLO_COMMAND].map((c) => [c.verb, c]),
)

export type {Recipient, SmtpCommand, SmtpSessionApi, SmtpState, Transaction} from './command.js'
