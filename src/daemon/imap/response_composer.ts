/**
 * Server responses (RFC 3501 §7): untagged data, tagged results and
 * continuation requests, with values in the right wire form. A string goes
 * quoted when it is short 7-bit text without CR, LF or NUL; otherwise it is
 * sent as a literal, which carries any bytes.
 */

/** Text sent exactly as given: flags, keywords, item names such as `BODY[1]<0>`. */
export class Atom {
  constructor(readonly text: string) {}
}

/** Bytes always sent as a literal (message data, whatever its content). */
export class Literal {
  constructor(readonly data: Buffer) {}
}

/**
 * Values written back to back, no space between: the parts of a multipart
 * BODYSTRUCTURE are `(part)(part)` (RFC 3501 §9 body-type-mpart = 1*body SP subtype).
 */
export class Adjacent {
  constructor(readonly items: readonly ImapValue[]) {}
}

/**
 * A response value: null is NIL, numbers are decimal, strings are UTF-8
 * text, Buffers are raw bytes, arrays are parenthesised lists.
 */
export type ImapValue = null | number | string | Buffer | Atom | Literal | Adjacent | readonly ImapValue[]

export const atom = (text: string): Atom => new Atom(text)

/** Longer strings go as literals: quoted strings are meant for short values. */
const MAX_QUOTED = 1024
const CRLF = Buffer.from('\r\n')

export function encodeValue(value: ImapValue): Buffer {
  const out: Buffer[] = []
  write(value, out)
  return Buffer.concat(out)
}

function write(value: ImapValue, out: Buffer[]): void {
  if (value === null) out.push(Buffer.from('NIL'))
  else if (typeof value === 'number') out.push(Buffer.from(String(value)))
  else if (typeof value === 'string') writeString(Buffer.from(value, 'utf8'), out)
  else if (value instanceof Atom) out.push(Buffer.from(value.text, 'utf8'))
  else if (value instanceof Literal) writeLiteral(value.data, out)
  else if (value instanceof Adjacent) for (const item of value.items) write(item, out)
  else if (Buffer.isBuffer(value)) writeString(value, out)
  else {
    out.push(Buffer.from('('))
    value.forEach((item, i) => {
      if (i > 0) out.push(Buffer.from(' '))
      write(item, out)
    })
    out.push(Buffer.from(')'))
  }
}

function writeString(bytes: Buffer, out: Buffer[]): void {
  if (canQuote(bytes)) {
    out.push(Buffer.from(`"${bytes.toString('latin1').replace(/[\\"]/g, '\\$&')}"`, 'latin1'))
  } else {
    writeLiteral(bytes, out)
  }
}

function writeLiteral(bytes: Buffer, out: Buffer[]): void {
  out.push(Buffer.from(`{${bytes.length}}\r\n`), bytes)
}

/** Whether bytes may be a quoted string: 7-bit TEXT-CHARs, not too long. */
export function canQuote(bytes: Buffer): boolean {
  if (bytes.length > MAX_QUOTED) return false
  for (const b of bytes) if (b === 0 || b === 0x0d || b === 0x0a || b > 0x7f) return false
  return true
}

/** `* ` followed by values separated by spaces (atoms for the fixed words). */
export function untagged(...values: ImapValue[]): Buffer {
  const out: Buffer[] = [Buffer.from('* ')]
  values.forEach((v, i) => {
    if (i > 0) out.push(Buffer.from(' '))
    write(v, out)
  })
  out.push(CRLF)
  return Buffer.concat(out)
}

/** `* OK [CODE] text`-style status line (untagged OK/NO/BAD/BYE/PREAUTH). */
export function untaggedStatus(status: 'OK' | 'NO' | 'BAD' | 'BYE' | 'PREAUTH', code: string | null, text: string): Buffer {
  return statusLine('*', status, code, text)
}

/** The tagged completion of a command. */
export function tagged(tag: string, status: 'OK' | 'NO' | 'BAD', code: string | null, text: string): Buffer {
  return statusLine(tag, status, code, text)
}

/** `+ text`: the server wants more from the client. */
export function continuation(text: string): Buffer {
  // May be empty: an empty SASL challenge is "+ " alone.
  return Buffer.from(`+ ${text.replace(/[\r\n\0]+/g, ' ')}\r\n`, 'utf8')
}

function statusLine(tag: string, status: string, code: string | null, text: string): Buffer {
  const bracket = code === null ? '' : `[${humanText(code)}] `
  return Buffer.from(`${tag} ${status} ${bracket}${humanText(text)}\r\n`, 'utf8')
}

/** resp-text may not break the line: CR and LF become spaces. */
function humanText(text: string): string {
  const clean = text.replace(/[\r\n\0]+/g, ' ')
  return clean === '' ? 'OK' : clean
}
