import type {BinaryString} from './header.js'

/**
 * Structured MIME header values of the form `value; name=value; ...`
 * (Content-Type, Content-Disposition; RFC 2045 §5.1, RFC 2183). Comments
 * are skipped, quoted values unquoted; parameters keep their order and the
 * case their names were written in. RFC 2231 continuations are not joined.
 */
export interface ParameterisedValue {
  /** The leading value (`text/plain`, `attachment`) as written, or '' when missing. */
  readonly value: BinaryString
  readonly params: ReadonlyArray<readonly [name: string, value: BinaryString]>
}

/** RFC 2045 tspecials plus white space and controls end a token. */
const TOKEN_END = /[()<>@,;:\\"/[\]?=\s\x00-\x1f\x7f]/

export function parseParameterisedValue(text: BinaryString): ParameterisedValue {
  const cursor = {text, pos: 0}
  skipCfws(cursor)
  // The leading value may contain "/" (type/subtype): read up to ";".
  let value = ''
  while (cursor.pos < text.length && text[cursor.pos] !== ';') {
    if (text[cursor.pos] === '(') skipCfws(cursor)
    else value += text[cursor.pos++]
  }
  const params: Array<[string, string]> = []
  while (cursor.pos < text.length) {
    cursor.pos++ // the ";"
    skipCfws(cursor)
    const name = token(cursor)
    skipCfws(cursor)
    if (name === '' || text[cursor.pos] !== '=') {
      // Malformed parameter: skip to the next ";".
      skipTo(cursor, ';')
      continue
    }
    cursor.pos++
    skipCfws(cursor)
    const v = text[cursor.pos] === '"' ? quoted(cursor) : token(cursor)
    params.push([name, v])
    skipTo(cursor, ';')
  }
  return {value: value.replace(/\s+/g, ''), params}
}

/** Case-insensitive parameter lookup. */
export function parameter(value: ParameterisedValue, name: string): BinaryString | null {
  const lower = name.toLowerCase()
  for (const [n, v] of value.params) if (n.toLowerCase() === lower) return v
  return null
}

interface Cursor {
  readonly text: string
  pos: number
}

function skipCfws(c: Cursor): void {
  for (;;) {
    while (c.pos < c.text.length && /\s/.test(c.text[c.pos]!)) c.pos++
    if (c.text[c.pos] !== '(') return
    let depth = 0
    while (c.pos < c.text.length) {
      const ch = c.text[c.pos++]
      if (ch === '\\') c.pos++
      else if (ch === '(') depth++
      else if (ch === ')' && --depth === 0) break
    }
  }
}

function token(c: Cursor): string {
  const start = c.pos
  while (c.pos < c.text.length && !TOKEN_END.test(c.text[c.pos]!)) c.pos++
  return c.text.slice(start, c.pos)
}

function quoted(c: Cursor): string {
  let out = ''
  c.pos++ // opening quote
  while (c.pos < c.text.length) {
    const ch = c.text[c.pos++]!
    if (ch === '"') break
    if (ch === '\\' && c.pos < c.text.length) out += c.text[c.pos++]
    else out += ch
  }
  return out
}

/** Advance to the next unquoted, uncommented `stop` character (or the end). */
function skipTo(c: Cursor, stop: string): void {
  while (c.pos < c.text.length && c.text[c.pos] !== stop) {
    if (c.text[c.pos] === '"') quoted(c)
    else if (c.text[c.pos] === '(') skipCfws(c)
    else c.pos++
  }
}
