import {parseMessage, type MimePart} from '../../core/mime/index.js'
import type {MessageSummary} from '../mailstore/types.js'
import {compareDays, headerDay, utcDay, type CalendarDay} from './imap_date.js'
import type {SearchKey} from './search_keys.js'
import {inSequenceSet} from './sequence_set.js'

/** One message as SEARCH sees it. */
export interface SearchCandidate {
  readonly seq: number
  readonly summary: MessageSummary
  readonly recent: boolean
  /** The message bytes, read on first need. */
  readonly load: () => Buffer
}

/** What `*` means in sequence and UID sets. */
export interface SearchBounds {
  readonly lastSeq: number
  readonly lastUid: number
}

/**
 * Evaluate a SEARCH key against one message. Text keys match substrings
 * case-insensitively (ASCII) against the raw bytes: encoded words and
 * transfer encodings are not decoded.
 */
export function matchesSearch(key: SearchKey, message: SearchCandidate, bounds: SearchBounds): boolean {
  const cache: {mime?: MimePart; bytes?: Buffer} = {}
  const bytes = (): Buffer => (cache.bytes ??= message.load())
  const mime = (): MimePart => (cache.mime ??= parseMessage(bytes()))
  const test = (k: SearchKey): boolean => {
    switch (k.kind) {
      case 'all':
        return true
      case 'flag':
        return message.summary.flags.includes(k.flag) === k.present
      case 'recent':
        return message.recent === k.present
      case 'new':
        return message.recent && !message.summary.flags.includes('\\Seen')
      case 'header': {
        const needle = folded(k.value)
        return mime().header.fields.some((f) => f.name.toLowerCase() === k.field && f.value.toLowerCase().includes(needle))
      }
      case 'body': {
        const m = mime()
        return contains(m.source.subarray(m.bodyStart, m.bodyEnd), folded(k.value))
      }
      case 'text':
        return contains(bytes(), folded(k.value))
      case 'date': {
        const day = k.of === 'internal' ? utcDay(message.summary.internalDate) : sentDay(mime(), message.summary.internalDate)
        const c = compareDays(day, k.day)
        return k.op === 'before' ? c < 0 : k.op === 'on' ? c === 0 : c >= 0
      }
      case 'size':
        return k.op === 'larger' ? message.summary.size > k.octets : message.summary.size < k.octets
      case 'uid':
        return inSequenceSet(k.set, message.summary.uid, bounds.lastUid)
      case 'sequence':
        return inSequenceSet(k.set, message.seq, bounds.lastSeq)
      case 'not':
        return !test(k.key)
      case 'or':
        return test(k.left) || test(k.right)
      case 'and':
        return k.keys.every(test)
    }
  }
  return test(key)
}

/** The search text as the same one-char-per-byte form headers are in, lower case. */
function folded(text: string): string {
  return Buffer.from(text, 'utf8').toString('latin1').toLowerCase()
}

function contains(haystack: Buffer, needle: string): boolean {
  if (needle === '') return true
  return haystack.toString('latin1').toLowerCase().includes(needle)
}

/** The Date header's day; the internal date when there is none (RFC 9051 §6.4.4). */
function sentDay(mime: MimePart, internal: Date): CalendarDay {
  const date = mime.header.fields.find((f) => f.name.toLowerCase() === 'date')
  return (date && headerDay(date.value)) || utcDay(internal)
}
