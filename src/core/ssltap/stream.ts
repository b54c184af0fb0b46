import {decodeHandshake, type HandshakeMessage} from './handshake.js'
import {nssIsNullCipher} from './nss_names.js'
import {decodeV2, type V2Message} from './sslv2.js'

/** `c2s` is what NSS labels `-->` (client to server), `s2c` is `<--`. */
export type Direction = 'c2s' | 's2c'

export type RecordContent =
  | {kind: 'encrypted'}
  | {kind: 'change_cipher_spec'}
  | {kind: 'alert'; level: number; description: number; error?: string}
  | {kind: 'handshake'; messages: HandshakeMessage[]; incomplete: boolean; dropped?: number}
  | {kind: 'heartbeat'; messageType: number; payloadLength: number; error?: string}
  | {kind: 'data'}

export interface TlsRecord {
  kind: 'record'
  header: Uint8Array
  type: number
  version: [number, number]
  length: number
  body: Uint8Array
  content: RecordContent
}

/** Everything the tap learns from one read, in order; renderers turn these into text or JSON. */
export type TapEvent =
  /** NSS copies a chunk that starts with a printable byte, at a record boundary, as text. */
  | {kind: 'plaintext'; bytes: Uint8Array}
  /** NSS's `(N bytes[, making S] of M[, with L left over])` line. */
  | {kind: 'partial'; chunk: number; size: number; needed: number}
  | {kind: 'v2length'; length: number}
  | TlsRecord
  | {kind: 'v2record'; bytes: Uint8Array; message: V2Message}

export interface DecoderOptions {
  /** Beyond NSS: TLS 1.3 aware encryption tracking (records are marked as NSS would otherwise). */
  readonly full?: boolean
}

/** A handshake message longer than this is skipped rather than buffered. */
export const MAX_HANDSHAKE_BUFFER = 1 << 20

class DirectionState {
  /** Unparsed bytes: never more than one record (at most 65535 + 5 bytes). */
  buf: Buffer = Buffer.alloc(0)
  encrypted = false
  /** The start of a handshake message continued in the next record. */
  fragment: Buffer | null = null
}

/**
 * The record layer of one relayed connection, as a pure state machine:
 * bytes in, events out, no I/O. It follows NSS ssltap's stream rules
 * (per-direction buffering, "encrypted" after change_cipher_spec, SSLv2
 * framing when the first byte has its top bit set) so its events render to
 * the same text; `full` adds what NSS does not know (TLS 1.3).
 */
export class TapDecoder {
  private readonly dirs = {c2s: new DirectionState(), s2c: new DirectionState()}
  private v2Session = false
  private nullCipher = false
  private tls12 = false
  /** TLS 1.3 was negotiated: every application_data record is protected, handshake records after the ServerHello are too. */
  tls13 = false
  constructor(private readonly opts: DecoderOptions = {}) {}

  feed(dir: Direction, chunk: Uint8Array): TapEvent[] {
    const s = this.dirs[dir]
    const out: TapEvent[] = []
    if (chunk.length === 0) return out
    const c0 = chunk[0]!
    if (s.buf.length === 0 && c0 >= 32 && c0 < 128) {
      out.push({kind: 'plaintext', bytes: chunk})
      return out
    }
    let data = s.buf.length === 0 ? Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length) : Buffer.concat([s.buf, chunk])
    let off = 0
    const length = chunk.length
    for (;;) {
      const size = data.length - off
      if (size <= 0) break
      if (this.v2Session || (data[off]! & 0x80) !== 0) {
        if (size < 3) {
          out.push({kind: 'partial', chunk: length, size, needed: 3})
          break
        }
        const b0 = data[off]!
        const needed = ((b0 & 0x7f) << 8) + data[off + 1]! + (b0 & 0x80 ? 2 : 3)
        out.push({kind: 'v2length', length: needed})
        out.push({kind: 'partial', chunk: length, size, needed})
        if (size < needed) break
        const bytes = data.subarray(off, off + needed)
        off += needed
        const message = decodeV2(bytes)
        if (message.type !== 1 || message.version === 0x0002) this.v2Session = true
        out.push({kind: 'v2record', bytes, message})
        continue
      }
      if (size < 5) {
        out.push({kind: 'partial', chunk: length, size, needed: 5})
        break
      }
      const recordLen = data.readUInt16BE(off + 3)
      if (recordLen > size - 5) {
        out.push({kind: 'partial', chunk: length, size, needed: recordLen})
        break
      }
      out.push({kind: 'partial', chunk: length, size: size - 5, needed: recordLen})
      const header = data.subarray(off, off + 5)
      const body = data.subarray(off + 5, off + 5 + recordLen)
      off += 5 + recordLen
      out.push(this.record(s, header, body))
    }
    // Keep only the unparsed tail, copied so a large chunk is not pinned.
    s.buf = off >= data.length ? Buffer.alloc(0) : Buffer.from(data.subarray(off))
    data = Buffer.alloc(0)
    return out
  }

  private record(s: DirectionState, header: Uint8Array, body: Uint8Array): TlsRecord {
    const type = header[0]!
    const rec: TlsRecord = {kind: 'record', header, type, version: [header[1]!, header[2]!], length: body.length, body, content: {kind: 'data'}}
    const encrypted = this.opts.full && this.tls13 ? type === 23 || (type === 22 && s.encrypted) : s.encrypted
    if (encrypted) {
      rec.content = {kind: 'encrypted'}
      return rec
    }
    switch (type) {
      case 20:
        rec.content = {kind: 'change_cipher_spec'}
        s.encrypted = !this.nullCipher
        break
      case 21:
        rec.content = body.length >= 2 ? {kind: 'alert', level: body[0]!, description: body[1]!} : {kind: 'alert', level: body[0] ?? -1, description: -1, error: 'truncated alert'}
        break
      case 22:
        rec.content = this.handshake(s, body)
        break
      case 24:
        if (this.opts.full) {
          rec.content = body.length >= 3 ? {kind: 'heartbeat', messageType: body[0]!, payloadLength: (body[1]! << 8) | body[2]!} : {kind: 'heartbeat', messageType: body[0] ?? -1, payloadLength: -1, error: 'truncated heartbeat'}
        }
        break
    }
    return rec
  }

  private handshake(s: DirectionState, body: Uint8Array): RecordContent {
    let data: Uint8Array = body
    if (s.fragment) {
      data = Buffer.concat([s.fragment, body])
      s.fragment = null
    }
    const messages: HandshakeMessage[] = []
    let off = 0
    while (off < data.length) {
      const left = data.length - off
      const len = left >= 4 ? (data[off + 1]! << 16) | (data[off + 2]! << 8) | data[off + 3]! : -1
      if (left < 4 || left < 4 + len) {
        if (left > MAX_HANDSHAKE_BUFFER || len > MAX_HANDSHAKE_BUFFER) return {kind: 'handshake', messages, incomplete: true, dropped: left}
        s.fragment = Buffer.from(data.subarray(off))
        return {kind: 'handshake', messages, incomplete: true}
      }
      const type = data[off]!
      const msgBody = data.subarray(off + 4, off + 4 + len)
      const decoded = decodeHandshake(type, msgBody, this.tls12)
      messages.push({header: data.subarray(off, off + 4), type, length: len, body: msgBody, decoded})
      if (decoded.kind === 'server_hello') this.serverHello(decoded)
      off += 4 + len
    }
    return {kind: 'handshake', messages, incomplete: false}
  }

  private serverHello(h: import('./handshake.js').ServerHello): void {
    if (h.suite !== undefined) this.nullCipher = nssIsNullCipher(h.suite)
    this.tls12 = h.version?.[0] === 3 && h.version[1] === 3
    if (h.retry) return
    const sv = h.extensions?.items.find((e) => e.type === 43)
    if (sv && sv.data.length === 2) {
      const v = (sv.data[0]! << 8) | sv.data[1]!
      this.tls13 = v === 0x0304 || (v >> 8) === 0x7f
    }
  }
}
