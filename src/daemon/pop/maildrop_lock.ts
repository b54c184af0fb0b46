/**
 * RFC 1939 §4: a POP3 session holds its maildrop exclusively, so two
 * sessions cannot both number and delete the same messages. The lock is
 * per mail store within this process.
 */
import type {MailStore} from '../mailstore/types.js'

const held = new WeakMap<MailStore, Set<string>>()

/** Take the lock; false when another session holds it. */
export function lockMaildrop(store: MailStore, user: string): boolean {
  let users = held.get(store)
  if (!users) held.set(store, (users = new Set()))
  if (users.has(user)) return false
  users.add(user)
  return true
}

export function unlockMaildrop(store: MailStore, user: string): void {
  held.get(store)?.delete(user)
}
