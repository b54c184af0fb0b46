import {createServer, type IncomingMessage, type Server, type ServerResponse} from 'node:http'
import type {Socket} from 'node:net'
import type {TLSSocket} from 'node:tls'
import {refusalLine} from '../protocols.js'
import {refuse} from '../refuse.js'
import {cipherBits} from '../socket_transport.js'
import {tlsAcceptorFor} from '../tls/tls_acceptor.js'
import type {HttpConnection} from './http_connection.js'
import {sendJson, sendText} from './http_response.js'
import {ProxyHandoffs, routeProxyAuth} from './proxy_auth.js'
import {WebRequest, type HttpDeps} from './web_request.js'
import {routeWebmail} from './webmail_routes.js'

const TLS_HANDSHAKE_MS = 30_000
const MAX_HEADER_BYTES = 16 * 1024

/**
 * The HTTP and HTTPS listeners' connections. The daemon accepts the socket
 * (counting it, applying the access filters); TLS is done by the snapshot's
 * acceptor so client certificates are judged; then the connection goes to a
 * node:http server that never listens itself. Requests find their
 * connection's facts through the socket.
 */
export class HttpService {
  readonly #server: Server
  readonly #connections = new WeakMap<Socket, HttpConnection>()
  readonly #sockets = new Set<Socket>()
  readonly #handoffs = new ProxyHandoffs()
  readonly #sweeper: NodeJS.Timeout
  #stopping = false
  /** The session timeout of the newest snapshot seen, for the sweeper. */
  #lastIdleMs = 7200 * 1000

  constructor(private readonly deps: HttpDeps) {
    this.#server = createServer({maxHeaderSize: MAX_HEADER_BYTES, requireHostHeader: false}, (req, res) => void this.#handle(req, res))
    this.#server.on('clientError', (err: NodeJS.ErrnoException, socket: Socket) => {
      if (socket.writable && err.code !== 'ECONNRESET') socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n')
      else socket.destroy()
    })
    this.#server.keepAliveTimeout = 60_000
    // node:http starts enforcing headersTimeout and requestTimeout (slow clients) when it
    // starts listening; this server never listens itself, so it is told it does.
    this.#server.emit('listening')
    // Expired sessions go even when nobody asks for them.
    this.#sweeper = setInterval(() => deps.sessions.sweep(Date.now(), this.#lastIdleMs), 60_000)
    this.#sweeper.unref()
  }

  get openConnections(): number {
    return this.#sockets.size
  }

  /**
   * Serve one accepted connection. `admit` applies the access filters
   * (null: admitted). Never rejects: failures end in a log line and a closed socket.
   */
  async accept(plain: Socket, base: Omit<HttpConnection, 'secure' | 'tlsBits' | 'peerCertificate'>, admit: (socket: Socket) => Promise<boolean>): Promise<void> {
    let socket: Socket = plain
    try {
      this.#lastIdleMs = Number(base.snapshot.get('service.http.sessiontimeout')) * 1000
      if (base.spec.implicitTls) {
        if (!base.snapshot.tls) throw new Error('TLS is not configured')
        socket = await tlsAcceptorFor(base.snapshot.tls, TLS_HANDSHAKE_MS).accept(plain)
        socket.on('error', () => undefined)
      }
      if (!(await admit(socket))) {
        base.log(`refused by access filters: ${base.ip}`)
        refuse(socket, refusalLine('http', 'denied'))
        return
      }
      if (socket.destroyed) return
      const tls = base.spec.implicitTls ? (socket as TLSSocket) : null
      const cipher = tls?.getCipher()
      this.#connections.set(socket, {
        ...base,
        secure: tls !== null,
        tlsBits: cipher ? cipherBits(cipher.name) : null,
        peerCertificate: tls?.authorized ? (tls.getPeerCertificate().raw ?? null) : null,
      })
      const idle = base.snapshot.services.get('http')!.idleTimeoutMs
      if (idle > 0) socket.setTimeout(idle, () => socket.destroy())
      this.#sockets.add(socket)
      socket.once('close', () => this.#sockets.delete(socket))
      if (this.#stopping) return void socket.destroy()
      this.#server.emit('connection', socket)
    } catch (err) {
      base.log(`connection ended before HTTP: ${(err as Error).message}`)
      socket.destroy()
      plain.destroy()
    }
  }

  /** No new requests; idle keep-alive connections close now, busy ones after their response (Connection: close). */
  stop(): void {
    this.#stopping = true
    clearInterval(this.#sweeper)
    this.#server.closeIdleConnections()
    // Also ends node:http's deadline checks; the server never listened, so close() only reports that.
    this.#server.close(() => undefined)
  }

  destroyAll(): void {
    for (const s of this.#sockets) s.destroy()
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const conn = this.#connections.get(req.socket)
    if (!conn) return void res.destroy()
    if (this.#stopping) res.shouldKeepAlive = false
    this.deps.counters.requests++
    let r: WebRequest
    try {
      r = new WebRequest(req, res, conn, this.deps)
    } catch {
      // A request target no URL parser takes (absolute-form with a broken host, say).
      return sendText(res, 400, 'The request target is not a valid URL.', {Connection: 'close'})
    }
    try {
      if (r.url.pathname === '/health') return this.#health(r)
      if (await routeProxyAuth(r, this.#handoffs)) return
      if (await routeWebmail(r)) return
      sendText(res, 404, `Nothing at ${r.url.pathname}.`)
    } catch (err) {
      conn.log(`web mail ${r.method} ${r.url.pathname} failed: ${(err as Error).message}`)
      if (!res.headersSent) sendText(res, 500, 'Something went wrong on the server; it has been logged.')
      else res.destroy()
    }
  }

  /** service.http.healthendpoint: state and counters for monitoring, JSON. */
  #health(r: WebRequest): void {
    if (r.conn.snapshot.get('service.http.healthendpoint') !== 'yes') return sendText(r.res, 404, 'Nothing at /health (service.http.healthendpoint is off).')
    if (r.method !== 'GET' && r.method !== 'HEAD') return sendText(r.res, 405, 'GET only', {Allow: 'GET'})
    sendJson(r.res, 200, {
      status: 'ok',
      ...this.deps.health(),
      web: {sessions: this.deps.sessions.loggedIn, openConnections: this.openConnections, ...this.deps.counters},
    })
  }
}
