import type {Direction} from './stream.js'

export type StartTlsProtocol = 'imap' | 'pop3' | 'smtp' | 'auto'

/** Longest plaintext line kept whole; longer ones are cut so one client cannot make the tap buffer without bound. */
export const MAX_LINE = 4096

export interface PlainResult {
  /** Complete protocol lines, secrets masked, without their line ends. */
  lines: string[]
  /** Set when TLS starts in this chunk: the bytes from here on are records. */
  tlsAt?: number
}

/**
 * The plaintext phase of a STARTTLS protocol, pure: lines in, masked lines
 * out, until the client's first byte of a TLS handshake (0x16) at a line
 * boundary, which is where record decoding begins.
 */
export class PlaintextPhase {
  private readonly partial = {c2s: '', s2c: ''}
  private protocol: Exclude<StartTlsProtocol, 'auto'> | null
  /** Client lines after an AUTH/AUTHENTICATE are SASL responses until the server answers finally. */
  private inSasl = false
  constructor(protocol: StartTlsProtocol) {
    this.protocol = protocol === 'auto' ? null : protocol
  }

  feed(dir: Direction, chunk: Uint8Array): PlainResult {
    const out: PlainResult = {lines: []}
    let start = 0
    if (dir === 'c2s' && this.partial.c2s === '' && chunk[0] === 0x16) return {lines: [], tlsAt: 0}
    for (let i = 0; i < chunk.length; i++) {
      if (chunk[i] !== 0x0a) continue
      this.line(dir, this.take(dir, chunk, start, i + 1), out)
      start = i + 1
      if (dir === 'c2s' && chunk[start] === 0x16) {
        out.tlsAt = start
        return out
      }
    }
    if (start < chunk.length) {
      const rest = this.take(dir, chunk, start, chunk.length)
      if (rest.length >= MAX_LINE) this.line(dir, `${rest} [line cut at ${MAX_LINE} bytes]`, out)
      else this.partial[dir] = rest
    }
    return out
  }

  private take(dir: Direction, chunk: Uint8Array, from: number, to: number): string {
    const s = this.partial[dir] + Buffer.from(chunk.subarray(from, Math.min(to, from + MAX_LINE))).toString('latin1')
    this.partial[dir] = ''
    return s
  }

  private line(dir: Direction, raw: string, out: PlainResult): void {
    const text = raw.replace(/\r?\n$/, '').replace(/[^\x20-\x7e]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`)
    if (dir === 's2c') {
      if (!this.protocol) this.protocol = text.startsWith('* ') ? 'imap' : text.startsWith('+OK') ? 'pop3' : /^220[ -]/.test(text) ? 'smtp' : null
      if (this.inSasl && !text.startsWith('+') && !/^334[ -]/.test(text)) this.inSasl = false
      if (this.protocol === 'pop3' && this.inSasl && text.startsWith('+OK')) this.inSasl = false
      out.lines.push(text)
      return
    }
    out.lines.push(this.mask(text))
  }

  private mask(text: string): string {
    if (this.inSasl) return text === '*' ? text : '****'
    const words = text.split(' ')
    const verb = (i: number): string => (words[i] ?? '').toUpperCase()
    if (this.protocol === 'imap' || (!this.protocol && verb(1) === 'LOGIN')) {
      if (verb(1) === 'LOGIN' && words.length >= 4) return [...words.slice(0, 3), '****'].join(' ')
      if (verb(1) === 'AUTHENTICATE') {
        this.inSasl = true
        return words.length > 3 ? [...words.slice(0, 3), '****'].join(' ') : text
      }
    }
    if (verb(0) === 'PASS' && words.length > 1) return 'PASS ****'
    if (verb(0) === 'APOP' && words.length > 2) return [...words.slice(0, 2), '****'].join(' ')
    if (verb(0) === 'AUTH') {
      this.inSasl = true
      return words.length > 2 ? [...words.slice(0, 2), '****'].join(' ') : text
    }
    return text
  }
}
