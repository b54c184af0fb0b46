/** MAIL FROM (RFC 5321 §4.1.1.2) with SIZE, BODY and AUTH parameters. */
import {parsePathWithParameters, type Mailbox} from '../address.js'
import {checkMailParameters, type MailParameters} from '../mail_parameters.js'
import {isSmtpReply} from '../reply.js'
import type {SmtpCommand, SmtpSessionApi} from './command.js'

/**
 * MAIL FROM's checks, shared with the proxy's front end: the sender and its
 * parameters, or null once the refusal has been sent. `passThrough` names
 * parameters another server handles (the relays' DSN); they are not judged
 * here.
 */
export function readMailFrom(session: SmtpSessionApi, args: string, passThrough: readonly string[] = []): {from: Mailbox | null; params: MailParameters} | null {
  const m = /^FROM:/i.exec(args)
  if (!m) return (session.reply(501, '5.5.4', 'Syntax: MAIL FROM:<address>'), null)
  const {settings} = session.context
  if (settings.submission && session.user === null) return (session.reply(530, '5.7.0', 'Authentication required'), null)
  const path = parsePathWithParameters(args.slice(m[0].length), {allowNull: true, allowPostmaster: false})
  if (!path.ok) return (session.reply(501, '5.1.7', `Bad sender address syntax: ${path.reason}`), null)
  if (!session.esmtp && path.params.length > 0) return (session.reply(555, '5.5.4', 'Parameters need EHLO'), null)
  const params = checkMailParameters(
    path.params.filter((p) => !passThrough.includes(p.keyword)),
    settings.maxMessageSize,
  )
  if (isSmtpReply(params)) return (session.send(params), null)
  return {from: path.mailbox, params}
}

export const MAIL: SmtpCommand = {
  verb: 'MAIL',
  states: ['ready'],
  wrongStateText: 'Error: nested MAIL command',
  run(session, args) {
    const accepted = readMailFrom(session, args)
    if (accepted === null) return
    session.transaction = {...accepted, recipients: []}
    session.state = 'mail'
    session.reply(250, '2.1.0', 'Ok')
  },
}
