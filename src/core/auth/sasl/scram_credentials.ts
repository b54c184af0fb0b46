import {createHash, createHmac, pbkdf2, randomBytes} from 'node:crypto'
import type {ScramCredentials, ScramHash} from './mechanism.js'
import {saslprep} from './saslprep.js'

/** RFC 7677 §4 / RFC 5802 §5.1: fewer iterations than this are too cheap to brute-force. */
export const MIN_SCRAM_ITERATIONS = 4096

export const scramDigestBytes = (hash: ScramHash): number => (hash === 'sha1' ? 20 : 32)

export const hmac = (hash: ScramHash, key: Buffer, data: Buffer | string): Buffer => createHmac(hash, key).update(data).digest()

export const digest = (hash: ScramHash, data: Buffer): Buffer => createHash(hash).update(data).digest()

/**
 * What a directory stores for SCRAM (RFC 5802 §3): SaltedPassword =
 * PBKDF2(SASLprep(password), salt, i); StoredKey = H(HMAC(SaltedPassword,
 * "Client Key")); ServerKey = HMAC(SaltedPassword, "Server Key").
 * Throws for a password SASLprep refuses or too few iterations: this is
 * for directories setting passwords, never fed by a client.
 */
export async function deriveScramCredentials(password: string, hash: ScramHash, salt: Buffer = randomBytes(16), iterations = MIN_SCRAM_ITERATIONS): Promise<ScramCredentials> {
  if (!Number.isInteger(iterations) || iterations < MIN_SCRAM_ITERATIONS) throw new RangeError(`SCRAM needs at least ${MIN_SCRAM_ITERATIONS} iterations`)
  const prepared = saslprep(password)
  if (prepared == null) throw new RangeError('the password contains characters SASLprep prohibits')
  const salted = await new Promise<Buffer>((resolve, reject) =>
    pbkdf2(Buffer.from(prepared, 'utf8'), salt, iterations, scramDigestBytes(hash), hash, (err, key) => (err ? reject(err) : resolve(key))),
  )
  return {salt, iterations, storedKey: digest(hash, hmac(hash, salted, 'Client Key')), serverKey: hmac(hash, salted, 'Server Key')}
}
