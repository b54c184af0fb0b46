/** The POP3 command table, by verb. */
import {APOP} from './apop.js'
import {AUTH} from './auth.js'
import {CAPA} from './capa.js'
import type {PopCommand} from './command.js'
import {DELE} from './dele.js'
import {LIST} from './list.js'
import {NOOP} from './noop.js'
import {PASS} from './pass.js'
import {QUIT} from './quit.js'
import {RETR} from './retr.js'
import {RSET} from './rset.js'
import {STAT} from './stat.js'
import {STLS} from './stls.js'
import {TOP} from './top.js'
import {UIDL} from './uidl.js'
import {USER} from './user.js'

export const POP_COMMANDS: ReadonlyMap<string, PopCommand> = new Map(
  [USER, PASS, APOP, AUTH, CAPA, STLS, QUIT, STAT, LIST, RETR, DELE, NOOP, RSET, TOP, UIDL].map((c) => [c.verb, c]),
)

export type {PopCommand, PopSessionApi, PopState} from './command.js'
