import {contentTypeParameter, DEFAULT_CONTENT_TYPE, DIGEST_DEFAULT_CONTENT_TYPE, parseContentType, type ContentType} from './content_type.js'
import {headerValue, parseHeader} from './header.js'
import {MimePart} from './mime_part.js'

/** Deeper nesting than this is treated as an opaque leaf: a hostile message cannot exhaust the stack. */
const MAX_DEPTH = 64

/**
 * Parse a message into its part tree. Only headers are read as text; bodies
 * stay offsets into `source`, so a large attachment costs one boundary scan.
 * Never throws on malformed input.
 */
export function parseMessage(source: Buffer): MimePart {
  return parseEntity(source, 0, source.length, DEFAULT_CONTENT_TYPE, 0)
}

function parseEntity(source: Buffer, start: number, end: number, fallback: ContentType, depth: number): MimePart {
  const header = parseHeader(source, start, end)
  let contentType = parseContentType(headerValue(header, 'content-type'), fallback)
  const bodyStart = header.end
  if (depth >= MAX_DEPTH) return new MimePart(source, header, contentType, bodyStart, end, [], null)

  if (contentType.type === 'multipart') {
    const boundary = contentTypeParameter(contentType, 'boundary')
    const ranges = boundary ? splitMultipart(source, bodyStart, end, boundary) : []
    if (ranges.length > 0) {
      const childDefault = contentType.subtype === 'digest' ? DIGEST_DEFAULT_CONTENT_TYPE : DEFAULT_CONTENT_TYPE
      const children = ranges.map(([s, e]) => parseEntity(source, s, e, childDefault, depth + 1))
      return new MimePart(source, header, contentType, bodyStart, end, children, null)
    }
    // A multipart without boundary or parts cannot be shown as one: show it as plain text.
    contentType = DEFAULT_CONTENT_TYPE
  }
  if (contentType.type === 'message' && contentType.subtype === 'rfc822') {
    const inner = parseEntity(source, bodyStart, end, DEFAULT_CONTENT_TYPE, depth + 1)
    return new MimePart(source, header, contentType, bodyStart, end, [], inner)
  }
  return new MimePart(source, header, contentType, bodyStart, end, [], null)
}

/**
 * Body ranges between `--boundary` delimiter lines (RFC 2046 §5.1.1). The
 * line break before a delimiter belongs to it. A missing close delimiter
 * ends the last part at `end`.
 */
export function splitMultipart(source: Buffer, start: number, end: number, boundary: string): Array<[number, number]> {
  const delimiter = Buffer.from(`--${boundary}`, 'latin1')
  const parts: Array<[number, number]> = []
  let partStart = -1
  let pos = start
  while (pos < end) {
    const found = source.indexOf(delimiter, pos)
    if (found === -1 || found + delimiter.length > end) break
    pos = found + delimiter.length
    if (found !== start && source[found - 1] !== 0x0a) continue
    const isClose = source[pos] === 0x2d && source[pos + 1] === 0x2d && pos + 1 < end
    let after = isClose ? pos + 2 : pos
    // Only white space may follow the delimiter on its line.
    while (after < end && (source[after] === 0x20 || source[after] === 0x09)) after++
    if (!isClose && after < end && source[after] !== 0x0d && source[after] !== 0x0a) continue
    if (partStart !== -1) parts.push([partStart, lineBreakStart(source, found, partStart)])
    if (isClose) return parts
    const lf = source.indexOf(0x0a, after)
    partStart = lf === -1 || lf >= end ? end : lf + 1
    pos = partStart
  }
  if (partStart !== -1) parts.push([partStart, end])
  return parts
}

/** Where the line break ending just before `delimiterAt` starts (not before `floor`). */
function lineBreakStart(source: Buffer, delimiterAt: number, floor: number): number {
  let e = delimiterAt
  if (e > floor && source[e - 1] === 0x0a) e--
  if (e > floor && source[e - 1] === 0x0d) e--
  return e
}
