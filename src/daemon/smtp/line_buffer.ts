/**
 * Splits a byte stream into command lines for line-based protocols (SMTP,
 * POP3). A line ends at LF; a CR before it is dropped. A line longer than the
 * limit is never held whole: its bytes are thrown away as they arrive and a
 * single `tooLong` line stands for it once its LF shows up, so a client
 * cannot make us buffer without bound.
 */
export interface InputLine {
  /** The line without its CRLF (empty when tooLong). */
  readonly bytes: Buffer
  /** The line exceeded the limit; its content was discarded. */
  readonly tooLong: boolean
}

const EMPTY = Buffer.alloc(0)

export class LineBuffer {
  #pending: Buffer = EMPTY
  /** Inside an over-long line: drop bytes until the next LF. */
  #discarding = false

  /** @param maxLineLength longest line accepted, counting its CRLF. */
  constructor(readonly maxLineLength: number) {}

  push(chunk: Buffer): void {
    this.#pending = this.#pending.length === 0 ? chunk : Buffer.concat([this.#pending, chunk])
  }

  /** Put bytes back in front (what a raw-data reader did not consume). */
  unshift(bytes: Buffer): void {
    if (bytes.length === 0) return
    this.#pending = this.#pending.length === 0 ? bytes : Buffer.concat([bytes, this.#pending])
  }

  /** The next complete line, or null when more bytes are needed. */
  nextLine(): InputLine | null {
    const lf = this.#pending.indexOf(0x0a)
    if (lf < 0) {
      if (this.#pending.length >= this.maxLineLength) {
        this.#discarding = true
        // Keep nothing: the line is already too long whatever follows.
        this.#pending = EMPTY
      }
      return null
    }
    const raw = this.#pending.subarray(0, lf)
    this.#pending = this.#pending.subarray(lf + 1)
    if (this.#discarding || lf + 1 > this.maxLineLength) {
      this.#discarding = false
      return {bytes: EMPTY, tooLong: true}
    }
    const end = raw.length > 0 && raw[raw.length - 1] === 0x0d ? raw.length - 1 : raw.length
    return {bytes: raw.subarray(0, end), tooLong: false}
  }

  /** Everything not yet returned as a line (for a switch to raw data). */
  takeAll(): Buffer {
    const all = this.#pending
    this.#pending = EMPTY
    return all
  }

  /** Drop every buffered byte (after STARTTLS: nothing sent in clear may be acted on under TLS). */
  clear(): void {
    this.#pending = EMPTY
    this.#discarding = false
  }

  get bufferedBytes(): number {
    return this.#pending.length
  }
}
