/**
 * A header block as it sits in the message: fields in order, with their raw
 * lines kept (IMAP's BODY[HEADER.FIELDS] returns them verbatim) and their
 * unfolded values. Text is a "binary string": one char per byte (latin1), so
 * 8-bit bytes survive untouched until someone decides how to send them.
 */
export type BinaryString = string

export interface HeaderField {
  /** Field name as written, without the colon. */
  readonly name: string
  /** Absolute byte offsets of the field's lines, terminator included. */
  readonly start: number
  readonly end: number
  /** Value unfolded (line breaks before white space removed), trimmed. */
  readonly value: BinaryString
}

export interface Header {
  readonly fields: readonly HeaderField[]
  /** Header bytes [start, end), the separating blank line included when there is one. */
  readonly start: number
  readonly end: number
}

const LF = 0x0a
const CR = 0x0d

/** A field name: printable ASCII without colon or space (RFC 5322 ftext). */
const FIELD_NAME = /^[\x21-\x39\x3b-\x7e]+[ \t]*:/

/**
 * Parse the header at [start, end) of `source`. Tolerant: LF-only line ends,
 * no blank line (the header then ends at the first line that is not a field,
 * or at `end`), and a first line that is no field at all (empty header).
 */
export function parseHeader(source: Buffer, start: number, end: number): Header {
  const fields: HeaderField[] = []
  let pos = start
  // The field being read: its name, where its value starts (after the colon), its extent so far.
  let current: {name: string; start: number; valueStart: number; end: number} | null = null
  const finish = (): void => {
    if (current === null) return
    fields.push({name: current.name, start: current.start, end: current.end, value: unfold(source.toString('latin1', current.valueStart, current.end))})
    current = null
  }
  while (pos < end) {
    const lf = source.indexOf(LF, pos)
    const next = lf === -1 || lf >= end ? end : lf + 1
    let contentEnd = next
    if (contentEnd > pos && source[contentEnd - 1] === LF) contentEnd--
    if (contentEnd > pos && source[contentEnd - 1] === CR) contentEnd--
    if (contentEnd === pos && next > pos) {
      // The blank line: header done, body follows it.
      finish()
      return {fields, start, end: next}
    }
    const first = source[pos]
    if ((first === 0x20 || first === 0x09) && current !== null) {
      current.end = next
    } else {
      const head = source.toString('latin1', pos, Math.min(contentEnd, pos + 200))
      const match = FIELD_NAME.exec(head)
      if (match === null) {
        // Not a field: the header ends here without a separator (malformed).
        finish()
        return {fields, start, end: pos}
      }
      finish()
      current = {name: match[0].slice(0, -1).replace(/[ \t]+$/, ''), start: pos, valueStart: pos + match[0].length, end: next}
    }
    pos = next
  }
  finish()
  return {fields, start, end}
}

/** Fold line breaks and drop surrounding white space. */
function unfold(raw: string): BinaryString {
  return raw.replace(/\r?\n(?=[ \t])/g, '').replace(/\r?\n$/, '').trim()
}

/** First field of that name (case-insensitive), or null. */
export function headerValue(header: Header, name: string): BinaryString | null {
  const lower = name.toLowerCase()
  for (const f of header.fields) if (f.name.toLowerCase() === lower) return f.value
  return null
}
