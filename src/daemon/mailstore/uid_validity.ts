import {MailStoreError} from './types.js'

/** UIDVALIDITY is an nz-number: 1 to 2^32 - 1 (RFC 3501 9). */
const MAX_UID_VALIDITY = 0xffffffff

/**
 * The UIDVALIDITY for a mailbox created now: the time in seconds, but always
 * above the last value this user was given, so a name deleted and created
 * again within one second (or after the clock stepped back) still gets a new
 * value, as RFC 3501 2.3.1.1 requires.
 */
export function nextUidValidity(nowMs: number, lastGiven: number): number {
  const value = Math.max(Math.floor(nowMs / 1000), lastGiven + 1, 1)
  if (value > MAX_UID_VALIDITY) throw new MailStoreError('no UIDVALIDITY values are left for this user', 'LIMIT')
  return value
}
