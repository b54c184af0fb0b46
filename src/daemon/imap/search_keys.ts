import type {ArgumentCursor} from './argument_cursor.js'
import {parseSearchDate, type CalendarDay} from './imap_date.js'
import {ImapProtocolError} from './protocol_error.js'
import {parseSequenceSet, type SequenceSet} from './sequence_set.js'

/**
 * SEARCH criteria (RFC 3501 §6.4.4) as a tree. Several keys in a row are
 * an AND; OR and NOT take keys; parentheses group.
 */
export type SearchKey =
  | {readonly kind: 'all'}
  | {readonly kind: 'flag'; readonly flag: string; readonly present: boolean}
  | {readonly kind: 'recent'; readonly present: boolean}
  | {readonly kind: 'new'}
  | {readonly kind: 'header'; readonly field: string; readonly value: string}
  | {readonly kind: 'body'; readonly value: string}
  | {readonly kind: 'text'; readonly value: string}
  | {readonly kind: 'date'; readonly of: 'internal' | 'sent'; readonly op: 'before' | 'on' | 'since'; readonly day: CalendarDay}
  | {readonly kind: 'size'; readonly op: 'larger' | 'smaller'; readonly octets: number}
  | {readonly kind: 'uid'; readonly set: SequenceSet}
  | {readonly kind: 'sequence'; readonly set: SequenceSet}
  | {readonly kind: 'not'; readonly key: SearchKey}
  | {readonly kind: 'or'; readonly left: SearchKey; readonly right: SearchKey}
  | {readonly kind: 'and'; readonly keys: readonly SearchKey[]}

const SUPPORTED_CHARSETS = new Set(['UTF-8', 'US-ASCII'])

const FLAG_KEYS: Readonly<Record<string, readonly [string, boolean]>> = {
  ANSWERED: ['\\Answered', true],
  DELETED: ['\\Deleted', true],
  DRAFT: ['\\Draft', true],
  FLAGGED: ['\\Flagged', true],
  SEEN: ['\\Seen', true],
  UNANSWERED: ['\\Answered', false],
  UNDELETED: ['\\Deleted', false],
  UNDRAFT: ['\\Draft', false],
  UNFLAGGED: ['\\Flagged', false],
  UNSEEN: ['\\Seen', false],
}

const HEADER_KEYS: Readonly<Record<string, string>> = {FROM: 'from', TO: 'to', CC: 'cc', BCC: 'bcc', SUBJECT: 'subject'}

const DATE_KEYS: Readonly<Record<string, readonly ['internal' | 'sent', 'before' | 'on' | 'since']>> = {
  BEFORE: ['internal', 'before'],
  ON: ['internal', 'on'],
  SINCE: ['internal', 'since'],
  SENTBEFORE: ['sent', 'before'],
  SENTON: ['sent', 'on'],
  SENTSINCE: ['sent', 'since'],
}

/** The whole SEARCH argument: [CHARSET name SP] key *(SP key). */
export function parseSearch(cursor: ArgumentCursor): SearchKey {
  if (peekAtom(cursor).toUpperCase() === 'CHARSET') {
    cursor.atom()
    cursor.space()
    const charset = cursor.astring('a charset').toUpperCase()
    if (!SUPPORTED_CHARSETS.has(charset)) throw new ImapProtocolError(`Unsupported charset ${charset}`, 'NO', 'BADCHARSET (UTF-8 US-ASCII)')
    cursor.space()
  }
  const keys = [parseKey(cursor)]
  while (cursor.accept(' ')) keys.push(parseKey(cursor))
  cursor.end()
  return keys.length === 1 ? keys[0]! : {kind: 'and', keys}
}

function parseKey(cursor: ArgumentCursor): SearchKey {
  if (cursor.at('(')) {
    const keys = cursor.list(parseKey, true)
    return keys.length === 1 ? keys[0]! : {kind: 'and', keys}
  }
  const first = cursor.peek()
  if ((first >= 0x30 && first <= 0x39) || first === 0x2a) return {kind: 'sequence', set: parseSequenceSet(cursor)}
  const name = cursor.atom('a search key').toUpperCase()
  const flag = FLAG_KEYS[name]
  if (flag !== undefined) return {kind: 'flag', flag: flag[0], present: flag[1]}
  const header = HEADER_KEYS[name]
  if (header !== undefined) return {kind: 'header', field: header, value: argument(cursor)}
  const date = DATE_KEYS[name]
  if (date !== undefined) {
    cursor.space()
    const text = cursor.astring('a date')
    const day = parseSearchDate(text)
    if (day === null) cursor.fail(`Invalid date ${text}`)
    return {kind: 'date', of: date[0], op: date[1], day}
  }
  switch (name) {
    case 'ALL':
      return {kind: 'all'}
    case 'NEW':
      return {kind: 'new'}
    case 'OLD':
      return {kind: 'recent', present: false}
    case 'RECENT':
      return {kind: 'recent', present: true}
    case 'KEYWORD':
    case 'UNKEYWORD': {
      cursor.space()
      return {kind: 'flag', flag: cursor.flag(), present: name === 'KEYWORD'}
    }
    case 'BODY':
      return {kind: 'body', value: argument(cursor)}
    case 'TEXT':
      return {kind: 'text', value: argument(cursor)}
    case 'HEADER': {
      const field = argument(cursor)
      return {kind: 'header', field: field.toLowerCase(), value: argument(cursor)}
    }
    case 'LARGER':
    case 'SMALLER':
      cursor.space()
      return {kind: 'size', op: name === 'LARGER' ? 'larger' : 'smaller', octets: cursor.number('a size')}
    case 'UID':
      cursor.space()
      return {kind: 'uid', set: parseSequenceSet(cursor)}
    case 'NOT':
      cursor.space()
      return {kind: 'not', key: parseKey(cursor)}
    case 'OR': {
      cursor.space()
      const left = parseKey(cursor)
      cursor.space()
      return {kind: 'or', left, right: parseKey(cursor)}
    }
    default:
      cursor.fail(`Unknown search key ${name}`)
  }
}

function argument(cursor: ArgumentCursor): string {
  cursor.space()
  return cursor.astring('a search string')
}

function peekAtom(cursor: ArgumentCursor): string {
  let word = ''
  for (let i = 0; i < 8; i++) {
    const b = cursor.peek(i)
    if (b === -1 || b === 0x20) break
    word += String.fromCharCode(b)
  }
  return word
}
