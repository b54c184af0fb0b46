import {FilterSyntaxError} from './filter_syntax_error.js'

/**
 * Cutting a filter value into rules and rules into tokens, keeping each
 * piece's offset in the original value so errors can name a column.
 */

/** A piece of the value and its 0-based offset in it. */
export interface Span {
  readonly text: string
  readonly offset: number
}

/** Blanks, tabs and commas separate list entries; `\r` is a blank (CRLF values). */
function isSeparator(c: number): boolean {
  return c === 32 || c === 9 || c === 44 || c === 13
}

/**
 * The rules of a value, trimmed. Rules end at a newline or a `$`. Blank lines
 * and lines whose first non-blank character is `#` are skipped (a value may
 * be a pasted hosts.allow); an empty rule next to a `$` is an error because
 * it usually means a rule was lost when the value was edited.
 */
export function splitRules(value: string): Span[] {
  const rules: Span[] = []
  let lineStart = 0
  while (lineStart <= value.length) {
    let lineEnd = value.indexOf('\n', lineStart)
    if (lineEnd < 0) lineEnd = value.length
    const line = trimSpan({text: value.slice(lineStart, lineEnd), offset: lineStart})
    if (line.text !== '' && !line.text.startsWith('#')) splitLine(line, rules)
    lineStart = lineEnd + 1
  }
  return rules
}

function splitLine(line: Span, out: Span[]): void {
  let start = 0
  for (;;) {
    const dollar = line.text.indexOf('$', start)
    const end = dollar < 0 ? line.text.length : dollar
    const rule = trimSpan({text: line.text.slice(start, end), offset: line.offset + start})
    if (rule.text === '') {
      // Point at the '$' that has no rule on one side of it.
      const at = dollar >= 0 ? line.offset + dollar : line.offset + start - 1
      throw new FilterSyntaxError(at + 1, "empty rule next to '$' ('$' goes between two rules; remove the extra '$')")
    }
    out.push(rule)
    if (dollar < 0) return
    start = dollar + 1
  }
}

function trimSpan(span: Span): Span {
  let a = 0
  let b = span.text.length
  while (a < b && isBlank(span.text.charCodeAt(a))) a++
  while (b > a && isBlank(span.text.charCodeAt(b - 1))) b--
  return {text: span.text.slice(a, b), offset: span.offset + a}
}

function isBlank(c: number): boolean {
  return c === 32 || c === 9 || c === 13
}

/**
 * Offset (within the rule) of the `:` between the service and the client
 * lists: the first one not inside `[...]`, so `imap@[::1]: ALL` works.
 * Returns -1 when there is none; throws on an unclosed `[`.
 */
export function findListColon(rule: Span): number {
  let open = -1
  for (let i = 0; i < rule.text.length; i++) {
    const c = rule.text[i]
    if (open >= 0) {
      if (c === ']') open = -1
    } else if (c === '[') {
      open = i
    } else if (c === ':') {
      return i
    }
  }
  if (open >= 0) {
    throw new FilterSyntaxError(rule.offset + open + 1, "'[' is never closed (write IPv6 addresses as [2001:db8::1])")
  }
  return -1
}

/** Entries of a list, split on blanks, tabs and commas. */
export function tokenize(list: Span): Span[] {
  const tokens: Span[] = []
  const text = list.text
  let i = 0
  while (i < text.length) {
    while (i < text.length && isSeparator(text.charCodeAt(i))) i++
    const start = i
    while (i < text.length && !isSeparator(text.charCodeAt(i))) i++
    if (i > start) tokens.push({text: text.slice(start, i), offset: list.offset + start})
  }
  return tokens
}
