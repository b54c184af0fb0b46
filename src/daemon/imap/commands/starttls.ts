import {bad, no, ok, type ImapCommand} from '../command.js'
import {NOT_AUTHENTICATED} from '../session_state.js'

/**
 * STARTTLS (RFC 3501 §6.2.1, RFC 2595): tagged OK, then the handshake. Input
 * the client sent in clear after the command is thrown away, here and by the
 * transport, so it cannot be replayed as if it came under TLS. Capabilities
 * are sent again only when asked for.
 */
export const starttlsCommand: ImapCommand = {
  name: 'STARTTLS',
  states: NOT_AUTHENTICATED,
  run(session, args) {
    args.end()
    const transport = session.context.transport
    if (transport.secure) return bad('TLS is already active')
    if (!transport.canStartTls) return no('TLS is not available')
    return {
      ...ok('Begin TLS negotiation now'),
      after: async () => {
        session.discardInput()
        await transport.startTls()
        session.discardInput()
      },
    }
  },
}
