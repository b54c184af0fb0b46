/** QUIT (RFC 5321 §4.1.1.10). */
import type {SmtpCommand} from './command.js'

export const QUIT: SmtpCommand = {
  verb: 'QUIT',
  states: ['start', 'ready', 'mail', 'rcpt'],
  run(session) {
    session.reply(221, '2.0.0', 'Bye')
    session.close()
  },
}
