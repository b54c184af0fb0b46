/** HELO (RFC 5321 §4.1.1.1): the old greeting, no extensions. */
import type {SmtpCommand} from './command.js'

export const HELO: SmtpCommand = {
  verb: 'HELO',
  states: ['start', 'ready', 'mail', 'rcpt'],
  run(session, args) {
    const name = args.trim()
    if (name === '' || /\s/.test(name)) return session.reply(501, '5.5.4', 'Syntax: HELO hostname')
    session.resetTransaction()
    session.helo = name
    session.esmtp = false
    session.state = 'ready'
    session.reply(250, null, session.context.settings.hostname)
  },
}
