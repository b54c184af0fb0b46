import {headerValue, parseHeader, parseMessage, parseParameterisedValue, type Header, type MimePart} from '../../../core/mime/index.js'
import {addressListText, senderName} from './address_text.js'
import {decodeCharset, decodeRawHeaderText} from './charset.js'
import {decodeHeaderText} from './encoded_words.js'
import {parseHeaderDate} from './header_date.js'
import type {InboxRow} from './inbox_page.js'
import {parameterText, partFilename} from './part_filename.js'
import {decodeTransferEncoding} from './transfer_encoding.js'

export {HTML_PART_CSP, htmlPartDocument} from './html_part.js'

export interface MessageAttachment {
  /** The part's position among the message's leaf parts, depth first, from 0: stable for a later download link. */
  readonly index: number
  readonly filename: string
  /** Lower-case type/subtype. */
  readonly contentType: string
  /** Decoded size in bytes. */
  readonly size: number
}

/** A message as the message page shows it: header text decoded, the body parts chosen and decoded. */
export interface MessageView {
  from: string
  to: string
  cc: string
  subject: string
  date: Date | null
  messageId: string
  /** The first text/plain body part, line ends as "\n"; null when there is none. */
  text: string | null
  /** The first text/html body part; null when there is none. */
  html: string | null
  attachments: MessageAttachment[]
}

/** Read a whole message for display. Never throws: anything unreadable shows as raw text. */
export function viewMessage(bytes: Buffer): MessageView {
  try {
    return readMessage(bytes)
  } catch {
    return rawView(bytes)
  }
}

/** One inbox line from a message's header alone (the inbox reads fifty per page, so no body work). */
export function inboxRow(uid: number, headerBytes: Buffer, size: number, seen: boolean): InboxRow {
  try {
    const header = parseHeader(headerBytes, 0, headerBytes.length)
    return {
      uid,
      from: oneLine(senderName(headerValue(header, 'from'))),
      subject: headerText(header, 'subject'),
      date: parseHeaderDate(headerValue(header, 'date')),
      size,
      seen,
    }
  } catch {
    return {uid, from: '', subject: '', date: null, size, seen}
  }
}

interface Collected {
  text: string | null
  html: string | null
  attachments: MessageAttachment[]
  /** The attachments' parts, by index, for a download. */
  parts: Map<number, MimePart>
  leaves: number
}

function collect(root: MimePart): Collected {
  const found: Collected = {text: null, html: null, attachments: [], parts: new Map(), leaves: 0}
  visit(root, true, found)
  return found
}

function readMessage(bytes: Buffer): MessageView {
  const root = parseMessage(bytes)
  const found = collect(root)
  return {...headerFields(root.header), text: found.text, html: found.html, attachments: found.attachments}
}

/**
 * One attachment the message page lists, by its index, with its decoded
 * bytes; null when the index names no attachment (a body part, or none) or
 * the message cannot be read.
 */
export function attachmentContent(bytes: Buffer, index: number): {attachment: MessageAttachment; body: Buffer} | null {
  try {
    const found = collect(parseMessage(bytes))
    const attachment = found.attachments.find((a) => a.index === index)
    const part = found.parts.get(index)
    return attachment && part ? {attachment, body: decodedBody(part)} : null
  } catch {
    return null
  }
}

function headerFields(header: Header): Pick<MessageView, 'from' | 'to' | 'cc' | 'subject' | 'date' | 'messageId'> {
  return {
    from: oneLine(addressListText(headerValue(header, 'from'))),
    to: oneLine(addressListText(headerValue(header, 'to'))),
    cc: oneLine(addressListText(headerValue(header, 'cc'))),
    subject: headerText(header, 'subject'),
    date: parseHeaderDate(headerValue(header, 'date')),
    messageId: oneLine(decodeRawHeaderText(headerValue(header, 'message-id') ?? '')),
  }
}

/**
 * Walk the part tree choosing what to show. `open` says whether this
 * subtree may still supply the body: in multipart/alternative every
 * alternative may (the first text/plain and first text/html win); in any
 * other multipart only the parts up to the first one that supplied a body,
 * so later text parts of a multipart/mixed are listed as attachments.
 * Returns whether the subtree supplied a body part.
 */
function visit(part: MimePart, open: boolean, found: Collected): boolean {
  if (part.isMultipart) {
    const alternative = part.contentType.subtype === 'alternative'
    let took = false
    for (const child of part.children) if (visit(child, alternative ? open : open && !took, found)) took = true
    return took
  }
  const index = found.leaves++
  const {type, subtype} = part.contentType
  if (open && type === 'text' && !isAttachment(part)) {
    if (subtype === 'plain' && found.text === null) {
      found.text = partText(part)
      return true
    }
    if (subtype === 'html' && found.html === null) {
      found.html = partText(part)
      return true
    }
  }
  found.attachments.push({index, filename: attachmentName(part, index), contentType: `${type}/${subtype}`, size: decodedBody(part).length})
  found.parts.set(index, part)
  return false
}

function isAttachment(part: MimePart): boolean {
  const disposition = headerValue(part.header, 'content-disposition')
  return disposition !== null && parseParameterisedValue(disposition).value.toLowerCase() === 'attachment'
}

function attachmentName(part: MimePart, index: number): string {
  const name = partFilename(part)
  if (name !== null) return name
  if (part.message !== null) {
    // A forwarded message: its subject says more than a number.
    const subject = headerText(part.message.header, 'subject')
    return `${subject || 'message'}.eml`
  }
  return `part-${index + 1}`
}

function decodedBody(part: MimePart): Buffer {
  return decodeTransferEncoding(part.body(), headerValue(part.header, 'content-transfer-encoding'))
}

function partText(part: MimePart): string {
  const charset = parameterText(part.contentType.params, 'charset')
  return normaliseLineEnds(decodeCharset(decodedBody(part), charset))
}

function headerText(header: Header, name: string): string {
  return oneLine(decodeHeaderText(headerValue(header, name) ?? ''))
}

/** Header text on one line: folding white space and control characters become single spaces. */
function oneLine(s: string): string {
  return s.replace(/[\x00-\x1f\x7f]+/g, ' ').trim()
}

function normaliseLineEnds(s: string): string {
  return s.replace(/\r\n?/g, '\n')
}

/** Last resort for input the parser chokes on: headers where readable, the body as raw UTF-8 text. */
function rawView(bytes: Buffer): MessageView {
  let fields: Pick<MessageView, 'from' | 'to' | 'cc' | 'subject' | 'date' | 'messageId'> = {from: '', to: '', cc: '', subject: '', date: null, messageId: ''}
  let bodyStart = 0
  try {
    const header = parseHeader(bytes, 0, bytes.length)
    bodyStart = header.end
    fields = headerFields(header)
  } catch {
    // Keep the empty fields and show every byte as body.
  }
  return {...fields, text: normaliseLineEnds(decodeCharset(bytes.subarray(bodyStart), 'utf-8')), html: null, attachments: []}
}
