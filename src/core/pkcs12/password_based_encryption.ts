/**
 * Password-based encryption of key bags and safes: the PKCS #12 SHA-1 PBE
 * schemes (RFC 7292 Appendix C; key and IV from the PKCS #12 KDF over the
 * BMPString password), PBES2 with PBKDF2 (RFC 8018 §6.2) and the PKCS #5
 * v1 DES schemes NSS can still write (PBES1, RFC 8018 §6.1, PBKDF1). PBES2
 * takes the UTF-8 password; for PBES1 see pbes1KeyAndIv. An AlgorithmIdentifier is parsed into a PbeScheme that
 * keeps every field `pk12util -l` shows, and schemes are written back with
 * the same shapes NSS writes (keyLength and PRF always explicit).
 */
import {hash, pbkdf2Sync, randomBytes} from 'node:crypto'
import {der} from '../pki/index.js'
import {BER, child, iterationCountOf, octets, oidOf, parseBer, sequenceOf, smallIntegerOf, type BerNode} from './ber.js'
import {Pkcs12Error} from './errors.js'
import {DIGESTS, P12_OID, describeOid, digestByHmacOid, type DigestInfo} from './oids.js'
import type {PasswordBytes} from './password.js'
import {KDF_PURPOSE, pkcs12Kdf} from './pkcs12_kdf.js'
import {repeatHash} from './repeated_hash.js'
import {decrypt, encrypt, type CipherSpec} from './symmetric_cipher.js'

const SHA1 = DIGESTS.find((d) => d.oid === P12_OID.sha1) as DigestInfo

/** The PKCS #12 PBE schemes and what each derives. */
const PKCS12_PBE: Readonly<Record<string, CipherSpec>> = {
  [P12_OID.pbeSha1Rc4_128]: {kind: 'rc4', node: 'rc4', keyLength: 16, ivLength: 0},
  [P12_OID.pbeSha1Rc4_40]: {kind: 'rc4', node: 'rc4', keyLength: 5, ivLength: 0},
  [P12_OID.pbeSha1TripleDes]: {kind: 'openssl', node: 'des-ede3-cbc', keyLength: 24, ivLength: 8},
  [P12_OID.pbeSha1TwoKeyTripleDes]: {kind: 'openssl', node: 'des-ede-cbc', keyLength: 16, ivLength: 8},
  [P12_OID.pbeSha1Rc2_128]: {kind: 'rc2', node: 'rc2', keyLength: 16, ivLength: 8, rc2Bits: 128},
  [P12_OID.pbeSha1Rc2_40]: {kind: 'rc2', node: 'rc2', keyLength: 5, ivLength: 8, rc2Bits: 40},
}

/** PBES1 schemes: PBKDF1 with this digest, then DES-CBC. */
const PBES1_DIGEST: Readonly<Record<string, string>> = {[P12_OID.pbeMd5Des]: 'md5', [P12_OID.pbeSha1Des]: 'sha1'}
const DES_CBC: CipherSpec = {kind: 'des', node: 'des-cbc', keyLength: 8, ivLength: 8}

/** PBES2 encryption schemes whose parameter is the IV. */
const PBES2_CIPHERS: Readonly<Record<string, CipherSpec>> = {
  [P12_OID.aes128Cbc]: {kind: 'openssl', node: 'aes-128-cbc', keyLength: 16, ivLength: 16},
  [P12_OID.aes192Cbc]: {kind: 'openssl', node: 'aes-192-cbc', keyLength: 24, ivLength: 16},
  [P12_OID.aes256Cbc]: {kind: 'openssl', node: 'aes-256-cbc', keyLength: 32, ivLength: 16},
  [P12_OID.camellia128Cbc]: {kind: 'openssl', node: 'camellia-128-cbc', keyLength: 16, ivLength: 16},
  [P12_OID.camellia192Cbc]: {kind: 'openssl', node: 'camellia-192-cbc', keyLength: 24, ivLength: 16},
  [P12_OID.camellia256Cbc]: {kind: 'openssl', node: 'camellia-256-cbc', keyLength: 32, ivLength: 16},
  [P12_OID.desEde3Cbc]: {kind: 'openssl', node: 'des-ede3-cbc', keyLength: 24, ivLength: 8},
  [P12_OID.desCbc]: DES_CBC,
}

/** RFC 8018 B.2.3: rc2ParameterVersion values that stand for small effective key sizes. */
const RC2_VERSION_BITS: Readonly<Record<number, number>> = {160: 40, 120: 64, 58: 128}

export interface Pkcs12PbeScheme {
  readonly kind: 'pkcs12'
  readonly oid: string
  readonly name: string
  readonly salt: Buffer
  readonly iterations: number
  readonly cipher: CipherSpec
}

export interface Pbes1Scheme {
  readonly kind: 'pbes1'
  readonly oid: string
  readonly name: string
  readonly salt: Buffer
  readonly iterations: number
  /** node:crypto's name of the PBKDF1 digest. */
  readonly digest: string
}

export interface Pbkdf2Parameters {
  readonly salt: Buffer
  readonly iterations: number
  /** Absent in OpenSSL's files (it is implied by the cipher). */
  readonly keyLength: number | null
  readonly prf: DigestInfo
  /** False when the PRF was left out (HMAC-SHA-1 by default). */
  readonly prfExplicit: boolean
}

export interface Pbes2Scheme {
  readonly kind: 'pbes2'
  readonly oid: string
  readonly name: string
  readonly kdf: Pbkdf2Parameters
  readonly cipherOid: string
  readonly cipherName: string
  /** The encryption scheme's parameters as encoded (NSS dumps them as "Args"). */
  readonly cipherParameters: Buffer
  readonly cipher: CipherSpec
  readonly iv: Buffer
}

/** A scheme this implementation recognises but cannot run (PBES1 DES, unknown OIDs). */
export interface UnsupportedScheme {
  readonly kind: 'unsupported'
  readonly oid: string
  readonly name: string
  /** Salt and iteration count, when the parameters have the PKCS #5 v1 / PKCS #12 shape. */
  readonly salt: Buffer | null
  readonly iterations: number | null
  readonly parameters: Buffer | null
}

export type PbeScheme = Pkcs12PbeScheme | Pbes1Scheme | Pbes2Scheme | UnsupportedScheme

/** Salt and iteration count of PKCS #12 / PKCS #5 v1 parameters. */
function saltAndIterations(params: BerNode, what: string): {salt: Buffer; iterations: number} {
  const items = sequenceOf(params, what)
  return {salt: octets(child(items, 0, what, BER.OCTET_STRING), what), iterations: iterationCountOf(child(items, 1, what), what)}
}

function parsePbkdf2(node: BerNode, what: string): Pbkdf2Parameters {
  const [kdfOid, kdfParams] = sequenceOf(node, what)
  if (!kdfOid || oidOf(kdfOid, what) !== P12_OID.pbkdf2 || !kdfParams) {
    throw new Pkcs12Error('algorithm', `${what}: only PBKDF2 is supported as the PBES2 key derivation function`)
  }
  const items = sequenceOf(kdfParams, what)
  const salt = child(items, 0, what)
  if (salt.tag !== BER.OCTET_STRING) throw new Pkcs12Error('algorithm', `${what}: PBKDF2 salt from an algorithm choice is not supported`)
  const iterations = iterationCountOf(child(items, 1, what), what)
  let i = 2
  let keyLength: number | null = null
  if (items[i]?.tag === BER.INTEGER) keyLength = smallIntegerOf(items[i++] as BerNode, what)
  let prf = SHA1
  let prfExplicit = false
  const prfNode = items[i]
  if (prfNode !== undefined) {
    const prfOid = oidOf(child(sequenceOf(prfNode, what), 0, what), what)
    const found = digestByHmacOid(prfOid)
    if (!found) throw new Pkcs12Error('algorithm', `${what}: PBKDF2 pseudo-random function ${describeOid(prfOid)} is not supported`)
    prf = found
    prfExplicit = true
  }
  return {salt: octets(salt, what), iterations, keyLength, prf, prfExplicit}
}

function parsePbes2(params: BerNode, what: string): Pbes2Scheme {
  const [kdf, scheme] = sequenceOf(params, what)
  if (!kdf || !scheme) throw new Pkcs12Error('format', `${what}: PBES2 parameters are incomplete`)
  const kdfParams = parsePbkdf2(kdf, what)
  const schemeItems = sequenceOf(scheme, what)
  const cipherOid = oidOf(child(schemeItems, 0, what), what)
  const cipherParams = schemeItems[1]
  const name = describeOid(P12_OID.pbes2)
  const base = {kind: 'pbes2' as const, oid: P12_OID.pbes2, name, kdf: kdfParams, cipherOid, cipherName: describeOid(cipherOid), cipherParameters: cipherParams?.raw ?? Buffer.alloc(0)}
  const known = PBES2_CIPHERS[cipherOid]
  if (known) {
    if (!cipherParams || cipherParams.tag !== BER.OCTET_STRING) throw new Pkcs12Error('format', `${what}: the ${base.cipherName} IV is missing`)
    const iv = octets(cipherParams, what)
    if (iv.length !== known.ivLength) throw new Pkcs12Error('format', `${what}: the ${base.cipherName} IV has ${iv.length} bytes, not ${known.ivLength}`)
    const keyLength = kdfParams.keyLength ?? known.keyLength
    if (keyLength !== known.keyLength) throw new Pkcs12Error('format', `${what}: key length ${keyLength} does not fit ${base.cipherName}`)
    return {...base, cipher: known, iv}
  }
  if (cipherOid === P12_OID.rc2Cbc && cipherParams) {
    // RC2-CBC-Parameter ::= SEQUENCE { rc2ParameterVersion INTEGER OPTIONAL, iv OCTET STRING }
    const items = sequenceOf(cipherParams, what)
    const version = items.length > 1 ? smallIntegerOf(items[0] as BerNode, what) : null
    const iv = octets(child(items, items.length - 1, what, BER.OCTET_STRING), what)
    const bits = version === null ? 32 : (RC2_VERSION_BITS[version] ?? version)
    const keyLength = kdfParams.keyLength ?? Math.ceil(bits / 8)
    if (iv.length !== 8) throw new Pkcs12Error('format', `${what}: the RC2 IV has ${iv.length} bytes, not 8`)
    return {...base, cipher: {kind: 'rc2', node: 'rc2', keyLength, ivLength: 8, rc2Bits: bits}, iv}
  }
  throw new Pkcs12Error('algorithm', `${what}: the PBES2 cipher ${base.cipherName} is not supported`)
}

/** Read an encryption AlgorithmIdentifier of a shrouded key bag or an encrypted safe. */
export function parsePbeAlgorithm(node: BerNode, what: string): PbeScheme {
  const items = sequenceOf(node, what)
  const oid = oidOf(child(items, 0, what), what)
  const params = items[1]
  const name = describeOid(oid)
  const cipher = PKCS12_PBE[oid]
  if (cipher) {
    if (!params) throw new Pkcs12Error('format', `${what}: ${name} parameters are missing`)
    return {kind: 'pkcs12', oid, name, ...saltAndIterations(params, what), cipher}
  }
  if (oid === P12_OID.pbes2) {
    if (!params) throw new Pkcs12Error('format', `${what}: PBES2 parameters are missing`)
    return parsePbes2(params, what)
  }
  const pbes1 = PBES1_DIGEST[oid]
  if (pbes1 && params) return {kind: 'pbes1', oid, name, ...saltAndIterations(params, what), digest: pbes1}
  let salt: Buffer | null = null
  let iterations: number | null = null
  try {
    if (params) ({salt, iterations} = saltAndIterations(params, what))
  } catch {
    // Not the PKCS #5 v1 shape; shown as raw parameters.
  }
  return {kind: 'unsupported', oid, name, salt, iterations, parameters: params?.raw ?? null}
}

/** PBKDF1 (RFC 8018 §5.1): the digest of password and salt, iterated; DES key then IV. */
function pbkdf1(digest: string, password: Buffer, salt: Buffer, iterations: number): Buffer {
  return repeatHash(digest, hash(digest, Buffer.concat([password, salt]), 'buffer'), iterations - 1)
}

/**
 * PBES1 inside PKCS #12 is written two ways. NSS feeds PBKDF1 the
 * BMPString password and takes the IV from the last eight bytes of the
 * digest (observed: with SHA-1 only that decrypts its DES-CBC exports'
 * first block); OpenSSL and RFC 8018 take the plain password and bytes
 * 8-15. Written as NSS does; read any way that yields a whole structure.
 */
type Pbes1Variant = {readonly bmp: boolean; readonly ivFromEnd: boolean}
const PBES1_WRITE: Pbes1Variant = {bmp: true, ivFromEnd: true}
const PBES1_READ: readonly Pbes1Variant[] = [PBES1_WRITE, {bmp: true, ivFromEnd: false}, {bmp: false, ivFromEnd: false}]

function pbes1KeyAndIv(scheme: Pbes1Scheme, password: PasswordBytes, variant: Pbes1Variant): {key: Buffer; iv: Buffer} {
  const dk = pbkdf1(scheme.digest, variant.bmp ? password.bmp : password.utf8, scheme.salt, scheme.iterations)
  return {key: dk.subarray(0, 8), iv: variant.ivFromEnd ? dk.subarray(dk.length - 8) : dk.subarray(8, 16)}
}

/** A wrong PBES1 IV garbles only the first block, which padding cannot reveal: the plaintext must be one whole element. */
function isOneElement(plain: Buffer): boolean {
  try {
    parseBer(plain, 'decrypted data')
    return true
  } catch {
    return false
  }
}

function keyAndIv(scheme: Pkcs12PbeScheme | Pbes1Scheme | Pbes2Scheme, password: PasswordBytes): {key: Buffer; iv: Buffer} {
  if (scheme.kind === 'pbes1') return pbes1KeyAndIv(scheme, password, PBES1_WRITE)
  if (scheme.kind === 'pbes2') {
    const {salt, iterations, prf} = scheme.kdf
    return {key: pbkdf2Sync(password.utf8, salt, iterations, scheme.cipher.keyLength, prf.node), iv: scheme.iv}
  }
  const {salt, iterations, cipher} = scheme
  const key = pkcs12Kdf(SHA1, password.bmp, salt, iterations, KDF_PURPOSE.key, cipher.keyLength)
  const iv = cipher.ivLength > 0 ? pkcs12Kdf(SHA1, password.bmp, salt, iterations, KDF_PURPOSE.iv, cipher.ivLength) : Buffer.alloc(0)
  return {key, iv}
}

/** Decrypt under `scheme`; Pkcs12Error('decrypt') when the password is wrong. */
export function pbeDecrypt(scheme: PbeScheme, password: PasswordBytes, data: Buffer, what: string): Buffer {
  if (scheme.kind === 'unsupported') throw new Pkcs12Error('algorithm', `${what} is encrypted with ${scheme.name.trim()}, which is not supported`)
  if (scheme.kind === 'pbes1') {
    for (const variant of PBES1_READ) {
      const {key, iv} = pbes1KeyAndIv(scheme, password, variant)
      try {
        const plain = decrypt(DES_CBC, key, iv, data, what)
        if (isOneElement(plain)) return plain
      } catch {
        // the next variant
      }
    }
    throw new Pkcs12Error('decrypt', `${what} does not decrypt (wrong password or damaged data)`)
  }
  const {key, iv} = keyAndIv(scheme, password)
  return decrypt(scheme.cipher, key, iv, data, what)
}

// ---------------------------------------------------------------- writing

/** What an exporter asks for: a PKCS #12 PBE scheme, or PBES2 with a cipher and PRF. */
export type PbeChoice =
  | {readonly kind: 'pkcs12'; readonly oid: string}
  | {readonly kind: 'pbes1'; readonly oid: string}
  | {readonly kind: 'pbes2'; readonly cipherOid: string; readonly prf: DigestInfo}

/** Encryption schemes an exporter can name (the keys of the tables above). */
export function isWritablePkcs12Pbe(oid: string): boolean {
  return PKCS12_PBE[oid] !== undefined
}

export function isWritablePbes1(oid: string): boolean {
  return PBES1_DIGEST[oid] !== undefined
}

export function isWritablePbes2Cipher(oid: string): boolean {
  return PBES2_CIPHERS[oid] !== undefined
}

const SALT_BYTES = 16

/** Encrypt `data`; returns the AlgorithmIdentifier DER and the ciphertext. */
export function pbeEncrypt(choice: PbeChoice, password: PasswordBytes, iterations: number, data: Buffer): {algorithm: Buffer; ciphertext: Buffer} {
  const salt = randomBytes(SALT_BYTES)
  if (choice.kind === 'pbes1') {
    const digest = PBES1_DIGEST[choice.oid]
    if (!digest) throw new Pkcs12Error('algorithm', `cannot encrypt with ${describeOid(choice.oid)}`)
    // RFC 8018 A.3 says eight salt bytes; NSS writes sixteen, as for every scheme, and readers take either.
    const scheme: Pbes1Scheme = {kind: 'pbes1', oid: choice.oid, name: describeOid(choice.oid), salt, iterations, digest}
    const {key, iv} = keyAndIv(scheme, password)
    const algorithm = der.sequence(der.oid(choice.oid), der.sequence(der.octetString(scheme.salt), der.integer(iterations)))
    return {algorithm, ciphertext: encrypt(DES_CBC, key, iv, data)}
  }
  if (choice.kind === 'pkcs12') {
    const cipher = PKCS12_PBE[choice.oid]
    if (!cipher) throw new Pkcs12Error('algorithm', `cannot encrypt with ${describeOid(choice.oid)}`)
    const scheme: Pkcs12PbeScheme = {kind: 'pkcs12', oid: choice.oid, name: describeOid(choice.oid), salt, iterations, cipher}
    const {key, iv} = keyAndIv(scheme, password)
    const algorithm = der.sequence(der.oid(choice.oid), der.sequence(der.octetString(salt), der.integer(iterations)))
    return {algorithm, ciphertext: encrypt(cipher, key, iv, data)}
  }
  const cipher = PBES2_CIPHERS[choice.cipherOid]
  if (!cipher || !choice.prf.hmacOid) throw new Pkcs12Error('algorithm', `cannot encrypt with ${describeOid(choice.cipherOid)}`)
  const iv = randomBytes(cipher.ivLength)
  const key = pbkdf2Sync(password.utf8, salt, iterations, cipher.keyLength, choice.prf.node)
  const kdf = der.sequence(
    der.oid(P12_OID.pbkdf2),
    der.sequence(der.octetString(salt), der.integer(iterations), der.integer(cipher.keyLength), der.sequence(der.oid(choice.prf.hmacOid), der.nullValue())),
  )
  const algorithm = der.sequence(der.oid(P12_OID.pbes2), der.sequence(kdf, der.sequence(der.oid(choice.cipherOid), der.octetString(iv))))
  return {algorithm, ciphertext: encrypt(cipher, key, iv, data)}
}

