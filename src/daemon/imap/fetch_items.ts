import type {ArgumentCursor} from './argument_cursor.js'

/**
 * FETCH data items (RFC 3501 §6.4.5): simple items, macros, and body
 * sections such as `BODY.PEEK[1.2.HEADER.FIELDS (From Subject)]<0.100>`.
 */
export type SectionSpecifier = 'HEADER' | 'HEADER.FIELDS' | 'HEADER.FIELDS.NOT' | 'TEXT' | 'MIME'

export interface BodySection {
  /** Part path, e.g. [1, 2] for "1.2"; empty for the whole message. */
  readonly path: readonly number[]
  readonly specifier: SectionSpecifier | null
  /** Header field names for HEADER.FIELDS[.NOT], as the client wrote them. */
  readonly fields: readonly string[]
}

export type SimpleFetchItem = 'FLAGS' | 'INTERNALDATE' | 'RFC822.SIZE' | 'UID' | 'ENVELOPE' | 'BODYSTRUCTURE' | 'BODY' | 'RFC822' | 'RFC822.HEADER' | 'RFC822.TEXT'

export type FetchItem =
  | {readonly kind: 'simple'; readonly name: SimpleFetchItem}
  | {
      readonly kind: 'section'
      /** BODY.PEEK: do not set \Seen. */
      readonly peek: boolean
      readonly section: BodySection
      readonly partial: {readonly start: number; readonly length: number} | null
    }

const SIMPLE: ReadonlySet<string> = new Set<SimpleFetchItem>(['FLAGS', 'INTERNALDATE', 'RFC822.SIZE', 'UID', 'ENVELOPE', 'BODYSTRUCTURE', 'BODY', 'RFC822', 'RFC822.HEADER', 'RFC822.TEXT'])

const MACROS: Readonly<Record<string, readonly SimpleFetchItem[]>> = {
  ALL: ['FLAGS', 'INTERNALDATE', 'RFC822.SIZE', 'ENVELOPE'],
  FAST: ['FLAGS', 'INTERNALDATE', 'RFC822.SIZE'],
  FULL: ['FLAGS', 'INTERNALDATE', 'RFC822.SIZE', 'ENVELOPE', 'BODY'],
}

/** The FETCH argument: a macro, one item, or a parenthesised list of items. */
export function parseFetchItems(cursor: ArgumentCursor): FetchItem[] {
  if (cursor.at('(')) return cursor.list(parseFetchItem, true)
  const macro = MACROS[peekWord(cursor).toUpperCase()]
  if (macro !== undefined) {
    cursor.takeWhile(isNameChar, 'a fetch item')
    return macro.map((name) => ({kind: 'simple', name}))
  }
  return [parseFetchItem(cursor)]
}

function parseFetchItem(cursor: ArgumentCursor): FetchItem {
  const name = cursor.takeWhile(isNameChar, 'a fetch item').toUpperCase()
  if (cursor.at('[')) {
    if (name !== 'BODY' && name !== 'BODY.PEEK') cursor.fail(`Unknown fetch item ${name}[`)
    const section = parseSection(cursor)
    let partial: {start: number; length: number} | null = null
    if (cursor.accept('<')) {
      const start = cursor.number('a partial start')
      cursor.expect('.')
      const length = cursor.nzNumber('a partial length')
      cursor.expect('>')
      partial = {start, length}
    }
    return {kind: 'section', peek: name === 'BODY.PEEK', section, partial}
  }
  if (!SIMPLE.has(name)) cursor.fail(`Unknown fetch item ${name}`)
  return {kind: 'simple', name: name as SimpleFetchItem}
}

/** "[" section-spec "]" */
function parseSection(cursor: ArgumentCursor): BodySection {
  cursor.expect('[')
  if (cursor.accept(']')) return {path: [], specifier: null, fields: []}
  const text = cursor.takeWhile(isNameChar, 'a section').toUpperCase()
  const pieces = text.split('.')
  const path: number[] = []
  while (pieces.length > 0 && /^\d+$/.test(pieces[0]!)) {
    const n = Number(pieces.shift())
    if (n === 0 || n > 0xffffffff) cursor.fail('Part numbers start at 1')
    path.push(n)
  }
  const rest = pieces.join('.')
  let specifier: SectionSpecifier | null = null
  let fields: string[] = []
  if (rest === '') {
    if (text.endsWith('.')) cursor.fail(`Invalid section ${text}`)
  } else if (rest === 'HEADER' || rest === 'TEXT' || rest === 'MIME') {
    if (rest === 'MIME' && path.length === 0) cursor.fail('MIME needs a part number')
    specifier = rest
  } else if (rest === 'HEADER.FIELDS' || rest === 'HEADER.FIELDS.NOT') {
    specifier = rest
    cursor.space()
    fields = cursor.list((c) => c.astring('a header field name'), true)
  } else {
    cursor.fail(`Invalid section ${text}`)
  }
  cursor.expect(']')
  return {path, specifier, fields}
}

/** The section as a response names it: `1.2.HEADER.FIELDS (FROM SUBJECT)`. */
export function sectionLabel(section: BodySection): string {
  const parts: string[] = section.path.map(String)
  if (section.specifier !== null) parts.push(section.specifier)
  const fields = section.fields.length > 0 ? ` (${section.fields.map(quoteIfNeeded).join(' ')})` : ''
  return parts.join('.') + fields
}

function quoteIfNeeded(field: string): string {
  return /^[\x21-\x7e]+$/.test(field) && !/[(){%*"\\\]]/.test(field) ? field : `"${field.replace(/[\\"]/g, '\\$&')}"`
}

/** Letters, digits and dots: enough for item names, macros and section texts. */
function isNameChar(b: number): boolean {
  return (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a) || (b >= 0x30 && b <= 0x39) || b === 0x2e
}

/** The name characters ahead, without consuming them. */
function peekWord(cursor: ArgumentCursor): string {
  let word = ''
  for (let i = 0; ; i++) {
    const b = cursor.peek(i)
    if (b === -1 || !isNameChar(b)) return word
    word += String.fromCharCode(b)
  }
}
