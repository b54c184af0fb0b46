/**
 * A small SMTP client for handing queued mail to a smart host (RFC 5321):
 * EHLO (HELO as fallback), STARTTLS when offered (RFC 3207), MAIL with SIZE
 * and BODY when offered, one RCPT per recipient, DATA with dot-stuffing,
 * QUIT. It reports a reply per recipient; a broken connection throws.
 */
import {connect as netConnect, type Socket} from 'node:net'
import {connect as tlsConnect} from 'node:tls'
import {dotStuff} from './dot_stuffing.js'
import type {SmartHost} from './smart_host.js'

export interface ServerReply {
  readonly code: number
  /** The reply text, lines joined by a space, without the codes. */
  readonly text: string
}

export interface SmtpClientOptions {
  /** Our name for EHLO. */
  readonly heloName: string
  /** Bound on connecting and on every wait for a reply. */
  readonly timeoutMs: number
  /** Verify the smart host's certificate after STARTTLS (off: opportunistic TLS, RFC 7435). */
  readonly verifyTls: boolean
}

export interface SendOutcome {
  /** The final reply for each recipient: 250 after DATA, or the refusal at MAIL, RCPT or DATA. */
  readonly results: ReadonlyMap<string, ServerReply>
}

/** Deliver one message; throws when the connection fails before an answer for everyone exists. */
export async function sendMail(host: SmartHost, envelope: {from: string; to: readonly string[]}, message: Buffer, options: SmtpClientOptions): Promise<SendOutcome> {
  const conn = await ClientConnection.open(host, options.timeoutMs)
  try {
    const results = new Map<string, ServerReply>()
    const all = (reply: ServerReply): SendOutcome => {
      for (const to of envelope.to) if (!results.has(to)) results.set(to, reply)
      return {results}
    }
    const greeting = await conn.read()
    if (greeting.code !== 220) return all(greeting)
    let extensions = await conn.ehlo(options.heloName)
    if (extensions === null) {
      const helo = await conn.command(`HELO ${options.heloName}`)
      if (helo.code !== 250) return all(helo)
      extensions = new Map()
    } else if (extensions.has('STARTTLS')) {
      const reply = await conn.command('STARTTLS')
      if (reply.code === 220) {
        await conn.startTls(host.host, options.verifyTls)
        extensions = (await conn.ehlo(options.heloName)) ?? new Map()
      }
    }
    let mailParams = ''
    if (extensions.has('SIZE')) mailParams += ` SIZE=${message.length}`
    if (extensions.has('8BITMIME') && message.some((b) => b > 0x7f)) mailParams += ' BODY=8BITMIME'
    const mail = await conn.command(`MAIL FROM:<${envelope.from}>${mailParams}`)
    if (mail.code !== 250) return all(mail)
    const accepted: string[] = []
    for (const to of envelope.to) {
      const reply = await conn.command(`RCPT TO:<${to}>`)
      if (reply.code === 250 || reply.code === 251) accepted.push(to)
      else results.set(to, reply)
    }
    if (accepted.length === 0) {
      await conn.quit()
      return {results}
    }
    const data = await conn.command('DATA')
    if (data.code !== 354) return all(data)
    conn.write(dotStuff(message))
    const final = await conn.read()
    for (const to of accepted) results.set(to, final)
    await conn.quit()
    return {results}
  } finally {
    conn.destroy()
  }
}

/** One connection with a reply reader. */
class ClientConnection {
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

  static open(host: SmartHost, timeoutMs: number): Promise<ClientConnection> {
    return new Promise((resolve, reject) => {
      const socket = netConnect({host: host.host, port: host.port})
      const timer = setTimeout(() => {
        socket.destroy()
        reject(new Error(`connect to ${host.host}:${host.port} timed out`))
      }, timeoutMs)
      socket.once('connect', () => {
        clearTimeout(timer)
        socket.removeAllListeners('error')
        resolve(new ClientConnection(socket, timeoutMs))
      })
      socket.once('error', (err) => {
        clearTimeout(timer)
        reject(err)
      })
    })
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

  async read(): Promise<ServerReply> {
    const reply = await this.#readLines()
    return {code: reply.code, text: reply.lines.join(' ')}
  }

  async command(line: string): Promise<ServerReply> {
    this.write(`${line}\r\n`)
    return this.read()
  }

  /** Extension keywords (upper case) with their parameters, or null when EHLO is refused. */
  async ehlo(name: string): Promise<Map<string, string> | null> {
    this.write(`EHLO ${name}\r\n`)
    const raw = await this.#readLines()
    if (raw.code !== 250) return null
    const extensions = new Map<string, string>()
    for (const line of raw.lines.slice(1)) {
      const [keyword = '', ...rest] = line.split(' ')
      extensions.set(keyword.toUpperCase(), rest.join(' '))
    }
    return extensions
  }

  /** One reply, multi-line or not: its code and each line's text. */
  async #readLines(): Promise<{code: number; lines: string[]}> {
    const deadline = Date.now() + this.timeoutMs
    for (;;) {
      const m = /^((?:\d{3}-[^\n]*\n)*)(\d{3})(?:[ \t]([^\n]*))?\r?\n/.exec(this.#buffer)
      if (m) {
        this.#buffer = this.#buffer.slice(m[0].length)
        const lines = m[0].split('\n').filter((l) => l !== '').map((l) => l.replace(/\r$/, '').slice(4))
        return {code: Number(m[2]), lines}
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
