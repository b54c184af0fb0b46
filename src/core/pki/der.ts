/**
 * A small DER codec over Buffers.
 *
 * Decoding keeps the exact bytes of every element: a signature covers the
 * TBS bytes as they were received, and names are matched byte for byte, so
 * re-encoding a parsed tree (what forge.asn1 would need) could change what
 * was signed. Decoding is lazy (children are read on demand) and every
 * failure is a DerError with the byte offset, which the callers turn into
 * their own typed errors.
 */

/** A malformed element; `offset` is relative to the start of the top-level input. */
export class DerError extends Error {
  constructor(message: string, readonly offset: number) {
    super(message)
    this.name = 'DerError'
  }
}

/** Identifier octets of the universal types used here. */
export const Tag = {
  BOOLEAN: 0x01,
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  NULL: 0x05,
  OID: 0x06,
  UTF8_STRING: 0x0c,
  NUMERIC_STRING: 0x12,
  PRINTABLE_STRING: 0x13,
  T61_STRING: 0x14,
  IA5_STRING: 0x16,
  UTC_TIME: 0x17,
  GENERALIZED_TIME: 0x18,
  VISIBLE_STRING: 0x1a,
  UNIVERSAL_STRING: 0x1c,
  BMP_STRING: 0x1e,
  SEQUENCE: 0x30,
  SET: 0x31,
} as const

/** Identifier octet of a context-specific tag `[n]`. */
export function contextTag(n: number, constructed: boolean): number {
  return 0x80 | (constructed ? 0x20 : 0) | n
}

export interface DerNode {
  /** First identifier octet (class, constructed bit, and the tag number when below 31). */
  readonly tag: number
  /** 0 universal, 1 application, 2 context-specific, 3 private. */
  readonly cls: number
  readonly constructed: boolean
  readonly tagNumber: number
  /** The whole element: identifier, length and content. */
  readonly raw: Buffer
  readonly content: Buffer
  /** Offset of the identifier octet in the top-level input. */
  readonly offset: number
}

const MAX_LENGTH_OCTETS = 4

function readNode(buf: Buffer, pos: number, end: number, base: number): DerNode {
  const start = pos
  if (pos >= end) throw new DerError('unexpected end of data (element expected)', base + pos)
  const first = buf[pos++] as number
  let tagNumber = first & 0x1f
  if (tagNumber === 0x1f) {
    // High tag number form: base-128 digits, high bit = more follow.
    tagNumber = 0
    for (;;) {
      if (pos >= end) throw new DerError('truncated tag', base + start)
      const b = buf[pos++] as number
      tagNumber = tagNumber * 128 + (b & 0x7f)
      if (tagNumber > 0x1fffffff) throw new DerError('tag number too large', base + start)
      if ((b & 0x80) === 0) break
    }
  }
  if (pos >= end) throw new DerError('truncated length', base + start)
  const lenByte = buf[pos++] as number
  let length: number
  if (lenByte < 0x80) {
    length = lenByte
  } else if (lenByte === 0x80) {
    throw new DerError('indefinite length is BER, not DER', base + start)
  } else {
    const n = lenByte & 0x7f
    if (n > MAX_LENGTH_OCTETS) throw new DerError('length field too long', base + start)
    if (pos + n > end) throw new DerError('truncated length', base + start)
    length = 0
    for (let i = 0; i < n; i++) length = length * 256 + (buf[pos++] as number)
  }
  if (pos + length > end) {
    throw new DerError(`element claims ${length} bytes but only ${end - pos} remain (truncated data)`, base + start)
  }
  return {
    tag: first,
    cls: first >> 6,
    constructed: (first & 0x20) !== 0,
    tagNumber,
    raw: buf.subarray(start, pos + length),
    content: buf.subarray(pos, pos + length),
    offset: base + start,
  }
}

/** Decode exactly one element filling `buf`. */
export function parseDer(buf: Buffer, base = 0): DerNode {
  const node = readNode(buf, 0, buf.length, base)
  if (node.raw.length !== buf.length) {
    throw new DerError(`${buf.length - node.raw.length} bytes of trailing data after the DER element`, base + node.raw.length)
  }
  return node
}

/** The elements inside a constructed element. */
export function childrenOf(node: DerNode): DerNode[] {
  if (!node.constructed) throw new DerError(`${tagName(node.tag)} is not constructed`, node.offset)
  const out: DerNode[] = []
  const base = node.offset + (node.raw.length - node.content.length)
  let pos = 0
  while (pos < node.content.length) {
    const child = readNode(node.content, pos, node.content.length, base)
    out.push(child)
    pos += child.raw.length
  }
  return out
}

const UNIVERSAL_NAMES: Record<number, string> = {
  0x01: 'BOOLEAN', 0x02: 'INTEGER', 0x03: 'BIT STRING', 0x04: 'OCTET STRING', 0x05: 'NULL', 0x06: 'OBJECT IDENTIFIER',
  0x0c: 'UTF8String', 0x12: 'NumericString', 0x13: 'PrintableString', 0x14: 'T61String', 0x16: 'IA5String',
  0x17: 'UTCTime', 0x18: 'GeneralizedTime', 0x1a: 'VisibleString', 0x1c: 'UniversalString', 0x1e: 'BMPString',
  0x30: 'SEQUENCE', 0x31: 'SET',
}

/** Human name of an identifier octet, for messages. */
export function tagName(tag: number): string {
  const known = UNIVERSAL_NAMES[tag]
  if (known !== undefined) return known
  if ((tag & 0xc0) === 0x80) return `[${tag & 0x1f}]`
  return `tag 0x${tag.toString(16).padStart(2, '0')}`
}

/**
 * Walks the children of a SEQUENCE in order, with messages that name the
 * structure and field when something is missing or of the wrong type.
 */
export class DerSequence {
  private readonly items: DerNode[]
  private index = 0

  constructor(node: DerNode, readonly what: string, expectedTag: number = Tag.SEQUENCE) {
    if (node.tag !== expectedTag) {
      throw new DerError(`${what}: expected ${tagName(expectedTag)}, found ${tagName(node.tag)}`, node.offset)
    }
    this.items = childrenOf(node)
  }

  /** The next element, which must carry `tag`. */
  next(tag: number, field: string): DerNode {
    const item = this.items[this.index]
    if (item === undefined) throw new DerError(`${this.what}: ${field} is missing`, -1)
    if (item.tag !== tag) {
      throw new DerError(`${this.what}: ${field} should be ${tagName(tag)}, found ${tagName(item.tag)}`, item.offset)
    }
    this.index++
    return item
  }

  /** The next element whatever its tag. */
  any(field: string): DerNode {
    const item = this.items[this.index]
    if (item === undefined) throw new DerError(`${this.what}: ${field} is missing`, -1)
    this.index++
    return item
  }

  /** The next element if it carries `tag`, else null (nothing consumed). */
  optional(tag: number): DerNode | null {
    const item = this.items[this.index]
    if (item === undefined || item.tag !== tag) return null
    this.index++
    return item
  }

  get done(): boolean {
    return this.index >= this.items.length
  }

  /** Asserts every element was consumed. */
  end(): void {
    const item = this.items[this.index]
    if (item !== undefined) throw new DerError(`${this.what}: unexpected ${tagName(item.tag)} after the last field`, item.offset)
  }
}

// ---------------------------------------------------------------- decoding

/** A missing element (`childrenOf(x)[0]` of an empty SEQUENCE) is malformed input like a wrong tag. */
export function expectTag(node: DerNode | undefined, tag: number, what: string): asserts node is DerNode {
  if (node === undefined) throw new DerError(`${what} is missing`, -1)
  if (node.tag !== tag) throw new DerError(`${what} should be ${tagName(tag)}, found ${tagName(node.tag)}`, node.offset)
}

/** Two's complement INTEGER content as a bigint. */
export function decodeInteger(node: DerNode, what = 'INTEGER'): bigint {
  expectTag(node, Tag.INTEGER, what)
  const c = node.content
  if (c.length === 0) throw new DerError(`${what} is empty`, node.offset)
  let v = BigInt('0x' + c.toString('hex'))
  if (((c[0] as number) & 0x80) !== 0) v -= 1n << BigInt(c.length * 8)
  return v
}

/** A small non-negative INTEGER as a number (versions, path lengths, salt lengths). */
export function decodeSmallInteger(node: DerNode, what: string): number {
  const v = decodeInteger(node, what)
  if (v < 0n || v > 0x7fffffffn) throw new DerError(`${what} out of range`, node.offset)
  return Number(v)
}

/** Magnitude bytes of an unsigned INTEGER (leading zero octets removed). */
export function unsignedBytes(content: Buffer): Buffer {
  let i = 0
  while (i < content.length - 1 && content[i] === 0) i++
  return content.subarray(i)
}

export function decodeBoolean(node: DerNode, what = 'BOOLEAN'): boolean {
  expectTag(node, Tag.BOOLEAN, what)
  if (node.content.length !== 1) throw new DerError(`${what} must be one byte`, node.offset)
  return node.content[0] !== 0
}

export function decodeOidContent(content: Buffer, offset = -1): string {
  if (content.length === 0) throw new DerError('empty OBJECT IDENTIFIER', offset)
  if (((content[content.length - 1] as number) & 0x80) !== 0) throw new DerError('truncated OBJECT IDENTIFIER', offset)
  const arcs: bigint[] = []
  let v = 0n
  for (const b of content) {
    v = (v << 7n) | BigInt(b & 0x7f)
    if ((b & 0x80) === 0) {
      arcs.push(v)
      v = 0n
    }
  }
  const first = arcs[0] as bigint
  const head = first < 40n ? [0n, first] : first < 80n ? [1n, first - 40n] : [2n, first - 80n]
  return [...head, ...arcs.slice(1)].join('.')
}

export function decodeOid(node: DerNode, what = 'OBJECT IDENTIFIER'): string {
  expectTag(node, Tag.OID, what)
  return decodeOidContent(node.content, node.offset)
}

export interface BitString {
  readonly unusedBits: number
  readonly bytes: Buffer
}

export function decodeBitString(node: DerNode, what = 'BIT STRING'): BitString {
  expectTag(node, Tag.BIT_STRING, what)
  const c = node.content
  if (c.length === 0) throw new DerError(`${what} is empty`, node.offset)
  const unusedBits = c[0] as number
  if (unusedBits > 7 || (c.length === 1 && unusedBits !== 0)) throw new DerError(`${what} has a bad unused-bits count`, node.offset)
  return {unusedBits, bytes: c.subarray(1)}
}

/** Named-bit list value: bit 0 is the most significant bit of the first byte. */
export function bitStringToNumber(bits: BitString): number {
  let v = 0
  const n = Math.min(bits.bytes.length, 4)
  for (let i = 0; i < n; i++) {
    const byte = bits.bytes[i] as number
    for (let b = 0; b < 8; b++) if ((byte & (0x80 >> b)) !== 0) v |= 1 << (i * 8 + b)
  }
  return v >>> 0
}

const UTC_TIME = /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})?(Z|[+-]\d{4})$/
const GENERALIZED_TIME = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})?(\d{2})?(?:[.,](\d+))?(Z|[+-]\d{4})?$/

/**
 * Builds a UTC date from calendar fields, or null when a field is out of
 * range (Date.UTC would silently roll 31 February over into March).
 */
export function utcDate(year: number, month: number, day: number, hour: number, minute: number, second: number, offsetMinutes = 0): Date | null {
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return null
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate()
  if (day > daysInMonth) return null
  const d = new Date(0)
  d.setUTCFullYear(year, month - 1, day)
  d.setUTCHours(hour, minute, second, 0)
  return new Date(d.getTime() - offsetMinutes * 60_000)
}

function zoneMinutes(zone: string | undefined): number | null {
  if (zone === undefined || zone === 'Z') return 0
  const h = Number(zone.slice(1, 3))
  const m = Number(zone.slice(3, 5))
  if (h > 23 || m > 59) return null
  return (zone[0] === '-' ? -1 : 1) * (h * 60 + m)
}

/** UTCTime or GeneralizedTime (DER forms, plus the BER variants seen in old certificates). */
export function decodeTime(node: DerNode, what = 'time'): Date {
  const text = node.content.toString('latin1')
  let date: Date | null = null
  if (node.tag === Tag.UTC_TIME) {
    const m = UTC_TIME.exec(text)
    if (m !== null) {
      const yy = Number(m[1])
      const off = zoneMinutes(m[7])
      // RFC 5280 §4.1.2.5.1: two-digit years 50-99 are 19xx.
      if (off !== null) date = utcDate(yy < 50 ? 2000 + yy : 1900 + yy, Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6] ?? 0), off)
    }
  } else if (node.tag === Tag.GENERALIZED_TIME) {
    const m = GENERALIZED_TIME.exec(text)
    if (m !== null) {
      const off = zoneMinutes(m[8])
      if (off !== null) date = utcDate(Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5] ?? 0), Number(m[6] ?? 0), off)
      if (date !== null && m[7] !== undefined) date = new Date(date.getTime() + Math.floor(Number('0.' + m[7]) * 1000))
    }
  } else {
    throw new DerError(`${what} should be UTCTime or GeneralizedTime, found ${tagName(node.tag)}`, node.offset)
  }
  if (date === null) throw new DerError(`${what} ${JSON.stringify(text)} is not a valid time`, node.offset)
  return date
}

/** True for the universal string types that may carry a directory string. */
export function isStringTag(tag: number): boolean {
  return tag === Tag.UTF8_STRING || tag === Tag.PRINTABLE_STRING || tag === Tag.IA5_STRING || tag === Tag.T61_STRING ||
    tag === Tag.BMP_STRING || tag === Tag.UNIVERSAL_STRING || tag === Tag.VISIBLE_STRING || tag === Tag.NUMERIC_STRING
}

/** Text of a string-typed element, or null for other types. */
export function decodeString(node: DerNode): string | null {
  const c = node.content
  switch (node.tag) {
    case Tag.UTF8_STRING:
      return c.toString('utf8')
    case Tag.BMP_STRING: {
      if (c.length % 2 !== 0) return null
      const swapped = Buffer.from(c)
      swapped.swap16()
      return swapped.toString('utf16le')
    }
    case Tag.UNIVERSAL_STRING: {
      if (c.length % 4 !== 0) return null
      let s = ''
      for (let i = 0; i < c.length; i += 4) {
        const cp = c.readUInt32BE(i)
        if (cp > 0x10ffff) return null
        s += String.fromCodePoint(cp)
      }
      return s
    }
    case Tag.PRINTABLE_STRING:
    case Tag.IA5_STRING:
    case Tag.VISIBLE_STRING:
    case Tag.NUMERIC_STRING:
    case Tag.T61_STRING:
      // T61 is read as Latin-1, which is what its users overwhelmingly meant.
      return c.toString('latin1')
    default:
      return null
  }
}

// ---------------------------------------------------------------- encoding

function lengthOctets(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n])
  const bytes: number[] = []
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff)
  return Buffer.from([0x80 | bytes.length, ...bytes])
}

/** One element from its identifier octet and content. */
export function tlv(tag: number, content: Buffer): Buffer {
  return Buffer.concat([Buffer.from([tag]), lengthOctets(content.length), content])
}

export function sequence(...items: Buffer[]): Buffer {
  return tlv(Tag.SEQUENCE, Buffer.concat(items))
}

/**
 * SET OF with members kept in the given order. NSS writes multi-valued RDNs
 * in the order typed (`OU=b+OU=a` stays b, a), and matching its bytes
 * matters more here than the DER sort rule.
 */
export function set(...items: Buffer[]): Buffer {
  return tlv(Tag.SET, Buffer.concat(items))
}

/** SET OF sorted as DER requires (attribute sets in requests). */
export function sortedSet(...items: Buffer[]): Buffer {
  return tlv(Tag.SET, Buffer.concat([...items].sort(Buffer.compare)))
}

/** Minimal two's complement content octets of an INTEGER. */
export function integerContent(value: bigint | number): Buffer {
  const v = BigInt(value)
  // Smallest n with -2^(8n-1) <= v < 2^(8n-1).
  let n = 1
  while (v < -(1n << BigInt(8 * n - 1)) || v >= 1n << BigInt(8 * n - 1)) n++
  const u = v < 0n ? v + (1n << BigInt(8 * n)) : v
  return Buffer.from(u.toString(16).padStart(2 * n, '0'), 'hex')
}

export function integer(value: bigint | number): Buffer {
  return tlv(Tag.INTEGER, integerContent(value))
}

/** INTEGER from unsigned big-endian magnitude bytes. */
export function unsignedInteger(magnitude: Buffer): Buffer {
  const m = unsignedBytes(magnitude.length === 0 ? Buffer.from([0]) : magnitude)
  return tlv(Tag.INTEGER, ((m[0] as number) & 0x80) !== 0 ? Buffer.concat([Buffer.from([0]), m]) : m)
}

const OID_TEXT = /^[0-2](\.\d+)+$/

export function isOidText(text: string): boolean {
  if (!OID_TEXT.test(text)) return false
  const arcs = text.split('.')
  return !(arcs[0] !== '2' && BigInt(arcs[1] as string) > 39n)
}

export function oidContent(text: string): Buffer {
  if (!isOidText(text)) throw new Error(`not an object identifier: ${text}`)
  const arcs = text.split('.').map((a) => BigInt(a))
  const values = [(arcs[0] as bigint) * 40n + (arcs[1] as bigint), ...arcs.slice(2)]
  const out: number[] = []
  for (const v of values) {
    const digits: number[] = [Number(v & 0x7fn)]
    for (let r = v >> 7n; r > 0n; r >>= 7n) digits.unshift(Number(r & 0x7fn) | 0x80)
    out.push(...digits)
  }
  return Buffer.from(out)
}

export function oid(text: string): Buffer {
  return tlv(Tag.OID, oidContent(text))
}

export function nullValue(): Buffer {
  return Buffer.from([Tag.NULL, 0])
}

export function boolean(value: boolean): Buffer {
  return Buffer.from([Tag.BOOLEAN, 1, value ? 0xff : 0])
}

export function octetString(content: Buffer): Buffer {
  return tlv(Tag.OCTET_STRING, content)
}

export function bitString(bytes: Buffer, unusedBits = 0): Buffer {
  return tlv(Tag.BIT_STRING, Buffer.concat([Buffer.from([unusedBits]), bytes]))
}

/**
 * Named-bit list as DER wants it: trailing zero bits dropped, so the value
 * is as short as possible (keyUsage digitalSignature+keyEncipherment is
 * 03 02 05 a0, as NSS writes it).
 */
export function namedBits(value: number): Buffer {
  if (value === 0) return bitString(Buffer.alloc(0))
  let highest = 0
  for (let b = 0; b < 32; b++) if ((value & (1 << b)) !== 0) highest = b
  const nbytes = Math.floor(highest / 8) + 1
  const bytes = Buffer.alloc(nbytes)
  for (let b = 0; b <= highest; b++) {
    if ((value & (1 << b)) !== 0) bytes[b >> 3] = (bytes[b >> 3] as number) | (0x80 >> (b & 7))
  }
  return bitString(bytes, 7 - (highest & 7))
}

export function utf8String(text: string): Buffer {
  return tlv(Tag.UTF8_STRING, Buffer.from(text, 'utf8'))
}

const PRINTABLE = /^[A-Za-z0-9 '()+,\-./:=?]*$/

export function isPrintableString(text: string): boolean {
  return PRINTABLE.test(text)
}

export function printableString(text: string): Buffer {
  return tlv(Tag.PRINTABLE_STRING, Buffer.from(text, 'latin1'))
}

export function ia5String(text: string): Buffer {
  return tlv(Tag.IA5_STRING, Buffer.from(text, 'latin1'))
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0')
}

/** RFC 5280 §4.1.2.5: UTCTime through 2049, GeneralizedTime from 2050; whole seconds, Z. */
export function time(date: Date): Buffer {
  const y = date.getUTCFullYear()
  const rest = pad(date.getUTCMonth() + 1) + pad(date.getUTCDate()) + pad(date.getUTCHours()) + pad(date.getUTCMinutes()) + pad(date.getUTCSeconds()) + 'Z'
  if (y >= 1950 && y < 2050) return tlv(Tag.UTC_TIME, Buffer.from(pad(y % 100) + rest, 'latin1'))
  if (y < 0 || y > 9999) throw new Error(`year ${y} cannot be encoded`)
  return tlv(Tag.GENERALIZED_TIME, Buffer.from(pad(y, 4) + rest, 'latin1'))
}

/** `[n] EXPLICIT`: the element wrapped in a constructed context tag. */
export function explicit(n: number, inner: Buffer): Buffer {
  return tlv(contextTag(n, true), inner)
}

/** `[n] IMPLICIT` primitive: the content re-tagged. */
export function implicit(n: number, content: Buffer, constructed = false): Buffer {
  return tlv(contextTag(n, constructed), content)
}
