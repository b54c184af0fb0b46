/**
 * A BER reader for PKCS #12 files.
 *
 * der.ts refuses BER on purpose (certificates are signed DER), but PFX
 * files are often BER: NSS pk12util writes indefinite lengths and
 * constructed OCTET STRINGs, and so do Windows exports. This reader accepts
 * both, keeps every element's exact bytes, and reports a malformed or
 * truncated file as a Pkcs12Error('format') naming what was being read.
 */
import {Pkcs12Error} from './errors.js'

export interface BerNode {
  /** First identifier octet (class, constructed bit, low tag number). */
  readonly tag: number
  readonly constructed: boolean
  /** Content octets; for an indefinite length, everything before the end-of-contents marker. */
  readonly content: Buffer
  /** The whole element as encoded. */
  readonly raw: Buffer
  readonly offset: number
}

export const BER = {
  INTEGER: 0x02,
  OCTET_STRING: 0x04,
  NULL: 0x05,
  OID: 0x06,
  UTF8_STRING: 0x0c,
  BMP_STRING: 0x1e,
  SEQUENCE: 0x30,
  SET: 0x31,
  CONTEXT_0: 0xa0,
} as const

/** Nesting deeper than this is no PKCS #12 file; it only risks the stack. */
const MAX_DEPTH = 48

const fail = (what: string, detail: string, offset: number): never => {
  throw new Pkcs12Error('format', `${what}: ${detail} at byte ${offset}`)
}

interface Read {
  node: BerNode
  next: number
}

function readElement(buf: Buffer, pos: number, end: number, depth: number, what: string): Read {
  const start = pos
  if (depth > MAX_DEPTH) fail(what, 'nested too deeply', start)
  if (pos >= end) fail(what, 'unexpected end of data (the file is truncated)', start)
  const tag = buf[pos++] as number
  if ((tag & 0x1f) === 0x1f) {
    // High tag numbers do not occur in PKCS #12; skip their digits to stay in step.
    while (pos < end && ((buf[pos] as number) & 0x80) !== 0) pos++
    pos++
  }
  if (pos >= end) fail(what, 'truncated length', start)
  const first = buf[pos++] as number
  const constructed = (tag & 0x20) !== 0
  if (first === 0x80) {
    if (!constructed) fail(what, 'indefinite length on a primitive element', start)
    const contentStart = pos
    for (;;) {
      if (pos + 2 > end) fail(what, 'missing end-of-contents (the file is truncated)', start)
      if (buf[pos] === 0 && buf[pos + 1] === 0) break
      pos = readElement(buf, pos, end, depth + 1, what).next
    }
    return {node: {tag, constructed, content: buf.subarray(contentStart, pos), raw: buf.subarray(start, pos + 2), offset: start}, next: pos + 2}
  }
  let length = first
  if (first > 0x80) {
    const n = first & 0x7f
    if (n > 4) fail(what, 'length field too long', start)
    if (pos + n > end) fail(what, 'truncated length', start)
    length = 0
    for (let i = 0; i < n; i++) length = length * 256 + (buf[pos++] as number)
  }
  if (pos + length > end) fail(what, `element claims ${length} bytes but ${end - pos} remain (the file is truncated)`, start)
  const next = pos + length
  return {node: {tag, constructed, content: buf.subarray(pos, next), raw: buf.subarray(start, next), offset: start}, next}
}

/** Exactly one element filling `buf` (trailing zero bytes, as some tools pad, are allowed). */
export function parseBer(buf: Buffer, what: string): BerNode {
  const {node, next} = readElement(buf, 0, buf.length, 0, what)
  for (let i = next; i < buf.length; i++) if (buf[i] !== 0) fail(what, `${buf.length - next} bytes of trailing data`, next)
  return node
}

/** The elements inside a constructed element. */
export function childrenOf(node: BerNode, what: string): BerNode[] {
  if (!node.constructed) fail(what, 'expected a constructed element', node.offset)
  const out: BerNode[] = []
  const base = node.offset + (node.raw.length - node.content.length) - (isIndefinite(node) ? 2 : 0)
  let pos = 0
  while (pos < node.content.length) {
    const r = readElement(node.content, pos, node.content.length, 1, what)
    out.push({...r.node, offset: base + r.node.offset})
    pos = r.next
  }
  return out
}

function isIndefinite(node: BerNode): boolean {
  return node.raw.length >= 2 && node.raw[1] === 0x80
}

/** The children of a SEQUENCE (or SET), checking the tag. */
export function sequenceOf(node: BerNode, what: string, tag: number = BER.SEQUENCE): BerNode[] {
  if (node.tag !== tag) fail(what, `expected tag 0x${tag.toString(16)}, found 0x${node.tag.toString(16)}`, node.offset)
  return childrenOf(node, what)
}

/** Child `i`, which must exist (and carry `tag` when given). */
export function child(items: readonly BerNode[], i: number, what: string, tag?: number): BerNode {
  const c = items[i]
  if (c === undefined) return fail(what, `field ${i + 1} is missing`, -1)
  if (tag !== undefined && c.tag !== tag) fail(what, `field ${i + 1} has tag 0x${c.tag.toString(16)}, expected 0x${tag.toString(16)}`, c.offset)
  return c
}

/**
 * The octets of an OCTET STRING in either form: primitive, or constructed
 * from segments (BER). The outer tag is not checked, so `[0] IMPLICIT
 * OCTET STRING` reads the same way.
 */
export function octets(node: BerNode, what: string): Buffer {
  if (!node.constructed) return node.content
  return Buffer.concat(childrenOf(node, what).map((c) => octets(c, what)))
}

/** The single element inside an `[n] EXPLICIT` wrapper. */
export function explicitInner(node: BerNode, what: string): BerNode {
  const inner = childrenOf(node, what)
  if (inner.length !== 1) fail(what, `expected one element inside the tag, found ${inner.length}`, node.offset)
  return inner[0] as BerNode
}

export function oidOf(node: BerNode, what: string): string {
  if (node.tag !== BER.OID || node.content.length === 0) return fail(what, 'expected an OBJECT IDENTIFIER', node.offset)
  const arcs: bigint[] = []
  let v = 0n
  for (const b of node.content) {
    v = (v << 7n) | BigInt(b & 0x7f)
    if ((b & 0x80) === 0) {
      arcs.push(v)
      v = 0n
    }
  }
  if (((node.content[node.content.length - 1] as number) & 0x80) !== 0) fail(what, 'truncated OBJECT IDENTIFIER', node.offset)
  const first = arcs[0] as bigint
  const head = first < 40n ? [0n, first] : first < 80n ? [1n, first - 40n] : [2n, first - 80n]
  return [...head, ...arcs.slice(1)].join('.')
}

/**
 * Iteration counts above this are refused before any hashing. Real files
 * use up to about a million (NSS writes 600000); a file claiming 2^31 - 1
 * would hold the CPU for hours before its MAC could fail.
 */
export const MAX_ITERATIONS = 10_000_000

/** An iteration count (MAC, PKCS #12 PBE, PBES1, PBKDF2). */
export function iterationCountOf(node: BerNode, what: string): number {
  const n = smallIntegerOf(node, what)
  if (n > MAX_ITERATIONS) throw new Pkcs12Error('format', `${what}: an iteration count of ${n} is over the limit of ${MAX_ITERATIONS}; the file is damaged or hostile`)
  return n
}

/** A non-negative INTEGER small enough for a number (versions, iteration counts, key lengths). */
export function smallIntegerOf(node: BerNode, what: string): number {
  if (node.tag !== BER.INTEGER || node.content.length === 0) return fail(what, 'expected an INTEGER', node.offset)
  if (((node.content[0] as number) & 0x80) !== 0) return fail(what, 'negative INTEGER', node.offset)
  let v = 0
  for (const b of node.content) {
    v = v * 256 + b
    if (v > 0x7fffffff) fail(what, 'INTEGER out of range', node.offset)
  }
  return v
}
