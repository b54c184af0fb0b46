/** STARTTLS (RFC 3207): 220, handshake, then the session starts over as just greeted. */
import type {SmtpCommand} from './command.js'

export const STARTTLS: SmtpCommand = {
  verb: 'STARTTLS',
  states: ['start', 'ready'],
  wrongStateText: 'Error: STARTTLS not allowed during a mail transaction',
  async run(session, args) {
    const {transport} = session.context
    if (args.trim() !== '') return session.reply(501, '5.5.4', 'Syntax: STARTTLS')
    if (transport.secure) return session.reply(503, '5.5.1', 'Error: TLS already active')
    if (!transport.canStartTls) return session.reply(454, '4.7.0', 'TLS not available')
    session.reply(220, '2.0.0', 'Ready to start TLS')
    await session.upgradeToTls()
  },
}
