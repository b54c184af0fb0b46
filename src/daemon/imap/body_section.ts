import type {MimePart} from '../../core/mime/index.js'
import type {BodySection} from './fetch_items.js'

const CRLF = Buffer.from('\r\n')

/**
 * The bytes a BODY[section] names (RFC 3501 §6.4.5). Part numbers go into
 * multiparts, and through message/rfc822 parts into the encapsulated
 * message; a non-multipart message has only part 1 (its body). HEADER,
 * TEXT and HEADER.FIELDS apply to the message or to a message/rfc822 part;
 * MIME to a numbered part. A section that does not exist is empty.
 */
export function sectionBytes(root: MimePart, section: BodySection): Buffer {
  const part = resolvePart(root, section.path)
  if (part === null) return Buffer.alloc(0)
  const spec = section.specifier
  if (spec === null) return section.path.length === 0 ? root.source.subarray(root.start, root.end) : part.body()
  if (spec === 'MIME') return part.headerBytes()
  // The message these apply to: the root, or the one inside a message/rfc822 part.
  const message = section.path.length === 0 ? root : part.message
  if (message === null) return Buffer.alloc(0)
  if (spec === 'TEXT') return message.body()
  if (spec === 'HEADER') return message.headerBytes()
  const wanted = new Set(section.fields.map((f) => f.toLowerCase()))
  const keep = spec === 'HEADER.FIELDS'
  const pieces: Buffer[] = []
  for (const field of message.header.fields) {
    if (wanted.has(field.name.toLowerCase()) !== keep) continue
    const raw = message.source.subarray(field.start, field.end)
    pieces.push(raw)
    if (raw[raw.length - 1] !== 0x0a) pieces.push(CRLF)
  }
  pieces.push(CRLF)
  return Buffer.concat(pieces)
}

/** The part a path names, or null. */
export function resolvePart(root: MimePart, path: readonly number[]): MimePart | null {
  let current = root
  // True while `current` is a message whose body is the next level (the root, or an entered message/rfc822).
  let isMessage = true
  for (const n of path) {
    if (!isMessage && current.message !== null) {
      current = current.message
      isMessage = true
    }
    if (current.isMultipart) {
      const child = current.children[n - 1]
      if (child === undefined) return null
      current = child
    } else if (isMessage && n === 1) {
      // A single-part message: part 1 is its body; the entity stays the same.
    } else {
      return null
    }
    isMessage = false
  }
  return current
}
