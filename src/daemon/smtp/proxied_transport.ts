/**
 * The connection as a back-end session sees it once a proxy has proven who
 * its client is (XPROXYEHLO): the client's address instead of the proxy's,
 * everything else (writing, TLS state, closing) still the proxy's socket.
 */
import type {Transport} from '../session_types.js'

export function proxiedTransport(inner: Transport, clientAddress: string): Transport {
  return {
    id: inner.id,
    remoteAddress: clientAddress,
    // The client's port is not known behind a proxy.
    remotePort: 0,
    localAddress: inner.localAddress,
    localPort: inner.localPort,
    get secure() {
      return inner.secure
    },
    get peerCertificate() {
      return inner.peerCertificate ?? null
    },
    get tls() {
      return inner.tls
    },
    get canStartTls() {
      return inner.canStartTls
    },
    write: (data) => inner.write(data),
    startTls: () => inner.startTls(),
    close: () => inner.close(),
    log: (message) => inner.log(message),
  }
}
