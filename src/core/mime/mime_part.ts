import type {ContentType} from './content_type.js'
import type {Header} from './header.js'

/**
 * One entity of a parsed message: its header, and its body as a range of
 * the original buffer (never copied). Multiparts have children; a
 * message/rfc822 part has the encapsulated message.
 */
export class MimePart {
  #lines: number | null = null

  constructor(
    /** The whole message the offsets point into. */
    readonly source: Buffer,
    readonly header: Header,
    readonly contentType: ContentType,
    /** Body bytes are source[bodyStart, bodyEnd). */
    readonly bodyStart: number,
    readonly bodyEnd: number,
    readonly children: readonly MimePart[],
    /** For message/rfc822: the inner message. */
    readonly message: MimePart | null,
  ) {}

  get isMultipart(): boolean {
    return this.children.length > 0
  }

  /** Body size in octets. */
  get bodySize(): number {
    return this.bodyEnd - this.bodyStart
  }

  /** Text lines in the body, as BODYSTRUCTURE counts them; counted on first use. */
  get bodyLines(): number {
    if (this.#lines === null) this.#lines = countLines(this.source, this.bodyStart, this.bodyEnd)
    return this.#lines
  }

  /** The whole entity: header and body. */
  get start(): number {
    return this.header.start
  }

  get end(): number {
    return this.bodyEnd
  }

  body(): Buffer {
    return this.source.subarray(this.bodyStart, this.bodyEnd)
  }

  headerBytes(): Buffer {
    return this.source.subarray(this.header.start, this.header.end)
  }
}

/** Line feeds, plus one for a last line without one. */
function countLines(source: Buffer, start: number, end: number): number {
  let lines = 0
  let pos = source.indexOf(0x0a, start)
  while (pos !== -1 && pos < end) {
    lines++
    pos = source.indexOf(0x0a, pos + 1)
  }
  if (end > start && source[end - 1] !== 0x0a) lines++
  return lines
}
