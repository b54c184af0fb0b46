import {createHash, randomBytes, timingSafeEqual} from 'node:crypto'

/**
 * `userPassword` values as directory servers store them (RFC 2307 `{SCHEME}`
 * prefixes, OpenLDAP's pw-sha2, glibc crypt(3)): check a clear-text password
 * against one, and make new {SSHA512} values. Every comparison of secret
 * material is constant-time; a scheme we cannot read never matches.
 */

/** Schemes verifyUserPassword understands (upper case, without braces); PLAIN means no prefix. */
export type PasswordScheme = 'SSHA' | 'SSHA256' | 'SSHA512' | 'SHA' | 'SHA256' | 'SHA512' | 'SMD5' | 'MD5' | 'CRYPT' | 'CLEARTEXT' | 'PLAIN'

/** Digest behind each salted/unsalted RFC 2307-style scheme. */
const DIGESTS: Readonly<Record<string, {readonly algorithm: string; readonly length: number; readonly salted: boolean}>> = {
  SHA: {algorithm: 'sha1', length: 20, salted: false},
  SSHA: {algorithm: 'sha1', length: 20, salted: true},
  SHA256: {algorithm: 'sha256', length: 32, salted: false},
  SSHA256: {algorithm: 'sha256', length: 32, salted: true},
  SHA512: {algorithm: 'sha512', length: 64, salted: false},
  SSHA512: {algorithm: 'sha512', length: 64, salted: true},
  MD5: {algorithm: 'md5', length: 16, salted: false},
  SMD5: {algorithm: 'md5', length: 16, salted: true},
}

/** Split a stored value into its scheme and the rest; a value without `{...}` is PLAIN. */
export function parseStoredPassword(stored: string): {scheme: string; value: string} {
  const m = /^\{([A-Za-z0-9._-]+)\}/.exec(stored)
  if (!m) return {scheme: 'PLAIN', value: stored}
  return {scheme: m[1]!.toUpperCase(), value: stored.slice(m[0].length)}
}

/** The clear text of a {CLEARTEXT} or unprefixed value, else null (it is a hash). */
export function cleartextOf(stored: string): string | null {
  const {scheme, value} = parseStoredPassword(stored)
  return scheme === 'CLEARTEXT' || scheme === 'PLAIN' ? value : null
}

/** Equal-length buffers compared in constant time; unequal lengths are simply unequal. */
function sameBytes(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b)
}

/** Check a clear-text password against one stored userPassword value. */
export function verifyUserPassword(password: string, stored: string | Buffer): boolean {
  const text = typeof stored === 'string' ? stored : stored.toString('utf8')
  const {scheme, value} = parseStoredPassword(text)
  const pw = Buffer.from(password, 'utf8')
  if (scheme === 'PLAIN' || scheme === 'CLEARTEXT') {
    // Compare digests so the comparison is constant-time whatever the lengths.
    return sameBytes(createHash('sha256').update(pw).digest(), createHash('sha256').update(value, 'utf8').digest()) && value.length > 0
  }
  if (scheme === 'CRYPT') return verifyCrypt(pw, value)
  const digest = DIGESTS[scheme]
  if (!digest) return false
  const raw = Buffer.from(value, 'base64')
  if (raw.length < digest.length || (!digest.salted && raw.length !== digest.length)) return false
  const expected = raw.subarray(0, digest.length)
  const salt = raw.subarray(digest.length)
  if (digest.salted && salt.length === 0) return false
  const actual = createHash(digest.algorithm).update(pw).update(salt).digest()
  return sameBytes(actual, expected)
}

/** A new {SSHA512} value (what auto_transition writes back): 64-byte digest followed by a 16-byte salt, base64. */
export function hashSsha512(password: string, salt: Buffer = randomBytes(16)): string {
  const digest = createHash('sha512').update(password, 'utf8').update(salt).digest()
  return `{SSHA512}${Buffer.concat([digest, salt]).toString('base64')}`
}

// ---------------------------------------------------------------------------
// crypt(3): SHA-512-crypt ($6$), SHA-256-crypt ($5$) per Ulrich Drepper's
// published specification "Unix crypt using SHA-256 and SHA-512", and the
// FreeBSD/glibc MD5-crypt ($1$). Traditional DES crypt is not supported.
// ---------------------------------------------------------------------------

const CRYPT_ALPHABET = './0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'
const SHA_CRYPT_DEFAULT_ROUNDS = 5000
const SHA_CRYPT_MIN_ROUNDS = 1000
/** The specification allows 999,999,999; we refuse more than this, as one login must not hold the event loop for minutes. */
const SHA_CRYPT_MAX_ROUNDS = 1_000_000

/** crypt(3)'s base-64: groups of three bytes (given most significant first), `n` characters, least significant six bits first. */
function encode24(b2: number, b1: number, b0: number, n: number): string {
  let w = (b2 << 16) | (b1 << 8) | b0
  let out = ''
  for (let i = 0; i < n; i++) {
    out += CRYPT_ALPHABET[w & 0x3f]
    w >>= 6
  }
  return out
}

/** Byte order of the final encoding, from the specification: [b2, b1, b0] per four-character group. */
const SHA512_ORDER: readonly (readonly [number, number, number])[] = [
  [0, 21, 42], [22, 43, 1], [44, 2, 23], [3, 24, 45], [25, 46, 4], [47, 5, 26], [6, 27, 48],
  [28, 49, 7], [50, 8, 29], [9, 30, 51], [31, 52, 10], [53, 11, 32], [12, 33, 54], [34, 55, 13],
  [56, 14, 35], [15, 36, 57], [37, 58, 16], [59, 17, 38], [18, 39, 60], [40, 61, 19], [62, 20, 41],
]
const SHA256_ORDER: readonly (readonly [number, number, number])[] = [
  [0, 10, 20], [21, 1, 11], [12, 22, 2], [3, 13, 23], [24, 4, 14], [15, 25, 5], [6, 16, 26], [27, 7, 17], [18, 28, 8], [9, 19, 29],
]
const MD5_ORDER: readonly (readonly [number, number, number])[] = [
  [0, 6, 12], [1, 7, 13], [2, 8, 14], [3, 9, 15], [4, 10, 5],
]

/** `source` repeated (and cut) to exactly `length` bytes. */
function repeatTo(source: Buffer, length: number): Buffer {
  const out = Buffer.alloc(length)
  for (let i = 0; i < length; i += source.length) source.copy(out, i, 0, Math.min(source.length, length - i))
  return out
}

/** The digest part of a SHA-crypt string for a password, salt (≤16 bytes) and round count. */
export function shaCryptDigest(variant: 'sha256' | 'sha512', password: Buffer, salt: Buffer, rounds: number): string {
  const size = variant === 'sha512' ? 64 : 32
  const h = () => createHash(variant)
  const p = password
  const s = salt.subarray(0, 16)

  const b = h().update(p).update(s).update(p).digest()
  const ctxA = h().update(p).update(s)
  for (let left = p.length; left > 0; left -= size) ctxA.update(b.subarray(0, Math.min(size, left)))
  for (let bits = p.length; bits > 0; bits >>= 1) ctxA.update(bits & 1 ? b : p)
  let c = ctxA.digest()

  const dp = h()
  for (let i = 0; i < p.length; i++) dp.update(p)
  const pSeq = repeatTo(dp.digest(), p.length)
  const ds = h()
  for (let i = 0; i < 16 + c[0]!; i++) ds.update(s)
  const sSeq = repeatTo(ds.digest(), s.length)

  for (let i = 0; i < rounds; i++) {
    const ctx = h()
    ctx.update(i & 1 ? pSeq : c)
    if (i % 3 !== 0) ctx.update(sSeq)
    if (i % 7 !== 0) ctx.update(pSeq)
    ctx.update(i & 1 ? c : pSeq)
    c = ctx.digest()
  }

  let out = ''
  for (const [x, y, z] of variant === 'sha512' ? SHA512_ORDER : SHA256_ORDER) out += encode24(c[x]!, c[y]!, c[z]!, 4)
  out += variant === 'sha512' ? encode24(0, 0, c[63]!, 2) : encode24(0, c[31]!, c[30]!, 3)
  return out
}

/** The digest part of an MD5-crypt (`$1$`) string for a password and salt (≤8 bytes). */
export function md5CryptDigest(password: Buffer, salt: Buffer): string {
  const h = () => createHash('md5')
  const p = password
  const s = salt.subarray(0, 8)
  const b = h().update(p).update(s).update(p).digest()
  const ctxA = h().update(p).update('$1$').update(s)
  for (let left = p.length; left > 0; left -= 16) ctxA.update(b.subarray(0, Math.min(16, left)))
  // The historic quirk: a zero byte for each one bit, the password's first byte for each zero bit.
  for (let bits = p.length; bits > 0; bits >>= 1) ctxA.update(bits & 1 ? Buffer.alloc(1) : p.subarray(0, 1))
  let c = ctxA.digest()
  for (let i = 0; i < 1000; i++) {
    const ctx = h()
    ctx.update(i & 1 ? p : c)
    if (i % 3 !== 0) ctx.update(s)
    if (i % 7 !== 0) ctx.update(p)
    ctx.update(i & 1 ? c : p)
    c = ctx.digest()
  }
  let out = ''
  for (const [x, y, z] of MD5_ORDER) out += encode24(c[x]!, c[y]!, c[z]!, 4)
  return out + encode24(0, 0, c[11]!, 2)
}

/**
 * Longer passwords never match a crypt(3) value: SHA-crypt hashes the
 * password once per password byte (quadratic), so a 64 KiB password from a
 * client (an IMAP LOGIN literal) would hold the event loop for seconds.
 */
const MAX_CRYPT_PASSWORD_BYTES = 4096

/** Check a password against a crypt(3) string (`$6$`, `$5$`, `$1$`). */
export function verifyCrypt(password: Buffer | string, stored: string): boolean {
  const pw = typeof password === 'string' ? Buffer.from(password, 'utf8') : password
  if (pw.length > MAX_CRYPT_PASSWORD_BYTES) return false
  const sha = /^\$([56])\$(?:rounds=(\d{1,10})\$)?([^$]{0,16})[^$]*\$([./0-9A-Za-z]+)$/.exec(stored)
  if (sha) {
    let rounds = sha[2] === undefined ? SHA_CRYPT_DEFAULT_ROUNDS : Number(sha[2])
    if (rounds > SHA_CRYPT_MAX_ROUNDS) return false
    rounds = Math.max(rounds, SHA_CRYPT_MIN_ROUNDS)
    const actual = shaCryptDigest(sha[1] === '6' ? 'sha512' : 'sha256', pw, Buffer.from(sha[3]!, 'utf8'), rounds)
    return sameBytes(Buffer.from(actual), Buffer.from(sha[4]!))
  }
  const md5 = /^\$1\$([^$]{0,8})[^$]*\$([./0-9A-Za-z]{22})$/.exec(stored)
  if (md5) return sameBytes(Buffer.from(md5CryptDigest(pw, Buffer.from(md5[1]!, 'utf8'))), Buffer.from(md5[2]!))
  return false
}

/** A full SHA-512-crypt string (for tests and tools that want {CRYPT}$6$ values). */
export function sha512Crypt(password: string, salt: string, rounds?: number): string {
  const r = rounds === undefined ? SHA_CRYPT_DEFAULT_ROUNDS : Math.max(SHA_CRYPT_MIN_ROUNDS, rounds)
  const s = salt.slice(0, 16)
  return `$6$${rounds === undefined ? '' : `rounds=${r}$`}${s}$${shaCryptDigest('sha512', Buffer.from(password, 'utf8'), Buffer.from(s, 'utf8'), r)}`
}
