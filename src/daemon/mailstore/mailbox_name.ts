/**
 * IMAP mailbox names as the store keeps them: "/" separates hierarchy
 * levels, INBOX is case-insensitive (RFC 3501 5.1), every other name is kept
 * exactly as given and compared case-sensitively.
 */
import {MailStoreError} from './types.js'

export const HIERARCHY_SEPARATOR = '/'
export const INBOX = 'INBOX'
export const MAX_MAILBOX_NAME_BYTES = 1024

/**
 * Check a client-supplied name and return the form stored: "inbox" and
 * "Inbox/Sent" become "INBOX" and "INBOX/Sent", so INBOX's children hang
 * under the one INBOX whatever case the client used.
 */
export function canonicalMailboxName(name: string): string {
  if (name === '') throw invalid(name, 'a mailbox name cannot be empty')
  if (Buffer.byteLength(name, 'utf8') > MAX_MAILBOX_NAME_BYTES) {
    throw invalid(name, `mailbox names are limited to ${MAX_MAILBOX_NAME_BYTES} bytes of UTF-8`)
  }
  if (/[\0\r\n]/.test(name)) throw invalid(name, 'mailbox names cannot contain NUL, CR or LF')
  // A lone surrogate would be stored as U+FFFD: a different name from the one asked for.
  if (/[\uD800-\uDFFF]/u.test(name)) throw invalid(name, 'mailbox names must be valid Unicode')
  if (name.startsWith(HIERARCHY_SEPARATOR) || name.endsWith(HIERARCHY_SEPARATOR)) {
    throw invalid(name, `mailbox names cannot start or end with "${HIERARCHY_SEPARATOR}", the hierarchy separator`)
  }
  if (name.includes(HIERARCHY_SEPARATOR + HIERARCHY_SEPARATOR)) {
    throw invalid(name, `mailbox names cannot have an empty level ("${HIERARCHY_SEPARATOR}${HIERARCHY_SEPARATOR}")`)
  }
  const first = name.split(HIERARCHY_SEPARATOR, 1)[0]!
  // Without the u flag, /i folds ASCII only: "ınbox" (dotless i) is not INBOX.
  return /^inbox$/i.test(first) ? INBOX + name.slice(first.length) : name
}

/** The names above `name`, outermost first: "a/b/c" -> ["a", "a/b"]. */
export function ancestorNames(name: string): string[] {
  const parts = name.split(HIERARCHY_SEPARATOR)
  const out: string[] = []
  for (let i = 1; i < parts.length; i++) out.push(parts.slice(0, i).join(HIERARCHY_SEPARATOR))
  return out
}

/** The name one level up, or null at the top. */
export function parentName(name: string): string | null {
  const i = name.lastIndexOf(HIERARCHY_SEPARATOR)
  return i < 0 ? null : name.slice(0, i)
}

/** True when `name` lies somewhere below `ancestor`. */
export function isBelow(name: string, ancestor: string): boolean {
  return name.startsWith(ancestor + HIERARCHY_SEPARATOR)
}

/**
 * The order LIST answers in: INBOX and its children first, then the rest
 * level by level, so "a/b" follows "a" rather than "a-c".
 */
export function compareMailboxNames(a: string, b: string): number {
  const pa = a.split(HIERARCHY_SEPARATOR)
  const pb = b.split(HIERARCHY_SEPARATOR)
  const inboxA = pa[0] === INBOX ? 0 : 1
  const inboxB = pb[0] === INBOX ? 0 : 1
  if (inboxA !== inboxB) return inboxA - inboxB
  for (let i = 0; i < Math.min(pa.length, pb.length); i++) {
    if (pa[i]! < pb[i]!) return -1
    if (pa[i]! > pb[i]!) return 1
  }
  return pa.length - pb.length
}

function invalid(name: string, why: string): MailStoreError {
  const shown = name.length > 60 ? name.slice(0, 60) + '...' : name
  return new MailStoreError(`invalid mailbox name ${JSON.stringify(shown)}: ${why}`, 'CANNOT')
}
