/**
 * Key pairs: generation with node:crypto (OpenSSL; never a pure-JS
 * generator), certutil's parameter checks with NSS's wording, NSS key ids,
 * and PKCS #8 / SPKI import and export.
 */
import {createPrivateKey, createPublicKey, generateKeyPair as cryptoGenerateKeyPair, type KeyObject, type RSAPSSKeyPairKeyObjectOptions} from 'node:crypto'
import {DEFAULT_HASH, curveInfo, hashInfo, parseCurveName, type CurveName, type HashName} from './algorithms.js'
import {DerError} from './der.js'
import {KeyImportError, OptionValueError} from './errors.js'
import {parseSubjectPublicKeyInfo, type PublicKeyType, type SubjectPublicKeyInfo} from './subject_public_key_info.js'

export type KeyType = 'rsa' | 'rsa-pss' | 'ec' | 'ed25519'

export const MIN_RSA_BITS = 512
export const MAX_RSA_BITS = 8192
export const DEFAULT_RSA_BITS = 2048
export const RSA_EXPONENTS: readonly number[] = [3, 17, 65537]
export const DEFAULT_CURVE: CurveName = 'nistp256'

export interface KeyGenerationOptions {
  /** Default `rsa`. `rsa-pss` is certutil `--pss`. */
  readonly type?: KeyType
  /** RSA modulus size (`-g`); default 2048. Not for EC or Ed25519. */
  readonly bits?: number
  /** RSA public exponent (`-y`); default 65537. */
  readonly publicExponent?: number
  /** EC curve (`-q`): `nistp256` (default), `nistp384`, `nistp521` or an alias. */
  readonly curve?: string
  /** Hash an RSA-PSS key is restricted to (certutil takes it from `-Z`); default SHA-256. */
  readonly hash?: HashName
}

/** Options after defaults and range checks. */
export type KeySpec =
  | {readonly type: 'rsa'; readonly bits: number; readonly publicExponent: number}
  | {readonly type: 'rsa-pss'; readonly bits: number; readonly publicExponent: number; readonly hash: HashName}
  | {readonly type: 'ec'; readonly curve: CurveName}
  | {readonly type: 'ed25519'}

export interface KeyPair {
  readonly privateKey: KeyObject
  readonly publicKey: KeyObject
}

/**
 * certutil `-k` value as a key type, or null when it is not one (certutil
 * then reads it as a nickname or key id). DSA is known but not generated.
 */
export function parseKeyType(text: string): KeyType | null {
  switch (text.toLowerCase()) {
    case 'rsa':
      return 'rsa'
    case 'ec':
      return 'ec'
    case 'ed25519':
      return 'ed25519'
    case 'dsa':
      throw new OptionValueError('-k', 'DSA key generation is not supported; use rsa, ec or ed25519.')
    default:
      return null
  }
}

/** Apply defaults and check ranges the way certutil does, before any work. */
export function checkKeyGenerationOptions(options: KeyGenerationOptions): KeySpec {
  const type = options.type ?? 'rsa'
  if (type === 'rsa' || type === 'rsa-pss') {
    if (options.curve !== undefined) {
      throw new OptionValueError('-q', 'specifies a PQG file for DSA keys (-k dsa) or a named curve for EC keys (-k ec)')
    }
    const bits = options.bits ?? DEFAULT_RSA_BITS
    if (!Number.isInteger(bits) || bits < MIN_RSA_BITS || bits > MAX_RSA_BITS) {
      throw new OptionValueError('-g', `Keysize must be between ${MIN_RSA_BITS} and ${MAX_RSA_BITS}.`)
    }
    const publicExponent = options.publicExponent ?? 65537
    if (!RSA_EXPONENTS.includes(publicExponent)) {
      // NSS's text, missing space included.
      throw new OptionValueError('-y', `incorrect public exponent ${publicExponent}.Must be 3, 17, or 65537.`)
    }
    if (type === 'rsa-pss') return {type, bits, publicExponent, hash: options.hash ?? DEFAULT_HASH}
    return {type, bits, publicExponent}
  }
  if (options.bits !== undefined) throw new OptionValueError('-g', `Not for ${type === 'ec' ? 'ec' : 'ed25519'} keys.`)
  if (options.publicExponent !== undefined) throw new OptionValueError('-y', 'the public exponent is only for RSA keys.')
  if (type === 'ec') return {type, curve: options.curve === undefined ? DEFAULT_CURVE : parseCurveName(options.curve)}
  if (options.curve !== undefined) throw new OptionValueError('-q', 'Ed25519 keys have a fixed curve; drop -q.')
  return {type: 'ed25519'}
}

function done(resolve: (k: KeyPair) => void, reject: (e: Error) => void) {
  return (err: Error | null, publicKey: KeyObject, privateKey: KeyObject): void => (err === null ? resolve({publicKey, privateKey}) : reject(err))
}

/** Generate a key pair in OpenSSL (off the main thread). */
export async function generateKeyPair(options: KeyGenerationOptions = {}): Promise<KeyPair> {
  const spec = checkKeyGenerationOptions(options)
  switch (spec.type) {
    case 'rsa':
      return new Promise((resolve, reject) => {
        cryptoGenerateKeyPair('rsa', {modulusLength: spec.bits, publicExponent: spec.publicExponent}, done(resolve, reject))
      })
    case 'rsa-pss': {
      // NSS's --pss keys carry their restriction: hash, MGF1 with the same hash, salt = hash length.
      const h = hashInfo(spec.hash)
      const options: RSAPSSKeyPairKeyObjectOptions = {
        modulusLength: spec.bits, publicExponent: spec.publicExponent, hashAlgorithm: h.node, mgf1HashAlgorithm: h.node,
        // @types/node declares saltLength a string; node:crypto wants the number.
        saltLength: h.length as unknown as string,
      }
      return new Promise((resolve, reject) => {
        cryptoGenerateKeyPair('rsa-pss', options, done(resolve, reject))
      })
    }
    case 'ec':
      return new Promise((resolve, reject) => {
        cryptoGenerateKeyPair('ec', {namedCurve: curveInfo(spec.curve).node}, done(resolve, reject))
      })
    case 'ed25519':
      return new Promise((resolve, reject) => {
        cryptoGenerateKeyPair('ed25519', {}, done(resolve, reject))
      })
  }
}

/** The public half of a private key. */
export function publicKeyOf(privateKey: KeyObject): KeyObject {
  return createPublicKey(privateKey)
}

export function exportSpki(publicKey: KeyObject): Buffer {
  return publicKey.export({type: 'spki', format: 'der'})
}

/** PKCS #8 PrivateKeyInfo DER, unencrypted (key_protection.ts encrypts it). */
export function exportPkcs8(privateKey: KeyObject): Buffer {
  if (privateKey.type !== 'private') throw new KeyImportError('expected a private key, got a public key.')
  return privateKey.export({type: 'pkcs8', format: 'der'})
}

export function importPkcs8(der: Buffer): KeyObject {
  try {
    return createPrivateKey({key: der, format: 'der', type: 'pkcs8'})
  } catch (e) {
    throw new KeyImportError(`not a usable PKCS #8 private key: ${(e as Error).message}`)
  }
}

export function importSpki(der: Buffer): KeyObject {
  try {
    return createPublicKey({key: der, format: 'der', type: 'spki'})
  } catch (e) {
    throw new KeyImportError(`not a usable SubjectPublicKeyInfo: ${(e as Error).message}`)
  }
}

/** SubjectPublicKeyInfo fields of a key (private keys give their public half). */
export function describePublicKey(key: KeyObject): SubjectPublicKeyInfo {
  const pub = key.type === 'private' ? publicKeyOf(key) : key
  try {
    return parseSubjectPublicKeyInfo(exportSpki(pub))
  } catch (e) {
    if (e instanceof DerError) throw new KeyImportError(`cannot read the public key: ${e.message}`)
    throw e
  }
}

/** NSS key id (CKA_ID): SHA-1 of the public value; see subject_public_key_info.ts. */
export function keyIdOf(key: KeyObject): Buffer {
  return describePublicKey(key).keyId
}

/** True when the private key belongs to this public key (SPKI DER or KeyObject). */
export function keyMatches(privateKey: KeyObject, publicKey: KeyObject | Buffer): boolean {
  const mine = describePublicKey(privateKey)
  const theirs = Buffer.isBuffer(publicKey) ? parseSubjectPublicKeyInfo(publicKey) : describePublicKey(publicKey)
  // Compare key ids (public values) rather than SPKI bytes: an RSA-PSS key
  // may appear with or without parameters.
  const family = (t: PublicKeyType): string => (t === 'rsa-pss' ? 'rsa' : t)
  return mine.keyId.equals(theirs.keyId) && family(mine.type) === family(theirs.type)
}

/** Key type column of `certutil -K` (`rsa`, `rsaPss`, `ec`, `dsa`). */
export function nssKeyTypeName(type: PublicKeyType): string {
  switch (type) {
    case 'rsa-pss':
      return 'rsaPss'
    case 'ed25519':
      // NSS 3.87 has no Ed25519; newer NSS calls these keys edDSA.
      return 'edDSA'
    case 'unknown':
      return 'null'
    default:
      return type
  }
}
