import {ImapProtocolError} from './protocol_error.js'

/**
 * Reads the arguments of one framed command (RFC 3501 §9 formal syntax):
 * atoms, quoted strings, literals, numbers, parenthesised lists. Each
 * method consumes what it read or throws ImapProtocolError (answered BAD).
 */
export class ArgumentCursor {
  #pos = 0

  constructor(private readonly bytes: Buffer) {}

  get atEnd(): boolean {
    return this.#pos >= this.bytes.length
  }

  /** The next byte without consuming it (-1 at the end). */
  peek(offset = 0): number {
    return this.bytes[this.#pos + offset] ?? -1
  }

  /** Whether the next byte is `ch`. */
  at(ch: string): boolean {
    return this.peek() === ch.charCodeAt(0)
  }

  /** Consume `ch` or fail. */
  expect(ch: string, what = `"${ch}"`): void {
    if (!this.at(ch)) this.fail(`Expected ${what}`)
    this.#pos++
  }

  /** Consume `ch` if it is next. */
  accept(ch: string): boolean {
    if (!this.at(ch)) return false
    this.#pos++
    return true
  }

  /** Exactly one space between arguments. */
  space(): void {
    this.expect(' ', 'a space')
  }

  /** Nothing may follow. */
  end(): void {
    if (!this.atEnd) this.fail('Unexpected extra arguments')
  }

  fail(message: string): never {
    throw new ImapProtocolError(message)
  }

  /** The rest of the command text, unparsed. */
  rest(): Buffer {
    const out = this.bytes.subarray(this.#pos)
    this.#pos = this.bytes.length
    return out
  }

  /** 1*ATOM-CHAR. */
  atom(what = 'an atom'): string {
    return this.#run(isAtomChar, what)
  }

  /** A command tag: ASTRING-CHAR except "+". */
  tag(): string {
    return this.#run((b) => isAtomChar(b) || b === 0x5d, 'a tag', (b) => b === 0x2b)
  }

  /** An astring: atom characters (with "]"), a quoted string or a literal; bytes as sent. */
  astringBytes(what = 'a string'): Buffer {
    if (this.at('"') || this.at('{')) return this.stringBytes(what)
    const start = this.#pos
    this.#run((b) => isAtomChar(b) || b === 0x5d, what)
    return this.bytes.subarray(start, this.#pos)
  }

  astring(what = 'a string'): string {
    return this.astringBytes(what).toString('utf8')
  }

  /** A quoted string or a literal. */
  stringBytes(what = 'a string'): Buffer {
    if (this.at('"')) return this.#quoted()
    if (this.at('{')) return this.#literal()
    this.fail(`Expected ${what}`)
  }

  string(what = 'a string'): string {
    return this.stringBytes(what).toString('utf8')
  }

  /** A string or NIL. */
  nstring(): string | null {
    if (this.#atWordCi('NIL')) {
      this.#pos += 3
      return null
    }
    return this.string()
  }

  /** A list-mailbox for LIST/LSUB: list-chars (with the wildcards % and *) or a string. */
  listMailbox(): string {
    if (this.at('"') || this.at('{')) return this.string()
    return this.#run((b) => isAtomChar(b) || b === 0x25 || b === 0x2a || b === 0x5d, 'a mailbox pattern')
  }

  /** number: up to 2^32-1. */
  number(what = 'a number'): number {
    const text = this.#run((b) => b >= 0x30 && b <= 0x39, what)
    const n = Number(text)
    if (text.length > 10 || n > 0xffffffff) this.fail(`${what} is too large`)
    return n
  }

  /** Non-zero number. */
  nzNumber(what = 'a number'): number {
    const n = this.number(what)
    if (n === 0) this.fail(`${what} must not be 0`)
    return n
  }

  /** "(" item *(SP item) ")"; an empty list is allowed unless `nonEmpty`. */
  list<T>(item: (c: ArgumentCursor) => T, nonEmpty = false): T[] {
    this.expect('(')
    const out: T[] = []
    if (!this.at(')')) {
      out.push(item(this))
      while (this.accept(' ')) out.push(item(this))
    }
    this.expect(')')
    if (nonEmpty && out.length === 0) this.fail('Empty list')
    return out
  }

  /** A flag: "\" atom (system flags) or a keyword atom. */
  flag(): string {
    const backslash = this.accept('\\')
    const name = this.atom('a flag')
    return backslash ? `\\${name}` : name
  }

  /** Characters until one of `stops` (not consumed), for grammar pieces like sequence sets. */
  takeWhile(ok: (byte: number) => boolean, what: string): string {
    return this.#run(ok, what)
  }

  /** Whether the next characters are `word` (case-insensitive) followed by a delimiter. */
  #atWordCi(word: string): boolean {
    const end = this.#pos + word.length
    if (this.bytes.toString('latin1', this.#pos, end).toUpperCase() !== word) return false
    const after = this.bytes[end]
    return after === undefined || after === 0x20 || after === 0x29
  }

  #run(ok: (byte: number) => boolean, what: string, refuse: (byte: number) => boolean = () => false): string {
    const start = this.#pos
    while (this.#pos < this.bytes.length && ok(this.bytes[this.#pos]!) && !refuse(this.bytes[this.#pos]!)) this.#pos++
    if (this.#pos === start) this.fail(`Expected ${what}`)
    return this.bytes.toString('latin1', start, this.#pos)
  }

  /** DQUOTE *(QUOTED-CHAR / "\" quoted-specials) DQUOTE. 8-bit text is let through (UTF-8 clients). */
  #quoted(): Buffer {
    this.#pos++
    const out: number[] = []
    for (;;) {
      const b = this.bytes[this.#pos++]
      if (b === undefined) this.fail('Unterminated quoted string')
      if (b === 0x22) break
      if (b === 0x0d || b === 0x0a || b === 0x00) this.fail('Line break or NUL in a quoted string')
      if (b === 0x5c) {
        const next = this.bytes[this.#pos++]
        if (next !== 0x22 && next !== 0x5c) this.fail('Only \\" and \\\\ may be escaped in a quoted string')
        out.push(next)
      } else {
        out.push(b)
      }
    }
    return Buffer.from(out)
  }

  /** "{" number ["+"] "}" CRLF and the data (the reader has already collected it). */
  #literal(): Buffer {
    this.#pos++
    const size = this.number('a literal size')
    this.accept('+')
    this.expect('}')
    this.accept('\r')
    this.expect('\n', 'a line end after the literal size')
    if (this.#pos + size > this.bytes.length) this.fail('Literal is shorter than announced')
    const data = this.bytes.subarray(this.#pos, this.#pos + size)
    this.#pos += size
    return data
  }
}

/**
 * ATOM-CHAR: any 7-bit CHAR except atom-specials
 * ( ) { SP CTL % * " \ ] (RFC 3501 §9).
 */
export function isAtomChar(b: number): boolean {
  if (b <= 0x20 || b >= 0x7f) return false
  return b !== 0x28 && b !== 0x29 && b !== 0x7b && b !== 0x25 && b !== 0x2a && b !== 0x22 && b !== 0x5c && b !== 0x5d
}
