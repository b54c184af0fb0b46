/** Thrown when a structure claims more bytes than it has. */
export class Truncated extends Error {
  constructor(what: string) {
    super(`truncated ${what}`)
  }
}

/** A bounds-checked cursor over one message; every read names what it reads for the error. */
export class Reader {
  pos = 0
  constructor(readonly buf: Uint8Array, readonly end = buf.length) {}
  get left(): number {
    return this.end - this.pos
  }
  u8(what: string): number {
    if (this.left < 1) throw new Truncated(what)
    return this.buf[this.pos++]!
  }
  u16(what: string): number {
    if (this.left < 2) throw new Truncated(what)
    const v = (this.buf[this.pos]! << 8) | this.buf[this.pos + 1]!
    this.pos += 2
    return v
  }
  u24(what: string): number {
    if (this.left < 3) throw new Truncated(what)
    const v = (this.buf[this.pos]! << 16) | (this.buf[this.pos + 1]! << 8) | this.buf[this.pos + 2]!
    this.pos += 3
    return v
  }
  u32(what: string): number {
    return this.u16(what) * 65536 + this.u16(what)
  }
  bytes(n: number, what: string): Uint8Array {
    if (this.left < n) throw new Truncated(what)
    const v = this.buf.subarray(this.pos, this.pos + n)
    this.pos += n
    return v
  }
  /** A sub-reader over the next `n` bytes (a length-prefixed vector). */
  sub(n: number, what: string): Reader {
    if (this.left < n) throw new Truncated(what)
    const r = new Reader(this.buf, this.pos + n)
    r.pos = this.pos
    this.pos += n
    return r
  }
}
