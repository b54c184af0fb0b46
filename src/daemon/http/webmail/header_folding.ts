import {encodeWords} from './encoded_words.js'

/**
 * Writing header fields that stay within RFC 5322's 78-character line
 * limit and cannot carry a line break of their own. Lines are joined with
 * CRLF; the result has no final line break.
 */

const MAX_LINE = 78

/**
 * An unstructured field (Subject): control characters, line breaks
 * included, become spaces, so no value can start a header of its own.
 * Printable ASCII is folded at spaces; anything else, or a word too long
 * to fold, is written as UTF-8 encoded words.
 */
export function unstructuredHeader(name: string, value: string): string {
  const text = oneLine(value)
  if (text === '') return `${name}:`
  // "=?" in plain text would read back as an encoded word: encode it instead.
  if (/^[\x20-\x7e]*$/.test(text) && !text.includes('=?')) {
    const folded = foldAtSpaces(name, text)
    if (folded !== null) return folded
  }
  return foldTokens(name, encodeWords(text), '')
}

/**
 * A field built of tokens (addresses, words of a name) separated by
 * `separator` and a space; a line is broken before a token that would pass
 * the limit.
 */
export function foldTokens(name: string, tokens: readonly string[], separator: string): string {
  if (tokens.length === 0) return `${name}:`
  const lines: string[] = []
  let line = `${name}: ${tokens[0]}`
  for (const token of tokens.slice(1)) {
    if (line.length + separator.length + 1 + token.length > MAX_LINE) {
      lines.push(line + separator)
      line = ` ${token}`
    } else {
      line += `${separator} ${token}`
    }
  }
  lines.push(line)
  return lines.join('\r\n')
}

/** Control characters (CR and LF among them) as single spaces, ends trimmed. */
export function oneLine(value: string): string {
  return value.replace(/[\x00-\x1f\x7f\u0080-\u009f\u2028\u2029]+/g, ' ').trim()
}

/** Fold plain ASCII before spaces; null when some word is too long for one line. */
function foldAtSpaces(name: string, text: string): string | null {
  // Each piece after the first starts with the space it may be folded at.
  const pieces = text.split(/(?= \S)/)
  const lines: string[] = []
  let line = `${name}: ${pieces[0]}`
  for (const piece of pieces.slice(1)) {
    if (line.length + piece.length > MAX_LINE) {
      lines.push(line)
      line = piece
    } else line += piece
  }
  lines.push(line)
  return lines.every((l) => l.length <= MAX_LINE) ? lines.join('\r\n') : null
}
