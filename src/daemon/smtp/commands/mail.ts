/** MAIL FROM (RFC 5321 §4.1.1.2) with SIZE, BODY and AUTH parameters. */
import {parsePathWithParameters} from '../address.js'
import {checkMailParameters} from '../mail_parameters.js'
import {isSmtpReply} from '../reply.js'
import type {SmtpCommand} from './command.js'

export const MAIL: SmtpCommand = {
  verb: 'MAIL',
  states: ['ready'],
  wrongStateText: 'Error: nested MAIL command',
  run(session, args) {
    const m = /^FROM:/i.exec(args)
    if (!m) return session.reply(501, '5.5.4', 'Syntax: MAIL FROM:<address>')
    const {settings} = session.context
    if (settings.submission && session.user === null) return session.reply(530, '5.7.0', 'Authentication required')
    const path = parsePathWithParameters(args.slice(m[0].length), {allowNull: true, allowPostmaster: false})
    if (!path.ok) return session.reply(501, '5.1.7', `Bad sender address syntax: ${path.reason}`)
    if (!session.esmtp && path.params.length > 0) return session.reply(555, '5.5.4', 'Parameters need EHLO')
    const params = checkMailParameters(path.params, settings.maxMessageSize)
    if (isSmtpReply(params)) return session.send(params)
    session.transaction = {from: path.mailbox, params, recipients: []}
    session.state = 'mail'
    session.reply(250, '2.1.0', 'Ok')
  },
}
