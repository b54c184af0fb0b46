import {badDer} from './errors.js'
import {normalizeBer} from './ber_normalize.js'

/** Identifier and length of one BER element read from a stream. */
export interface BerHeader {
  /** First identifier octet (tags above 30 are refused: CMS never uses them). */
  readonly tag: number
  readonly constructed: boolean
  /** Content length, or null for the indefinite form (ended by an EOC). */
  readonly length: number | null
  /** Stream offset of the identifier octet. */
  readonly start: number
  /** Stream offset just past the content, when the length is definite. */
  readonly end: number | null
  /** Identifier and length octets as read. */
  readonly raw: Buffer
}

/** The largest element kept in memory whole (certificates, signer infos); content is streamed instead. */
export const MAX_ELEMENT = 16 * 1024 * 1024

const EMPTY = Buffer.alloc(0)

/**
 * A pull parser for BER over an async sequence of chunks. Small elements are
 * read whole (and re-encoded with definite lengths for der.ts); string
 * content is handed out chunk by chunk, so a message of any size passes
 * through in bounded memory.
 */
export class BerStream {
  #iter: AsyncIterator<Buffer>
  #buf: Buffer = EMPTY
  #pos = 0
  /** Stream offset of #buf[0]. */
  #base = 0
  #eof = false
  /** Indefinite-length elements whose EOC was already consumed by more(). */
  #ended = new WeakSet<BerHeader>()

  constructor(source: AsyncIterable<Buffer | Uint8Array>) {
    const it = source[Symbol.asyncIterator]()
    this.#iter = {
      next: async () => {
        const r = await it.next()
        if (r.done) return r
        const v = r.value
        return {done: false, value: Buffer.isBuffer(v) ? v : Buffer.from(v.buffer, v.byteOffset, v.byteLength)}
      },
    }
  }

  get offset(): number {
    return this.#base + this.#pos
  }

  /** Make at least `n` unread bytes available; false at the end of input. */
  async #fill(n: number): Promise<boolean> {
    while (this.#buf.length - this.#pos < n) {
      if (this.#eof) return false
      const r = await this.#iter.next()
      if (r.done) {
        this.#eof = true
        return false
      }
      const rest = this.#buf.subarray(this.#pos)
      this.#base += this.#pos
      this.#buf = rest.length === 0 ? r.value : Buffer.concat([rest, r.value])
      this.#pos = 0
    }
    return true
  }

  /** True when no byte is left. */
  async atEnd(): Promise<boolean> {
    return !(await this.#fill(1))
  }

  async peekByte(): Promise<number | null> {
    if (!(await this.#fill(1))) return null
    return this.#buf[this.#pos] as number
  }

  async #byte(what: string): Promise<number> {
    if (!(await this.#fill(1))) throw badDer(`truncated input: ${what} expected at byte ${this.offset}`)
    return this.#buf[this.#pos++] as number
  }

  /** Exactly `n` bytes (n is small or bounded by MAX_ELEMENT). */
  async read(n: number, what: string): Promise<Buffer> {
    if (!(await this.#fill(n))) throw badDer(`truncated input: ${what} needs ${n} bytes at byte ${this.offset}, only ${this.#buf.length - this.#pos} remain`)
    const out = this.#buf.subarray(this.#pos, this.#pos + n)
    this.#pos += n
    return out
  }

  /** `n` bytes as chunks, without copying. */
  async *stream(n: number, what: string): AsyncGenerator<Buffer> {
    let left = n
    while (left > 0) {
      if (!(await this.#fill(1))) throw badDer(`truncated input: ${left} more bytes of ${what} expected at byte ${this.offset}`)
      const take = Math.min(left, this.#buf.length - this.#pos)
      const out = this.#buf.subarray(this.#pos, this.#pos + take)
      this.#pos += take
      left -= take
      yield out
    }
  }

  /** The next identifier and length octets. */
  async header(what: string): Promise<BerHeader> {
    const start = this.offset
    const tag = await this.#byte(what)
    if ((tag & 0x1f) === 0x1f) throw badDer(`${what}: high tag numbers are not used in CMS (byte ${start})`)
    const first = await this.#byte(`${what} length`)
    let length: number | null
    let lenBytes = 1
    if (first < 0x80) length = first
    else if (first === 0x80) {
      if ((tag & 0x20) === 0) throw badDer(`${what}: indefinite length on a primitive element (byte ${start})`)
      length = null
    } else {
      const k = first & 0x7f
      if (k > 6) throw badDer(`${what}: length field of ${k} octets (byte ${start})`)
      length = 0
      for (let i = 0; i < k; i++) length = length * 256 + (await this.#byte(`${what} length`))
      lenBytes += k
    }
    const contentStart = start + 1 + lenBytes
    const raw = Buffer.alloc(1 + lenBytes)
    raw[0] = tag
    raw[1] = first
    if (lenBytes > 1) {
      let v = length as number
      for (let i = lenBytes; i >= 2; i--) {
        raw[i] = v % 256
        v = Math.floor(v / 256)
      }
    }
    return {tag, constructed: (tag & 0x20) !== 0, length, start, end: length === null ? null : contentStart + length, raw}
  }

  /** A header that must carry `tag`. */
  async expect(tag: number, what: string): Promise<BerHeader> {
    const h = await this.header(what)
    if (h.tag !== tag) throw badDer(`${what}: expected tag 0x${tag.toString(16)}, found 0x${h.tag.toString(16)} at byte ${h.start}`)
    return h
  }

  /**
   * True while the constructed element `h` has more children: by its end
   * offset, or until its EOC (which is consumed).
   */
  async more(h: BerHeader): Promise<boolean> {
    if (this.#ended.has(h)) return false
    if (h.end !== null) {
      if (this.offset > h.end) throw badDer(`an element overruns its enclosing one (byte ${h.start})`)
      return this.offset < h.end
    }
    if (!(await this.#fill(2))) throw badDer(`truncated input: end-of-contents expected for the element at byte ${h.start}`)
    if (this.#buf[this.#pos] === 0 && this.#buf[this.#pos + 1] === 0) {
      this.#pos += 2
      this.#ended.add(h)
      return false
    }
    return true
  }

  /** Consume what is left of `h` after its last child was read. */
  async close(h: BerHeader, what: string): Promise<void> {
    if (await this.more(h)) throw badDer(`${what}: unexpected data at byte ${this.offset}`)
  }

  /** The rest of the element whose header was just read, as DER (indefinite lengths made definite). */
  async element(h: BerHeader, what: string, limit = MAX_ELEMENT): Promise<Buffer> {
    const parts: Buffer[] = []
    await this.#collect(h, what, parts, {left: limit})
    return normalizeBer(Buffer.concat(parts))
  }

  /** The next whole element as DER. */
  async next(what: string, limit = MAX_ELEMENT): Promise<{header: BerHeader; der: Buffer}> {
    const header = await this.header(what)
    return {header, der: await this.element(header, what, limit)}
  }

  async #collect(h: BerHeader, what: string, parts: Buffer[], budget: {left: number}): Promise<void> {
    parts.push(h.raw)
    if (h.length !== null) {
      budget.left -= h.length
      if (budget.left < 0) throw badDer(`${what} is larger than ${MAX_ELEMENT} bytes (byte ${h.start})`)
      parts.push(Buffer.from(await this.read(h.length, what)))
      return
    }
    while (await this.more(h)) await this.#collect(await this.header(what), what, parts, budget)
    parts.push(Buffer.from([0, 0]))
  }

  /** Skip the rest of an element, streaming past large content. */
  async skip(h: BerHeader, what: string): Promise<void> {
    if (h.length !== null) {
      for await (const _ of this.stream(h.length, what));
      return
    }
    while (await this.more(h)) await this.skip(await this.header(what), what)
  }

  /**
   * The octets of a string element (OCTET STRING, or an IMPLICIT-tagged one)
   * whose header was read: primitive, or constructed from segments, nested
   * and of either length form.
   */
  async *octets(h: BerHeader, what: string): AsyncGenerator<Buffer> {
    if (!h.constructed) {
      yield* this.stream(h.length as number, what)
      return
    }
    while (await this.more(h)) {
      const seg = await this.header(what)
      if ((seg.tag & 0xdf) !== 0x04) throw badDer(`${what}: a segment of a constructed string must be an OCTET STRING, found tag 0x${seg.tag.toString(16)} at byte ${seg.start}`)
      yield* this.octets(seg, what)
    }
  }
}

/** Chunks of an async iterable re-cut so none is empty (helps consumers that treat empty as end). */
export async function* nonEmpty(src: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  for await (const c of src) if (c.length > 0) yield c
}
