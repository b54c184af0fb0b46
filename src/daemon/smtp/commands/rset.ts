/** RSET (RFC 5321 §4.1.1.5): abandon the transaction, keep the greeting and login. */
import type {SmtpCommand} from './command.js'

export const RSET: SmtpCommand = {
  verb: 'RSET',
  states: ['start', 'ready', 'mail', 'rcpt'],
  run(session, args) {
    if (args.trim() !== '') return session.reply(501, '5.5.4', 'Syntax: RSET')
    session.resetTransaction()
    session.reply(250, '2.0.0', 'Ok')
  },
}
