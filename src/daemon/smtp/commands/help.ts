/** HELP (RFC 5321 §4.1.1.8). */
import type {SmtpCommand} from './command.js'

export const HELP: SmtpCommand = {
  verb: 'HELP',
  states: ['start', 'ready', 'mail', 'rcpt'],
  run(session) {
    session.reply(214, '2.0.0', ['Commands: EHLO HELO STARTTLS AUTH MAIL RCPT DATA RSET NOOP VRFY HELP QUIT', 'See RFC 5321'])
  },
}
