/** VRFY (RFC 5321 §3.5.3): never confirms users (harvesting), but does not refuse mail either. */
import type {SmtpCommand} from './command.js'

export const VRFY: SmtpCommand = {
  verb: 'VRFY',
  states: ['start', 'ready', 'mail', 'rcpt'],
  run(session, args) {
    if (args.trim() === '') return session.reply(501, '5.5.4', 'Syntax: VRFY address')
    session.reply(252, '2.5.0', 'Cannot VRFY user, but will accept message and attempt delivery')
  },
}
