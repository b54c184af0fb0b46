/**
 * Byte dumps as certutil prints them (observed with NSS 3.87 `-L -n`).
 *
 * A byte string is shown as lower-case colon hex, 16 bytes a line, every
 * line but the last ending in `:`. When every byte is printable ASCII
 * (0x20-0x7e) the text is shown as well: after the hex for 1 to 4 bytes,
 * instead of it for 5 or more, cut into lines of 61 characters. Trailing
 * spaces of that text are not shown, and a text line left empty by the cut
 * or the trimming gets no newline of its own (NSS then runs the indentation
 * into the next line; reproduced here).
 */

const TEXT_WIDTH = 61

const isPrintable = (b: number): boolean => b >= 0x20 && b <= 0x7e

/** Lower-case colon hex, 16 bytes a line; each line prefixed by `indent`. */
export function colonHexLines(bytes: Buffer, indent: string): string[] {
  const out: string[] = []
  for (let i = 0; i < bytes.length; i += 16) {
    const chunk = [...bytes.subarray(i, i + 16)].map((x) => x.toString(16).padStart(2, '0')).join(':')
    out.push(indent + chunk + (i + 16 < bytes.length ? ':' : ''))
  }
  return out
}

/** Upper-case colon hex on one line (fingerprints). */
export function upperColonHex(bytes: Buffer): string {
  return [...bytes].map((x) => x.toString(16).toUpperCase().padStart(2, '0')).join(':')
}

/**
 * The dump of `bytes` at `indent`, as a string of complete output (each
 * line ends in `\n`, except the quirk described in the module comment).
 * An empty string shows as `(empty)`.
 */
export function nssHexDump(bytes: Buffer, indent: string): string {
  if (bytes.length === 0) return `${indent}(empty)\n`
  const printable = bytes.every(isPrintable)
  if (!printable || bytes.length <= 4) {
    const hex = colonHexLines(bytes, indent).map((l) => l + '\n').join('')
    return printable ? hex + textDump(bytes, indent) : hex
  }
  return textDump(bytes, indent)
}

function textDump(bytes: Buffer, indent: string): string {
  const text = bytes.toString('latin1').replace(/ +$/, '')
  let out = indent
  let column = 0
  for (const ch of text) {
    out += ch
    column++
    if (column === TEXT_WIDTH) {
      out += '\n' + indent
      column = 0
    }
  }
  return column > 0 ? out + '\n' : out
}

/** Join lines with a newline after each. */
export function lines(ls: readonly string[]): string {
  return ls.map((l) => l + '\n').join('')
}
