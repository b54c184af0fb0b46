import {connect, type Socket} from 'node:net'
import {ctime, jsonEvents, PlaintextPhase, renderChunk, TapDecoder, type Direction, type RenderOptions, type StartTlsProtocol} from '../../core/ssltap/index.js'
import type {TapOutput} from './output.js'

export interface TapSettings {
  readonly host: string
  readonly port: number
  readonly render: RenderOptions
  readonly json: boolean
  readonly starttls: StartTlsProtocol | null
  readonly loop: boolean
}

/** NSS reads at most this much per read(); output blocks are cut the same way. */
const READ_SIZE = 16384
const CONNECT_TIMEOUT_MS = 5000

const CLOSE = Buffer.from(']\n')
const now = (): string => ctime(new Date())

/**
 * One relayed client: connects upstream, copies bytes both ways and hands
 * every read to the pure decoder and renderer. Errors end this connection
 * only; the listener keeps serving others.
 */
export class TapConnection {
  private readonly decoder: TapDecoder
  private plain: PlaintextPhase | null
  private upstream!: Socket
  private readonly eof = {c2s: false, s2c: false}
  /** Set when upstream could not be reached (NSS exits 255 then). */
  failedToConnect = false
  private closed = false
  done: Promise<void>
  private finish!: () => void

  constructor(private readonly id: number, private readonly client: Socket, private readonly s: TapSettings, private readonly out: TapOutput, private readonly log: (text: string) => void, private readonly label: (id: number) => string) {
    this.decoder = new TapDecoder({full: s.render.full ?? false})
    this.plain = s.starttls ? new PlaintextPhase(s.starttls) : null
    this.done = new Promise((r) => (this.finish = r))
  }

  start(): void {
    this.client.pause()
    this.client.on('error', (err) => this.fail('c2s', err))
    const up = connect({host: this.s.host, port: this.s.port})
    this.upstream = up
    const timer = setTimeout(() => up.destroy(new Error('timed out')), CONNECT_TIMEOUT_MS)
    let connected = false
    up.once('connect', () => {
      connected = true
      clearTimeout(timer)
      if (!this.s.json) this.out.write(`${this.label(this.id)}Connected to ${this.s.host}:${this.s.port}\n`)
      else this.out.write(`${JSON.stringify({conn: this.id, event: 'connected', upstream: `${this.s.host}:${this.s.port}`})}\n`)
      this.pump(this.client, up, 'c2s')
      this.pump(up, this.client, 's2c')
    })
    up.on('error', (err) => {
      clearTimeout(timer)
      if (connected) this.fail('s2c', err)
      else {
        this.failedToConnect = true
        this.log(`Couldn't connect to ${this.s.host}:${this.s.port} (${(err as NodeJS.ErrnoException).code ?? err.message})\n`)
        this.close()
      }
    })
  }

  private pump(from: Socket, to: Socket, dir: Direction): void {
    from.on('data', (data: Buffer) => {
      const ok = to.write(data)
      const parts: (string | Buffer)[] = []
      for (let i = 0; i < data.length; i += READ_SIZE) this.show(dir, data.subarray(i, i + READ_SIZE), parts)
      this.flush(parts)
      if (!ok || !this.out.write('')) {
        from.pause()
        let pending = 2
        const resume = (): void => {
          if (--pending === 0 && !this.closed) from.resume()
        }
        if (ok) resume()
        else to.once('drain', resume)
        this.out.whenDrained(resume)
      }
    })
    from.on('end', () => {
      this.eof[dir] = true
      if (!this.s.json) this.out.write(`${this.label(this.id)}Read EOF on ${dir === 'c2s' ? 'Client' : 'Server'} socket. [${now()}]\n`)
      to.end()
      if (this.eof.c2s && this.eof.s2c) this.close(true)
    })
    from.resume()
  }

  /**
   * One write per socket read when it is all text; raw bytes (the copy mode)
   * go out as they are, beside their label lines, rather than copied into one
   * buffer: copying was an eighth of the time at full speed.
   */
  private flush(parts: (string | Buffer)[]): void {
    if (parts.length === 0) return
    if (parts.every((p) => typeof p === 'string')) {
      this.out.write(parts.join(''))
      return
    }
    let text = ''
    for (const p of parts) {
      if (typeof p === 'string') text += p
      else {
        if (text !== '') this.out.write(text)
        text = ''
        this.out.write(p)
      }
    }
    if (text !== '') this.out.write(text)
  }

  private show(dir: Direction, chunk: Buffer, parts: (string | Buffer)[]): void {
    const emit = (p: string | Buffer): void => void parts.push(p)
    const r = this.s.render
    const label = this.label(this.id)
    if (this.plain) {
      const p = this.plain.feed(dir, chunk)
      if (p.lines.length > 0) {
        if (this.s.json) for (const text of p.lines) emit(`${JSON.stringify({conn: this.id, dir, event: 'line', text})}\n`)
        else emit(`${label}${dir === 'c2s' ? '--> [' : '<-- ['}\n${p.lines.map((l) => `${l}\n`).join('')}]\n`)
      }
      if (p.tlsAt === undefined) return
      this.plain = null
      if (this.s.json) emit(`${JSON.stringify({conn: this.id, dir, event: 'starttls'})}\n`)
      chunk = chunk.subarray(p.tlsAt)
      if (chunk.length === 0) return
    }
    if (!r.ssl && !r.hex && !r.html && !this.s.json) {
      // Raw copy: bytes go out as they came, without a detour through strings.
      emit(`${label}${dir === 'c2s' ? '--> [' : '<-- ['}\n`)
      emit(chunk)
      emit(CLOSE)
      return
    }
    const events = r.ssl || this.s.json ? this.decoder.feed(dir, chunk) : null
    if (this.s.json) emit(jsonEvents(this.id, dir, events ?? [], this.out.saveCertificate))
    else emit(label + renderChunk(dir, chunk, events, r, {now, saveCertificate: this.out.saveCertificate}))
  }

  private fail(dir: Direction, err: Error): void {
    if (this.closed) return
    const code = (err as NodeJS.ErrnoException).code ?? err.message
    this.out.write(this.s.json ? `${JSON.stringify({conn: this.id, dir, event: 'error', error: code})}\n` : `${this.label(this.id)}Error on ${dir === 'c2s' ? 'Client' : 'Server'} socket: ${code} [${now()}]\n`)
    this.close()
  }

  private close(clean = false): void {
    if (this.closed) return
    this.closed = true
    this.client.destroy()
    this.upstream?.destroy()
    this.log(`Connection ${this.id} ${clean ? 'Complete' : 'Closed'} [${now()}]\n`)
    this.finish()
  }
}
