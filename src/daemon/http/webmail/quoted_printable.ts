/** Quoted-printable (RFC 2045 §6.7), both directions. */

const HEX = '0123456789ABCDEF'

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30
  if (c >= 0x41 && c <= 0x46) return c - 0x37
  if (c >= 0x61 && c <= 0x66) return c - 0x57
  return -1
}

/**
 * Decode a quoted-printable body. Tolerant: an `=` not followed by two hex
 * digits or a line break stays as it is; white space a transport added
 * before a line break is dropped (RFC 2045 §6.7 rule 3).
 */
export function decodeQuotedPrintable(input: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(input.length)
  let n = 0
  let i = 0
  while (i < input.length) {
    const c = input[i]!
    if (c === 0x3d) {
      // Soft line break: "=" then optional white space then a line break.
      let j = i + 1
      while (j < input.length && (input[j] === 0x20 || input[j] === 0x09)) j++
      if (j < input.length && (input[j] === 0x0a || (input[j] === 0x0d && input[j + 1] === 0x0a))) {
        i = input[j] === 0x0d ? j + 2 : j + 1
        continue
      }
      // "=" (and white space) at the very end: a soft break with nothing after it.
      if (j === input.length) break
      if (i + 2 < input.length) {
        const hi = hexValue(input[i + 1]!)
        const lo = hexValue(input[i + 2]!)
        if (hi >= 0 && lo >= 0) {
          out[n++] = hi * 16 + lo
          i += 3
          continue
        }
      }
      out[n++] = c
      i++
    } else if (c === 0x20 || c === 0x09) {
      // Trailing white space on a line is transport padding.
      let j = i
      while (j < input.length && (input[j] === 0x20 || input[j] === 0x09)) j++
      const atLineEnd = j === input.length || input[j] === 0x0a || (input[j] === 0x0d && input[j + 1] === 0x0a)
      if (!atLineEnd) while (i < j) out[n++] = input[i++]!
      i = j
    } else {
      out[n++] = c
      i++
    }
  }
  return out.subarray(0, n)
}

/** Longest encoded line before its soft break "=" (RFC 2045: 76 characters in all). */
const MAX_LINE = 75

/**
 * Encode text (as UTF-8) with CRLF line ends. Every line break in the input
 * (CRLF, bare LF or bare CR) becomes a hard CRLF break.
 */
export function encodeQuotedPrintable(text: string): string {
  const lines = text.split(/\r\n|\r|\n/)
  const out: string[] = []
  for (const line of lines) {
    const bytes = Buffer.from(line, 'utf8')
    let current = ''
    for (let i = 0; i < bytes.length; i++) {
      const b = bytes[i]!
      const last = i === bytes.length - 1
      let piece: string
      if (b === 0x20 || b === 0x09) piece = last ? escape(b) : String.fromCharCode(b)
      else if (b >= 0x21 && b <= 0x7e && b !== 0x3d) piece = String.fromCharCode(b)
      else piece = escape(b)
      if (current.length + piece.length > MAX_LINE) {
        out.push(current + '=')
        current = ''
      }
      current += piece
    }
    out.push(current)
  }
  return out.join('\r\n')
}

function escape(b: number): string {
  return '=' + HEX[b >> 4]! + HEX[b & 15]!
}
