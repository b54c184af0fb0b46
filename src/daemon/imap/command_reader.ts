import {ByteQueue} from './byte_queue.js'

/**
 * Framing of client input (RFC 3501 §2.2, RFC 7888): cuts the byte stream
 * into whole commands, each one line plus any literals `{n}` / `{n+}` it
 * carries, however the bytes were chunked. Pull-based: the session asks for
 * the next event only when it is ready to act on it, so input that arrives
 * while a command runs simply waits here (pipelining).
 */
export type ReaderEvent =
  /** A whole command: literal data inline after its `{n}` line, final line end removed. */
  | {readonly kind: 'command'; readonly bytes: Buffer}
  /** A synchronising literal was accepted: the client waits for "+" before sending it. */
  | {readonly kind: 'literal-wanted'}
  /** A synchronising literal is over the size limit: the command is dropped unread. */
  | {readonly kind: 'literal-refused'; readonly tag: string; readonly size: number}
  /** The client broke a limit in a way that cannot be recovered from: answer and close. */
  | {readonly kind: 'fatal'; readonly reason: 'line-too-long' | 'literal-too-large'; readonly tag: string | null}

export interface ReaderLimits {
  /** Most bytes of command text (literal data excluded), line ends included. */
  readonly maxLineLength: number
  /** Most literal bytes in one command. */
  readonly maxLiteralSize: number
}

const LF = 0x0a

/** `{123}` or `{123+}` at the very end of a line (the literal's announced size). */
const LITERAL_MARKER = /\{(\d{1,20})(\+?)\}$/

export class CommandReader {
  readonly #input = new ByteQueue()
  /** Pieces of the command being assembled. */
  #parts: Buffer[] = []
  #textBytes = 0
  #literalBytes = 0
  /** Literal bytes still to read before the command text resumes. */
  #literalRemaining = 0

  constructor(private readonly limits: ReaderLimits) {}

  push(chunk: Buffer): void {
    this.#input.push(chunk)
  }

  /** Bytes received but not yet framed into a command. */
  get buffered(): number {
    return this.#input.length
  }

  /** True while part of a command has been read (between its first byte and its end). */
  get midCommand(): boolean {
    return this.#parts.length > 0 || this.#literalRemaining > 0
  }

  /** The next event, or null when more bytes are needed. */
  next(): ReaderEvent | null {
    for (;;) {
      if (this.#literalRemaining > 0) {
        if (this.#input.length === 0) return null
        const piece = this.#input.take(Math.min(this.#input.length, this.#literalRemaining))
        this.#parts.push(piece)
        this.#literalRemaining -= piece.length
        if (this.#literalRemaining > 0) return null
      }
      const room = this.limits.maxLineLength - this.#textBytes
      const lf = this.#input.indexOf(LF, room)
      if (lf === -1) {
        if (this.#input.length >= room) return this.#fatal('line-too-long')
        return null
      }
      const line = this.#input.take(lf + 1)
      this.#textBytes += line.length
      const content = stripLineEnd(line)
      const marker = literalAt(content)
      if (marker === null) {
        this.#parts.push(content)
        const bytes = Buffer.concat(this.#parts)
        this.#reset()
        if (bytes.length === 0) continue // an empty line is not a command; ignore it
        return {kind: 'command', bytes}
      }
      this.#parts.push(line)
      if (this.#literalBytes + marker.size > this.limits.maxLiteralSize) {
        if (marker.nonSynchronising) return this.#fatal('literal-too-large')
        const tag = this.#tag()
        this.#reset()
        return {kind: 'literal-refused', tag, size: marker.size}
      }
      this.#literalBytes += marker.size
      this.#literalRemaining = marker.size
      if (!marker.nonSynchronising) return {kind: 'literal-wanted'}
    }
  }

  /**
   * One raw line (line end removed) for exchanges outside command syntax:
   * AUTHENTICATE responses and IDLE's DONE. Null when no whole line is here
   * yet; 'too-long' when the line breaks the limit.
   */
  readLine(): Buffer | null | 'too-long' {
    const lf = this.#input.indexOf(LF, this.limits.maxLineLength)
    if (lf === -1) return this.#input.length >= this.limits.maxLineLength ? 'too-long' : null
    return stripLineEnd(this.#input.take(lf + 1))
  }

  /** Forget everything received (STARTTLS: nothing sent in clear may be acted on under TLS). */
  clear(): void {
    this.#input.clear()
    this.#reset()
  }

  #fatal(reason: 'line-too-long' | 'literal-too-large'): ReaderEvent {
    const tag = this.#tag()
    this.clear()
    return {kind: 'fatal', reason, tag}
  }

  /** The tag of the command being read, for answering it before it is complete. */
  #tag(): string {
    const first = this.#parts[0]
    if (first === undefined) return '*'
    const space = first.indexOf(0x20)
    const tag = first.toString('latin1', 0, space === -1 ? Math.min(first.length, 64) : Math.min(space, 64))
    return /^[\x21-\x7e]+$/.test(tag) && !tag.includes('+') ? tag : '*'
  }

  #reset(): void {
    this.#parts = []
    this.#textBytes = 0
    this.#literalBytes = 0
    this.#literalRemaining = 0
  }
}

function stripLineEnd(line: Buffer): Buffer {
  let end = line.length
  if (end > 0 && line[end - 1] === LF) end--
  if (end > 0 && line[end - 1] === 0x0d) end--
  return line.subarray(0, end)
}

/**
 * The literal announced at the end of this line, if any. A `{n}` inside a
 * quoted string is text, so quotes are followed from the line's start (each
 * line after a literal starts outside any quote).
 */
function literalAt(content: Buffer): {size: number; nonSynchronising: boolean} | null {
  if (content.length < 3 || content[content.length - 1] !== 0x7d) return null
  let quoted = false
  for (let i = 0; i < content.length; i++) {
    const b = content[i]
    if (quoted && b === 0x5c) i++
    else if (b === 0x22) quoted = !quoted
  }
  if (quoted) return null
  const tail = content.toString('latin1', Math.max(0, content.length - 24))
  const m = LITERAL_MARKER.exec(tail)
  if (m === null) return null
  const size = Number(m[1])
  return {size: Number.isSafeInteger(size) ? size : Number.MAX_SAFE_INTEGER, nonSynchronising: m[2] === '+'}
}
