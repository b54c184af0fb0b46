/** NOOP (RFC 5321 §4.1.1.9): any argument is ignored. */
import type {SmtpCommand} from './command.js'

export const NOOP: SmtpCommand = {
  verb: 'NOOP',
  states: ['start', 'ready', 'mail', 'rcpt'],
  run(session) {
    session.reply(250, '2.0.0', 'Ok')
  },
}
