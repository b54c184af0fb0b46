import {badDer} from './errors.js'

/**
 * Re-encode an in-memory BER element with definite lengths, so der.ts (which
 * keeps exact DER bytes) can read it. Elements already definite keep their
 * bytes: signatures over certificates and signed attributes stay valid.
 */
export function normalizeBer(buf: Buffer): Buffer {
  if (!hasIndefinite(buf, 0, buf.length)) return buf
  const {out, next} = rewrite(buf, 0, buf.length)
  if (next !== buf.length) throw badDer(`${buf.length - next} bytes of trailing data inside an element`)
  return out
}

function readHeader(buf: Buffer, pos: number, end: number): {tag: number; length: number | null; contentStart: number} {
  if (pos + 2 > end) throw badDer('truncated element')
  const tag = buf[pos] as number
  const first = buf[pos + 1] as number
  if (first < 0x80) {
    // Short form too must fit its container; a length past the end once read undefined bytes as NaN offsets and looped for ever.
    if (pos + 2 + first > end) throw badDer('element longer than its container')
    return {tag, length: first, contentStart: pos + 2}
  }
  if (first === 0x80) return {tag, length: null, contentStart: pos + 2}
  const k = first & 0x7f
  if (pos + 2 + k > end || k > 6) throw badDer('bad length field')
  let length = 0
  for (let i = 0; i < k; i++) length = length * 256 + (buf[pos + 2 + i] as number)
  if (pos + 2 + k + length > end) throw badDer('element longer than its container')
  return {tag, length, contentStart: pos + 2 + k}
}

function hasIndefinite(buf: Buffer, pos: number, end: number): boolean {
  while (pos < end) {
    const h = readHeader(buf, pos, end)
    if (h.length === null) return true
    if ((h.tag & 0x20) !== 0 && hasIndefinite(buf, h.contentStart, h.contentStart + h.length)) return true
    pos = h.contentStart + h.length
  }
  return false
}

function lengthOctets(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n])
  const bytes: number[] = []
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v % 256)
  return Buffer.from([0x80 | bytes.length, ...bytes])
}

function rewrite(buf: Buffer, pos: number, end: number): {out: Buffer; next: number} {
  const h = readHeader(buf, pos, end)
  if ((h.tag & 0x20) === 0) {
    const next = h.contentStart + (h.length as number)
    return {out: buf.subarray(pos, next), next}
  }
  const children: Buffer[] = []
  let p = h.contentStart
  if (h.length === null) {
    for (;;) {
      if (p + 2 > end) throw badDer('missing end-of-contents')
      if (buf[p] === 0 && buf[p + 1] === 0) {
        p += 2
        break
      }
      const c = rewrite(buf, p, end)
      children.push(c.out)
      p = c.next
    }
  } else {
    const stop = h.contentStart + h.length
    while (p < stop) {
      const c = rewrite(buf, p, stop)
      children.push(c.out)
      p = c.next
    }
  }
  const content = Buffer.concat(children)
  return {out: Buffer.concat([Buffer.from([h.tag]), lengthOctets(content.length), content]), next: p}
}
