/** Writing helpers for the streamed (BER indefinite-length) parts of a message. */

/** Identifier octet then the indefinite-length marker. */
export function openIndefinite(tag: number): Buffer {
  return Buffer.from([tag, 0x80])
}

export const EOC = Buffer.from([0, 0])

/** Identifier and length octets of a primitive OCTET STRING segment of `n` bytes. */
export function octetStringHeader(n: number): Buffer {
  if (n < 0x80) return Buffer.from([0x04, n])
  const bytes: number[] = []
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v % 256)
  return Buffer.from([0x04, 0x80 | bytes.length, ...bytes])
}

/** Content chunks as OCTET STRING segments of a constructed string (empty chunks dropped). */
export async function* octetSegments(chunks: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  for await (const c of chunks) {
    if (c.length === 0) continue
    yield octetStringHeader(c.length)
    yield c
  }
}
