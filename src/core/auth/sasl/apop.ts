import {createHash, randomBytes} from 'node:crypto'
import {fail, succeed, type SaslCredentials, type SaslFailure, type SaslSuccess} from './mechanism.js'
import {safeEqual} from './safe_equal.js'

/**
 * The greeting timestamp for APOP (RFC 1939 §7), `<pid.random.time@host>`:
 * it must differ for every greeting, since the digest is only as fresh as it.
 */
export function apopTimestamp(hostname: string): string {
  return `<${process.pid}.${randomBytes(8).readBigUInt64BE()}.${Date.now()}@${hostname}>`
}

/**
 * Checks `APOP user digest`: digest = hex(MD5(timestamp ‖ password)), with
 * the timestamp exactly as in the greeting (angle brackets included). Needs
 * the cleartext password.
 */
export async function verifyApop(timestamp: string, user: string, digestHex: string, credentials: SaslCredentials): Promise<SaslSuccess | SaslFailure> {
  if (!/^<[^<>]+>$/.test(timestamp)) return fail('unavailable', 'no APOP timestamp was offered in the greeting')
  if (!/^[0-9a-fA-F]{32}$/.test(digestHex) || user === '' || user.length > 255) return fail('malformed', 'APOP expects a user name and 32 hex digits')
  if (!credentials.cleartextPassword) return fail('unavailable', 'APOP needs plain passwords in the directory')
  const password = await credentials.cleartextPassword(user)
  const canonical = credentials.lookup(user)
  if (password == null || canonical == null) return fail('bad-credentials', 'invalid user name or password')
  const expected = createHash('md5').update(timestamp, 'utf8').update(password, 'utf8').digest()
  return safeEqual(expected, Buffer.from(digestHex, 'hex')) ? succeed(canonical) : fail('bad-credentials', 'invalid user name or password')
}
