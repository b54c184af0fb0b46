/**
 * Private keys at rest under the token password.
 *
 * The password and a per-store random salt go through scrypt (N=2^14, r=8,
 * p=1, 32 bytes; the parameters are stored beside the salt so they can be
 * raised later) to give the token key, once per process. Each PKCS #8 key
 * is sealed with AES-256-GCM under that key: a fresh 12-byte IV, the NSS
 * key id as additional data (so a blob moved to another key's row fails),
 * and the 16-byte tag. A password-check record, a sealed fixed text, tells
 * a wrong password (IncorrectPasswordError) from a damaged key blob
 * (CorruptKeyError). The empty password (`--empty-password`) is handled
 * the same way with '' as the password.
 *
 * Blob layout: version (1 byte, 1) || IV (12) || ciphertext || tag (16).
 */
import {createCipheriv, createDecipheriv, randomBytes, scrypt, scryptSync, type BinaryLike} from 'node:crypto'
import {CorruptKeyError, IncorrectPasswordError} from './errors.js'

export interface KdfParameters {
  readonly algorithm: 'scrypt'
  readonly N: number
  readonly r: number
  readonly p: number
  readonly keyLength: number
}

export const DEFAULT_KDF_PARAMETERS: KdfParameters = Object.freeze({algorithm: 'scrypt', N: 2 ** 14, r: 8, p: 1, keyLength: 32})

/** What the store keeps per token: all plain data. */
export interface TokenSecret {
  readonly salt: Buffer
  readonly params: KdfParameters
  /** Sealed password-check text. */
  readonly check: Buffer
}

const BLOB_VERSION = 1
const IV_LENGTH = 12
const TAG_LENGTH = 16
const SALT_LENGTH = 16
const CHECK_TEXT = Buffer.from('msgctl token password check', 'utf8')
const CHECK_AAD = Buffer.from('msgctl/password-check/v1', 'utf8')
const KEY_AAD_PREFIX = Buffer.from('msgctl/private-key/v1:', 'utf8')

function keyAad(keyId: Buffer): Buffer {
  return Buffer.concat([KEY_AAD_PREFIX, keyId])
}

/** The derived token key. Holds key material: keep it in memory only. */
export class TokenKey {
  readonly #key: Buffer

  /** @internal use createTokenSecret / unlockToken. */
  constructor(key: Buffer) {
    if (key.length !== 32) throw new CorruptKeyError('token key must be 32 bytes.')
    this.#key = Buffer.from(key)
  }

  /** Encrypt a PKCS #8 key, bound to its key id. */
  seal(pkcs8: Buffer, keyId: Buffer): Buffer {
    return sealWith(this.#key, pkcs8, keyAad(keyId))
  }

  /** Decrypt a blob made by seal() with the same key id; CorruptKeyError if it does not authenticate. */
  open(blob: Buffer, keyId: Buffer): Buffer {
    const plain = openWith(this.#key, blob, keyAad(keyId))
    if (plain === null) {
      throw new CorruptKeyError(`the stored private key ${keyId.toString('hex')} is damaged (it fails authentication under the correct password); delete it (-F) and import or generate it again.`)
    }
    return plain
  }

  /** Re-encrypt a blob under another token key (password change). */
  reseal(blob: Buffer, keyId: Buffer, newKey: TokenKey): Buffer {
    return newKey.seal(this.open(blob, keyId), keyId)
  }

  /** True when the check record was made under this key. */
  matches(check: Buffer): boolean {
    return openWith(this.#key, check, CHECK_AAD) !== null
  }
}

function sealWith(key: Buffer, plain: Buffer, aad: Buffer): Buffer {
  const iv = randomBytes(IV_LENGTH)
  const cipher = createCipheriv('aes-256-gcm', key, iv, {authTagLength: TAG_LENGTH})
  cipher.setAAD(aad)
  const body = Buffer.concat([cipher.update(plain), cipher.final()])
  return Buffer.concat([Buffer.from([BLOB_VERSION]), iv, body, cipher.getAuthTag()])
}

/** Plaintext, or null when the blob is malformed or does not authenticate. */
function openWith(key: Buffer, blob: Buffer, aad: Buffer): Buffer | null {
  if (blob.length < 1 + IV_LENGTH + TAG_LENGTH || blob[0] !== BLOB_VERSION) return null
  const iv = blob.subarray(1, 1 + IV_LENGTH)
  const tag = blob.subarray(blob.length - TAG_LENGTH)
  const body = blob.subarray(1 + IV_LENGTH, blob.length - TAG_LENGTH)
  const decipher = createDecipheriv('aes-256-gcm', key, iv, {authTagLength: TAG_LENGTH})
  decipher.setAAD(aad)
  decipher.setAuthTag(tag)
  try {
    return Buffer.concat([decipher.update(body), decipher.final()])
  } catch {
    return null
  }
}

function checkParameters(params: KdfParameters, salt: Buffer): void {
  const ok = params.algorithm === 'scrypt' &&
    Number.isInteger(params.N) && params.N >= 2 ** 10 && params.N <= 2 ** 24 && (params.N & (params.N - 1)) === 0 &&
    Number.isInteger(params.r) && params.r >= 1 && params.r <= 64 &&
    Number.isInteger(params.p) && params.p >= 1 && params.p <= 16 &&
    params.keyLength === 32 && salt.length >= 8
  if (!ok) throw new CorruptKeyError('the token password record has invalid key-derivation parameters; the store is damaged.')
}

function scryptOptions(params: KdfParameters): {N: number; r: number; p: number; maxmem: number} {
  // scrypt needs 128 * N * r bytes; leave room above node's 32 MiB default.
  return {N: params.N, r: params.r, p: params.p, maxmem: 256 * params.N * params.r + (1 << 20)}
}

function passwordBytes(password: string): BinaryLike {
  return Buffer.from(password, 'utf8')
}

function deriveSync(password: string, salt: Buffer, params: KdfParameters): Buffer {
  checkParameters(params, salt)
  return scryptSync(passwordBytes(password), salt, params.keyLength, scryptOptions(params))
}

function derive(password: string, salt: Buffer, params: KdfParameters): Promise<Buffer> {
  checkParameters(params, salt)
  return new Promise((resolve, reject) => {
    scrypt(passwordBytes(password), salt, params.keyLength, scryptOptions(params), (err, key) => (err === null ? resolve(key) : reject(err)))
  })
}

function newSecret(derived: Buffer, salt: Buffer, params: KdfParameters): {secret: TokenSecret; key: TokenKey} {
  const check = sealWith(derived, CHECK_TEXT, CHECK_AAD)
  return {secret: Object.freeze({salt, params: Object.freeze({...params}), check}), key: new TokenKey(derived)}
}

/** New token secret for a password (`-N`, or `-W` with the new password), with its key. */
export async function createTokenSecret(password: string, params: KdfParameters = DEFAULT_KDF_PARAMETERS): Promise<{secret: TokenSecret; key: TokenKey}> {
  const salt = randomBytes(SALT_LENGTH)
  return newSecret(await derive(password, salt, params), salt, params)
}

export function createTokenSecretSync(password: string, params: KdfParameters = DEFAULT_KDF_PARAMETERS): {secret: TokenSecret; key: TokenKey} {
  const salt = randomBytes(SALT_LENGTH)
  return newSecret(deriveSync(password, salt, params), salt, params)
}

function unlocked(derived: Buffer, secret: TokenSecret): TokenKey {
  const check = openWith(derived, secret.check, CHECK_AAD)
  if (check === null) {
    // A structurally broken record is damage, not a wrong password.
    if (secret.check.length < 1 + IV_LENGTH + TAG_LENGTH || secret.check[0] !== BLOB_VERSION) {
      throw new CorruptKeyError('the token password record is damaged; the store cannot be unlocked.')
    }
    throw new IncorrectPasswordError()
  }
  if (!check.equals(CHECK_TEXT)) throw new CorruptKeyError('the token password record is damaged; the store cannot be unlocked.')
  return new TokenKey(derived)
}

/** Derive the token key and prove the password right; IncorrectPasswordError if not. */
export async function unlockToken(password: string, secret: TokenSecret): Promise<TokenKey> {
  return unlocked(await derive(password, secret.salt, secret.params), secret)
}

export function unlockTokenSync(password: string, secret: TokenSecret): TokenKey {
  return unlocked(deriveSync(password, secret.salt, secret.params), secret)
}
