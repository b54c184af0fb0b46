import type {Socket} from 'node:net'
import {createServer, type Server, type TLSSocket} from 'node:tls'
import type {TlsServerSettings} from '../socket_transport.js'

/**
 * Server-side TLS on an already-accepted socket (implicit-TLS ports and
 * STARTTLS). Node decides a client certificate's verdict (`authorized`,
 * `authorizationError`) and enforces rejectUnauthorized only for sockets a
 * tls.Server accepted, so the socket is handed to one that never listens,
 * the documented way of injecting a connection ('connection' event). The
 * TLS socket it produces is matched back by the connection's four addresses.
 */
export class TlsAcceptor {
  readonly #server: Server
  readonly #waiting = new Map<string, {resolve: (s: TLSSocket) => void; reject: (e: Error) => void}>()

  constructor(settings: TlsServerSettings, handshakeTimeoutMs: number) {
    // tls.Server ignores a ready secureContext (Node 20) and builds its own from the options.
    this.#server = createServer({...settings, handshakeTimeout: handshakeTimeoutMs})
    this.#server.on('secureConnection', (socket: TLSSocket) => {
      const waiter = this.#take(socket)
      if (waiter) waiter.resolve(socket)
      else socket.destroy()
    })
    this.#server.on('tlsClientError', (err: Error, socket: TLSSocket) => {
      this.#take(socket)?.reject(err)
      socket.destroy()
    })
  }

  /** Resolves with the TLS socket once the handshake is done and any client certificate judged; rejects on failure. */
  accept(plain: Socket): Promise<TLSSocket> {
    const key = keyOf(plain)
    return new Promise((resolve, reject) => {
      this.#waiting.set(key, {resolve, reject})
      plain.once('close', () => {
        if (this.#waiting.delete(key)) reject(new Error('connection closed during the TLS handshake'))
      })
      this.#server.emit('connection', plain)
    })
  }

  #take(socket: TLSSocket): {resolve: (s: TLSSocket) => void; reject: (e: Error) => void} | undefined {
    const key = keyOf(socket)
    const waiter = this.#waiting.get(key)
    this.#waiting.delete(key)
    return waiter
  }
}

/** One TCP connection's identity: both ends' addresses and ports. */
const keyOf = (s: Socket): string => `${s.remoteAddress}|${s.remotePort}|${s.localAddress}|${s.localPort}`

const acceptors = new WeakMap<TlsServerSettings, TlsAcceptor>()

/** The acceptor for one snapshot's TLS settings (made once, dropped with the snapshot). */
export function tlsAcceptorFor(settings: TlsServerSettings, handshakeTimeoutMs: number): TlsAcceptor {
  let acceptor = acceptors.get(settings)
  if (!acceptor) {
    acceptor = new TlsAcceptor(settings, handshakeTimeoutMs)
    acceptors.set(settings, acceptor)
  }
  return acceptor
}
