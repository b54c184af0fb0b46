/**
 * The message text after DATA (RFC 5321 §4.1.1.4, §4.5.2): bytes up to the
 * line ".", with one leading dot removed from every other line that starts
 * with one. Only CRLF "." CRLF ends the message: a bare LF is message
 * content, kept as received, so `\n.\n` cannot end a message early (SMTP
 * smuggling). Past the size limit the bytes are counted and dropped, never
 * held.
 */

export interface DataResult {
  /** The unstuffed message, or null when it exceeded the limit. */
  readonly message: Buffer | null
  /** Bytes of unstuffed message seen, including any dropped. */
  readonly size: number
}

const CR = 0x0d
const LF = 0x0a
const DOT = 0x2e
const CR_BYTE = Buffer.from([CR])

/** Where the scanner stands relative to line starts. */
type ScanState =
  | 'line-start' // just after CRLF (or at the very beginning)
  | 'in-line'
  | 'cr' // in a line, just after CR
  | 'dot' // a dot at line start (already dropped)
  | 'dot-cr' // dot at line start then CR: one LF away from the end

export class DataReader {
  #state: ScanState = 'line-start'
  #parts: Buffer[] = []
  #size = 0
  #overflow = false
  #done = false

  /** @param maxSize largest message kept, in bytes; 0 means no limit. */
  constructor(private readonly maxSize: number) {}

  get done(): boolean {
    return this.#done
  }

  /**
   * Feed bytes. Returns the bytes after the end marker once the message is
   * complete (possibly empty), or null while more are needed.
   */
  push(chunk: Buffer): Buffer | null {
    if (this.#done) return chunk
    let keepFrom = 0
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i]
      switch (this.#state) {
        case 'line-start':
          if (b === DOT) {
            this.#keep(chunk.subarray(keepFrom, i))
            keepFrom = i + 1
            this.#state = 'dot'
          } else this.#state = b === CR ? 'cr' : 'in-line'
          break
        case 'in-line':
          if (b === CR) this.#state = 'cr'
          break
        case 'cr':
          this.#state = b === LF ? 'line-start' : b === CR ? 'cr' : 'in-line'
          break
        case 'dot':
          if (b === CR) {
            // Withhold the CR until we know whether it ends the message.
            this.#keep(chunk.subarray(keepFrom, i))
            keepFrom = i + 1
            this.#state = 'dot-cr'
          } else this.#state = 'in-line'
          break
        case 'dot-cr':
          if (b === LF) {
            this.#done = true
            return chunk.subarray(i + 1)
          }
          // "." CR x: the withheld CR was content after all.
          this.#keep(CR_BYTE)
          keepFrom = i
          this.#state = b === CR ? 'cr' : 'in-line'
          break
      }
    }
    this.#keep(chunk.subarray(keepFrom))
    return null
  }

  result(): DataResult {
    return {message: this.#overflow ? null : Buffer.concat(this.#parts), size: this.#size}
  }

  #keep(bytes: Buffer): void {
    if (bytes.length === 0) return
    this.#size += bytes.length
    if (this.#overflow) return
    if (this.maxSize > 0 && this.#size > this.maxSize) {
      this.#overflow = true
      this.#parts = []
      return
    }
    this.#parts.push(bytes)
  }
}
