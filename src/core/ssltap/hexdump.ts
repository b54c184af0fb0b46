/**
 * NSS ssltap's hex dump: `%4x:` offset, a space before each group of four
 * bytes, `%02x ` per byte, then ` | ` and the bytes 0x20..0x7f as text.
 * Output is a latin1 string (one char per byte) ending in a newline.
 */
export function hexDump(bytes: Uint8Array, html = false): string {
  let out = ''
  for (let line = 0; line < bytes.length; line += 16) {
    let hex = `${line.toString(16).padStart(4)}:`
    let text = ''
    for (let k = 0; k < 16; k++) {
      if (k % 4 === 0) hex += ' '
      const i = line + k
      if (i >= bytes.length) {
        hex += '   '
        continue
      }
      const b = bytes[i]!
      hex += `${b < 16 ? '0' : ''}${b.toString(16)} `
      text += printable(b, html)
    }
    out += `${hex} | ${text}\n`
  }
  return out
}

function printable(b: number, html: boolean): string {
  if (b < 0x20 || b >= 0x80) return '.'
  const c = String.fromCharCode(b)
  if (!html) return c
  return c === '<' ? '&lt;' : c === '>' ? '&gt;' : c === '&' ? '&amp;' : c
}
