import {randomBytes, scrypt, timingSafeEqual} from 'node:crypto'

/**
 * Password hashes for the embedded directory: scrypt (memory-hard, in
 * node:crypto, run on the thread pool so a login never blocks the event
 * loop). Stored as `$scrypt$ln=15,r=8,p=1$<salt>$<hash>` (base64), so the
 * cost can be raised later while old hashes still verify.
 */
const DEFAULT_COST = {ln: 15, r: 8, p: 1}
const SALT_BYTES = 16
const HASH_BYTES = 32
/** scrypt's working memory is 128 * r * 2^ln bytes; leave headroom over OpenSSL's 32 MiB default cap. */
const maxmemFor = (ln: number, r: number) => 256 * r * 2 ** ln

function derive(password: string, salt: Buffer, ln: number, r: number, p: number): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(password.normalize('NFC'), salt, HASH_BYTES, {N: 2 ** ln, r, p, maxmem: maxmemFor(ln, r)}, (err, key) => (err ? reject(err) : resolve(key))),
  )
}

export async function hashPassword(password: string, cost = DEFAULT_COST): Promise<string> {
  const salt = randomBytes(SALT_BYTES)
  const hash = await derive(password, salt, cost.ln, cost.r, cost.p)
  return `$scrypt$ln=${cost.ln},r=${cost.r},p=${cost.p}$${salt.toString('base64')}$${hash.toString('base64')}`
}

/** False for a wrong password and for a hash this version cannot read. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const m = /^\$scrypt\$ln=(\d+),r=(\d+),p=(\d+)\$([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+)$/.exec(stored)
  if (!m) return false
  const [ln, r, p] = [Number(m[1]), Number(m[2]), Number(m[3])]
  if (ln < 1 || ln > 22 || r < 1 || r > 32 || p < 1 || p > 16) return false
  const expected = Buffer.from(m[5]!, 'base64')
  const actual = await derive(password, Buffer.from(m[4]!, 'base64'), ln, r, p)
  return actual.length === expected.length && timingSafeEqual(actual, expected)
}
