/**
 * The client side of one SMTP connection (RFC 5321): connect with a bound,
 * read whole replies (multi-line ones too), send commands, switch to TLS.
 * Used by the outbound delivery to smart hosts and by the front-end proxy to
 * its back-end relays. A broken connection or a silent server throws.
 */
import type {Socket} from 'node:net'
import {connect as tlsConnect} from 'node:tls'
import {connectWithin} from '../connect_within.js'

export interface ServerReply {
  readonly code: number
  /** The reply text, lines joined by a space, without the codes. */
  readonly text: string
  /** Each line's text, without the codes. */
  readonly lines: readonly string[]
}

export class ClientConnection {
  #socket: Socket
  #buffer = ''
  #waiter: (() => void) | null = null
  #error: Error | null = null

  private constructor(
    socket: Socket,
    private readonly timeoutMs: number,
  ) {
    this.#socket = socket
    this.#attach(socket)
  }

  /** Connect; `timeoutMs` bounds the connect and, by default, every later wait for a reply. */
  static open(host: {readonly host: string; readonly port: number}, timeoutMs: number): Promise<ClientConnection> {
    return connectWithin(host, timeoutMs).then((socket) => new ClientConnection(socket, timeoutMs))
  }

  /** The connection failed or the server closed it. */
  get broken(): boolean {
    return this.#error !== null
  }

  #attach(socket: Socket): void {
    socket.setEncoding('latin1')
    socket.on('data', (d: string) => {
      this.#buffer += d
      this.#wake()
    })
    socket.on('error', (err) => {
      this.#error = err
      this.#wake()
    })
    socket.on('close', () => {
      this.#error ??= new Error('connection closed by the server')
      this.#wake()
    })
  }

  #wake(): void {
    const w = this.#waiter
    this.#waiter = null
    w?.()
  }

  write(data: string | Buffer): void {
    this.#socket.write(data)
  }

  /** One reply; `timeoutMs` overrides the connection's bound for this wait. */
  async read(timeoutMs = this.timeoutMs): Promise<ServerReply> {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      const m = /^((?:\d{3}-[^\n]*\n)*)(\d{3})(?:[ \t]([^\n]*))?\r?\n/.exec(this.#buffer)
      if (m) {
        this.#buffer = this.#buffer.slice(m[0].length)
        const lines = m[0].split('\n').filter((l) => l !== '').map((l) => l.replace(/\r$/, '').slice(4))
        return {code: Number(m[2]), text: lines.join(' '), lines}
      }
      if (this.#error) throw this.#error
      if (this.#buffer.length > 65536) throw new Error('reply too long')
      const left = deadline - Date.now()
      if (left <= 0) throw new Error('timed out waiting for the server')
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left)
        this.#waiter = () => {
          clearTimeout(timer)
          resolve()
        }
      })
    }
  }

  async command(line: string, timeoutMs = this.timeoutMs): Promise<ServerReply> {
    this.write(`${line}\r\n`)
    return this.read(timeoutMs)
  }

  /** Extension keywords (upper case) with their parameters, or null when EHLO is refused. */
  async ehlo(name: string): Promise<Map<string, string> | null> {
    const reply = await this.command(`EHLO ${name}`)
    if (reply.code !== 250) return null
    const extensions = new Map<string, string>()
    for (const line of reply.lines.slice(1)) {
      const [keyword = '', ...rest] = line.split(' ')
      extensions.set(keyword.toUpperCase(), rest.join(' '))
    }
    return extensions
  }

  async startTls(servername: string, verify: boolean): Promise<void> {
    const plain = this.#socket
    plain.removeAllListeners('data')
    plain.removeAllListeners('error')
    plain.removeAllListeners('close')
    this.#buffer = ''
    const secure = await new Promise<Socket>((resolve, reject) => {
      const s = tlsConnect({socket: plain, servername, rejectUnauthorized: verify}, () => resolve(s))
      s.once('error', reject)
      setTimeout(() => reject(new Error('TLS handshake timed out')), this.timeoutMs).unref()
    })
    secure.removeAllListeners('error')
    this.#socket = secure
    this.#attach(secure)
  }

  async quit(): Promise<void> {
    try {
      await this.command('QUIT')
    } catch {
      // The message is already accepted; a rude goodbye changes nothing.
    }
  }

  destroy(): void {
    this.#socket.destroy()
  }
}
