/** STLS (RFC 2595 §4): only before login and only once. */
import type {PopCommand} from './command.js'

export const STLS: PopCommand = {
  verb: 'STLS',
  states: ['authorization'],
  async run(session, args) {
    const {transport} = session.context
    if (args.trim() !== '') return session.err('Syntax: STLS')
    if (transport.secure) return session.err('TLS is already active.')
    if (!transport.canStartTls) return session.err('TLS is not available.')
    session.pendingUser = null
    session.ok('Begin TLS negotiation')
    await session.upgradeToTls()
  },
}
