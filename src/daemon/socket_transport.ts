import type {Socket} from 'node:net'
import type {SecureContext, SecureContextOptions, TLSSocket} from 'node:tls'
import type {Transport} from './session_types.js'
import {tlsAcceptorFor} from './tls/tls_acceptor.js'

/**
 * What a connection needs to speak TLS: taken from the snapshot the
 * connection began with. The context options (key, cert, ca, ciphers ...)
 * must be given beside the context built from them: connections are accepted
 * through a tls.Server, which builds its own context from the options.
 */
export interface TlsServerSettings extends SecureContextOptions {
  readonly secureContext: SecureContext
  /** Ask the client for a certificate (a CA trusted for client certificates exists). */
  readonly requestCert: boolean
  /** Refuse clients without a valid certificate (encryption.nssslclientauth = required). */
  readonly rejectUnauthorized: boolean
}

export interface SocketTransportOptions {
  readonly id: string
  readonly tls: TlsServerSettings | null
  readonly log: (line: string) => void
  /** Bound on a TLS handshake, so a silent client cannot hold a connection half-open. */
  readonly handshakeTimeoutMs?: number
}

const DEFAULT_HANDSHAKE_TIMEOUT_MS = 30_000
/** After close(), wait this long for the peer to take our last bytes before dropping the socket. */
const CLOSE_GRACE_MS = 5_000

/**
 * A Transport over a TCP socket, able to switch to TLS in place. Incoming
 * bytes go to `onData`; during a switch nothing is delivered, and whatever the
 * client pipelined after its STARTTLS line is thrown away.
 */
export class SocketTransport implements Transport {
  readonly id: string
  readonly remoteAddress: string
  readonly remotePort: number
  readonly localAddress: string
  readonly localPort: number
  #socket: Socket
  #secure = false
  #switching = false
  #closed = false
  #onData: ((chunk: Buffer) => void) | null = null
  #onClose: (() => void) | null = null
  readonly #options: SocketTransportOptions

  constructor(socket: Socket, options: SocketTransportOptions) {
    this.#socket = socket
    this.#options = options
    this.id = options.id
    this.remoteAddress = normaliseAddress(socket.remoteAddress ?? 'unknown')
    this.remotePort = socket.remotePort ?? 0
    this.localAddress = normaliseAddress(socket.localAddress ?? 'unknown')
    this.localPort = socket.localPort ?? 0
    this.#attach(socket)
  }

  get secure(): boolean {
    return this.#secure
  }

  get tls(): Transport['tls'] {
    if (!this.#secure) return null
    const s = this.#socket as TLSSocket
    const cipher = s.getCipher?.()
    return {protocol: s.getProtocol?.() ?? 'unknown', cipher: cipher?.standardName ?? cipher?.name ?? 'unknown', bits: cipherBits(cipher?.name ?? '')}
  }

  /** The verified client certificate, when TLS asked for one and the client sent it. */
  get peerCertificate(): Buffer | null {
    if (!this.#secure) return null
    const socket = this.#socket as TLSSocket
    // A certificate the client sent but that does not chain to a trusted client CA identifies no one.
    if (!socket.authorized) return null
    const c = socket.getPeerCertificate?.()
    return c && c.raw ? c.raw : null
  }

  get canStartTls(): boolean {
    return this.#options.tls !== null && !this.#secure
  }

  get closed(): boolean {
    return this.#closed
  }

  /** Where incoming bytes go; set once by the connection. */
  onData(handler: (chunk: Buffer) => void): void {
    this.#onData = handler
  }

  onClose(handler: () => void): void {
    this.#onClose = handler
  }

  write(data: string | Buffer): void {
    if (this.#closed || this.#socket.destroyed) return
    this.#socket.write(data)
  }

  /** Implicit TLS: handshake before anything else is said. */
  async startImplicitTls(): Promise<void> {
    await this.#upgrade()
  }

  async startTls(): Promise<void> {
    if (!this.canStartTls) throw new Error('TLS is not available on this connection')
    await this.#upgrade()
  }

  close(): void {
    if (this.#closed) return
    this.#closed = true
    const socket = this.#socket
    socket.end()
    setTimeout(() => socket.destroy(), CLOSE_GRACE_MS).unref()
  }

  /** Drop the connection now (daemon stop after its grace period, protocol violation). */
  destroy(): void {
    this.#closed = true
    this.#socket.destroy()
  }

  log(message: string): void {
    this.#options.log(`${this.id} ${message}`)
  }

  #attach(socket: Socket): void {
    socket.on('data', (chunk: Buffer) => {
      // Discarded: pipelined after STARTTLS, after close, or from the plain socket under TLS.
      if (this.#switching || this.#closed || socket !== this.#socket) return
      this.#onData?.(chunk)
    })
    socket.on('error', (err) => this.log(`connection error: ${(err as NodeJS.ErrnoException).code ?? err.message}`))
    socket.on('close', () => {
      // The plain socket under a TLS one also closes; only the current one counts.
      if (socket !== this.#socket) return
      this.#closed = true
      this.#onClose?.()
    })
  }

  async #upgrade(): Promise<void> {
    const settings = this.#options.tls
    if (!settings) throw new Error('TLS is not configured')
    const plain = this.#socket
    this.#switching = true
    const timeoutMs = this.#options.handshakeTimeoutMs ?? DEFAULT_HANDSHAKE_TIMEOUT_MS
    let timer: NodeJS.Timeout | undefined
    let secure: TLSSocket
    try {
      secure = await Promise.race([
        tlsAcceptorFor(settings, timeoutMs).accept(plain),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error('TLS handshake timed out')), timeoutMs)
        }),
      ])
    } catch (err) {
      // The plain socket's close, now or on destroy, ends the connection's bookkeeping.
      plain.destroy()
      throw err
    } finally {
      clearTimeout(timer)
    }
    this.#socket = secure
    this.#attach(secure)
    this.#secure = true
    this.#switching = false
    const t = this.tls
    const presented = settings.requestCert && Object.keys(secure.getPeerCertificate() ?? {}).length > 0
    const client = !presented ? '' : secure.authorized ? '; client certificate verified' : `; client certificate not trusted (${String(secure.authorizationError)})`
    this.log(`TLS ${t?.protocol} ${t?.cipher}${client}`)
  }
}

/** Dual-stack sockets report IPv4 clients as ::ffff:a.b.c.d; filters and logs want a.b.c.d. */
export function normaliseAddress(address: string): string {
  const m = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)
  return m ? m[1]! : address
}

/** Symmetric key bits of an OpenSSL cipher name, for plaintextmincipher. */
export function cipherBits(name: string): number {
  if (/CHACHA20/i.test(name)) return 256
  const m = /AES[-_]?(128|256)/i.exec(name)
  if (m) return Number(m[1])
  if (/CAMELLIA256|ARIA256/i.test(name)) return 256
  if (/CAMELLIA128|ARIA128/i.test(name)) return 128
  return 0
}

export type {SecureContext}
