/**
 * Mailbox names as the session compares them. INBOX is case-insensitive
 * (RFC 3501 §5.1), also as the first level of a longer name; every other
 * name is exact. The store canonicalises the same way.
 */
export const HIERARCHY_DELIMITER = '/'

export function canonicalName(name: string): string {
  const slash = name.indexOf(HIERARCHY_DELIMITER)
  const first = slash === -1 ? name : name.slice(0, slash)
  return first.toUpperCase() === 'INBOX' ? 'INBOX' + name.slice(first.length) : name
}

export function sameMailbox(a: string, b: string): boolean {
  return canonicalName(a) === canonicalName(b)
}
