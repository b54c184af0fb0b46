/**
 * Parses a DIGEST-MD5 digest-response (RFC 2831 §7.1, §2.1.2):
 * `name=value` pairs separated by commas, values a token or a quoted string
 * with backslash escapes, empty list elements and linear white space
 * allowed. Null for anything malformed, including a repeated directive
 * (each one the server reads may appear only once).
 */
export function parseDigestDirectives(text: string): Map<string, string> | null {
  const out = new Map<string, string>()
  let i = 0
  const skipSpace = () => {
    while (i < text.length && /[ \t\r\n]/.test(text[i]!)) i++
  }
  while (true) {
    skipSpace()
    if (i >= text.length) return out
    if (text[i] === ',') {
      i++
      continue
    }
    const nameMatch = /^[A-Za-z0-9_-]+/.exec(text.slice(i, i + 64))
    if (!nameMatch) return null
    const name = nameMatch[0].toLowerCase()
    i += nameMatch[0].length
    skipSpace()
    if (text[i] !== '=') return null
    i++
    skipSpace()
    let value = ''
    if (text[i] === '"') {
      i++
      let closed = false
      while (i < text.length) {
        const c = text[i++]!
        if (c === '"') {
          closed = true
          break
        }
        if (c === '\\') {
          if (i >= text.length) return null
          value += text[i++]
        } else value += c
      }
      if (!closed) return null
    } else {
      const start = i
      while (i < text.length && !/[ \t\r\n,"]/.test(text[i]!)) i++
      value = text.slice(start, i)
      if (value === '') return null
    }
    if (out.has(name)) return null
    out.set(name, value)
    skipSpace()
    if (i < text.length && text[i] !== ',') return null
  }
}
