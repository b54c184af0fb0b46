/**
 * Object identifiers, their NSS display names, and signing/verification
 * over node:crypto for every signature algorithm certutil can use.
 *
 * Display names are the descriptions NSS 3.87 prints (`certutil -L -n`);
 * Ed25519 is unknown to NSS 3.87, so its two names are ours.
 */
import {constants, sign as cryptoSign, verify as cryptoVerify, type KeyObject} from 'node:crypto'
import {DerError, DerSequence, Tag, contextTag, decodeOid, decodeSmallInteger, explicit, integer, nullValue, oid as oidDer, parseDer, sequence, type DerNode} from './der.js'
import {OptionValueError, SigningError, UnsupportedAlgorithmError} from './errors.js'

/** Symbolic names for the OIDs the code refers to. */
export const OID = {
  // public key algorithms
  rsaEncryption: '1.2.840.113549.1.1.1',
  rsassaPss: '1.2.840.113549.1.1.10',
  ecPublicKey: '1.2.840.10045.2.1',
  ed25519: '1.3.101.112',
  dsa: '1.2.840.10040.4.1',
  // signature algorithms
  md2WithRSAEncryption: '1.2.840.113549.1.1.2',
  md4WithRSAEncryption: '1.2.840.113549.1.1.3',
  md5WithRSAEncryption: '1.2.840.113549.1.1.4',
  sha1WithRSAEncryption: '1.2.840.113549.1.1.5',
  sha224WithRSAEncryption: '1.2.840.113549.1.1.14',
  sha256WithRSAEncryption: '1.2.840.113549.1.1.11',
  sha384WithRSAEncryption: '1.2.840.113549.1.1.12',
  sha512WithRSAEncryption: '1.2.840.113549.1.1.13',
  mgf1: '1.2.840.113549.1.1.8',
  ecdsaWithSHA1: '1.2.840.10045.4.1',
  ecdsaWithSHA224: '1.2.840.10045.4.3.1',
  ecdsaWithSHA256: '1.2.840.10045.4.3.2',
  ecdsaWithSHA384: '1.2.840.10045.4.3.3',
  ecdsaWithSHA512: '1.2.840.10045.4.3.4',
  dsaWithSHA1: '1.2.840.10040.4.3',
  dsaWithSHA224: '2.16.840.1.101.3.4.3.1',
  dsaWithSHA256: '2.16.840.1.101.3.4.3.2',
  // hashes
  md2: '1.2.840.113549.2.2',
  md5: '1.2.840.113549.2.5',
  sha1: '1.3.14.3.2.26',
  sha224: '2.16.840.1.101.3.4.2.4',
  sha256: '2.16.840.1.101.3.4.2.1',
  sha384: '2.16.840.1.101.3.4.2.2',
  sha512: '2.16.840.1.101.3.4.2.3',
  // curves
  prime256v1: '1.2.840.10045.3.1.7',
  secp384r1: '1.3.132.0.34',
  secp521r1: '1.3.132.0.35',
  // certificate extensions
  subjectKeyIdentifier: '2.5.29.14',
  keyUsage: '2.5.29.15',
  subjectAltName: '2.5.29.17',
  issuerAltName: '2.5.29.18',
  basicConstraints: '2.5.29.19',
  nameConstraints: '2.5.29.30',
  crlDistributionPoints: '2.5.29.31',
  certificatePolicies: '2.5.29.32',
  authorityKeyIdentifier: '2.5.29.35',
  extKeyUsage: '2.5.29.37',
  authorityInfoAccess: '1.3.6.1.5.5.7.1.1',
  nsCertType: '2.16.840.1.113730.1.1',
  // PKCS #9 attributes
  emailAddress: '1.2.840.113549.1.9.1',
  challengePassword: '1.2.840.113549.1.9.7',
  extensionRequest: '1.2.840.113549.1.9.14',
} as const

// ---------------------------------------------------------------- hashes

export type HashName = 'SHA1' | 'SHA224' | 'SHA256' | 'SHA384' | 'SHA512'

interface HashInfo {
  readonly name: HashName
  readonly oid: string
  /** node:crypto / OpenSSL digest name. */
  readonly node: string
  readonly length: number
  /** NSS description, e.g. `SHA-256`. */
  readonly display: string
}

const HASHES: Record<HashName, HashInfo> = {
  SHA1: {name: 'SHA1', oid: OID.sha1, node: 'sha1', length: 20, display: 'SHA-1'},
  SHA224: {name: 'SHA224', oid: OID.sha224, node: 'sha224', length: 28, display: 'SHA-224'},
  SHA256: {name: 'SHA256', oid: OID.sha256, node: 'sha256', length: 32, display: 'SHA-256'},
  SHA384: {name: 'SHA384', oid: OID.sha384, node: 'sha384', length: 48, display: 'SHA-384'},
  SHA512: {name: 'SHA512', oid: OID.sha512, node: 'sha512', length: 64, display: 'SHA-512'},
}

export const HASH_NAMES: readonly HashName[] = ['SHA1', 'SHA224', 'SHA256', 'SHA384', 'SHA512']

/** The hash certutil signs with when `-Z` is not given (NSS 3.87). */
export const DEFAULT_HASH: HashName = 'SHA256'

export function hashInfo(name: HashName): HashInfo {
  return HASHES[name]
}

function hashByOid(oid: string): HashName | null {
  for (const h of HASH_NAMES) if (HASHES[h].oid === oid) return h
  return null
}

function hashByNodeName(name: string): HashName | null {
  for (const h of HASH_NAMES) if (HASHES[h].node === name.toLowerCase()) return h
  return null
}

/**
 * certutil `-Z` value. Names are case-sensitive as in NSS; MD2, MD4 and MD5
 * are known but refused because no verifier accepts them any more.
 */
export function parseHashName(text: string): HashName {
  if ((HASH_NAMES as readonly string[]).includes(text)) return text as HashName
  if (text === 'MD2' || text === 'MD4' || text === 'MD5') {
    throw new OptionValueError('-Z', `${text} signatures are disabled because they are not secure; use SHA256 (or SHA1, SHA224, SHA384, SHA512).`)
  }
  throw new OptionValueError('-Z', `${text} is not a recognized type.`)
}

// ---------------------------------------------------------------- names

const CURVE_NAMES: Record<string, string> = {
  '1.2.840.10045.3.1.1': 'ANSI X9.62 elliptic curve prime192v1 (aka secp192r1, NIST P-192)',
  '1.3.132.0.33': 'SECG elliptic curve secp224r1 (aka NIST P-224)',
  [OID.prime256v1]: 'ANSI X9.62 elliptic curve prime256v1 (aka secp256r1, NIST P-256)',
  [OID.secp384r1]: 'SECG elliptic curve secp384r1 (aka NIST P-384)',
  [OID.secp521r1]: 'SECG elliptic curve secp521r1 (aka NIST P-521)',
  '1.3.132.0.10': 'SECG elliptic curve secp256k1',
  '1.3.6.1.4.1.11591.15.1': 'Curve25519',
}

/** Extended key usage purposes: NSS description per OID. */
export const EKU_NAMES: Readonly<Record<string, string>> = {
  '1.3.6.1.5.5.7.3.1': 'TLS Web Server Authentication Certificate',
  '1.3.6.1.5.5.7.3.2': 'TLS Web Client Authentication Certificate',
  '1.3.6.1.5.5.7.3.3': 'Code Signing Certificate',
  '1.3.6.1.5.5.7.3.4': 'E-Mail Protection Certificate',
  // NSS's own spelling.
  '1.3.6.1.5.5.7.3.8': 'Time Stamping Certifcate',
  '1.3.6.1.5.5.7.3.9': 'OCSP Responder Certificate',
  '2.16.840.1.113730.4.1': 'Strong Crypto Export Approved',
  '1.3.6.1.4.1.311.10.3.1': 'Microsoft Trust List Signing',
  '2.5.29.37.0': 'Any Extended Key Usage',
  '1.3.6.1.5.5.7.3.17': 'IPsec IKE Certificate',
  '1.3.6.1.5.5.8.2.1': 'IPsec IKE End',
  '1.3.6.1.5.5.8.2.2': 'IPsec IKE Intermediate',
  // NSS prints "IPsec Tunnel" for id-kp-ipsecEndSystem too.
  '1.3.6.1.5.5.7.3.5': 'IPsec Tunnel',
  '1.3.6.1.5.5.7.3.6': 'IPsec Tunnel',
  '1.3.6.1.5.5.7.3.7': 'IPsec User',
}

/** Certificate extensions: NSS description per OID. */
export const EXTENSION_NAMES: Readonly<Record<string, string>> = {
  '2.5.29.9': 'Certificate Subject Directory Attributes',
  [OID.subjectKeyIdentifier]: 'Certificate Subject Key ID',
  [OID.keyUsage]: 'Certificate Key Usage',
  '2.5.29.16': 'Certificate Private Key Usage Period',
  [OID.subjectAltName]: 'Certificate Subject Alt Name',
  [OID.issuerAltName]: 'Certificate Issuer Alt Name',
  [OID.basicConstraints]: 'Certificate Basic Constraints',
  [OID.nameConstraints]: 'Certificate Name Constraints',
  [OID.crlDistributionPoints]: 'CRL Distribution Points',
  [OID.certificatePolicies]: 'Certificate Policies',
  '2.5.29.33': 'Certificate Policy Mappings',
  '2.5.29.36': 'Certificate Policy Constraints',
  [OID.authorityKeyIdentifier]: 'Certificate Authority Key Identifier',
  [OID.extKeyUsage]: 'Extended Key Usage',
  [OID.authorityInfoAccess]: 'Authority Information Access',
  '1.3.6.1.5.5.7.1.11': 'Subject Info Access',
  '2.5.29.46': 'Freshest CRL',
  '2.5.29.54': 'Inhibit Any Policy',
  '1.3.6.1.5.5.7.48.1.5': 'OCSP No Check Extension',
  [OID.nsCertType]: 'Certificate Type',
  '2.16.840.1.113730.1.2': 'Certificate Extension Base URL',
  '2.16.840.1.113730.1.3': 'Certificate Revocation URL',
  '2.16.840.1.113730.1.4': 'Certificate Authority Revocation URL',
  '2.16.840.1.113730.1.7': 'Certificate Renewal URL',
  '2.16.840.1.113730.1.8': 'Certificate Authority Policy URL',
  '2.16.840.1.113730.1.12': 'Certificate SSL Server Name',
  '2.16.840.1.113730.1.13': 'Certificate Comment',
}

const ALGORITHM_NAMES: Record<string, string> = {
  [OID.rsaEncryption]: 'PKCS #1 RSA Encryption',
  [OID.rsassaPss]: 'PKCS #1 RSA-PSS Signature',
  [OID.ecPublicKey]: 'X9.62 elliptic curve public key',
  [OID.ed25519]: 'Ed25519 Signature',
  [OID.dsa]: 'ANSI X9.57 DSA Signature',
  [OID.md2WithRSAEncryption]: 'PKCS #1 MD2 With RSA Encryption',
  [OID.md4WithRSAEncryption]: 'PKCS #1 MD4 With RSA Encryption',
  [OID.md5WithRSAEncryption]: 'PKCS #1 MD5 With RSA Encryption',
  [OID.sha1WithRSAEncryption]: 'PKCS #1 SHA-1 With RSA Encryption',
  [OID.sha224WithRSAEncryption]: 'PKCS #1 SHA-224 With RSA Encryption',
  [OID.sha256WithRSAEncryption]: 'PKCS #1 SHA-256 With RSA Encryption',
  [OID.sha384WithRSAEncryption]: 'PKCS #1 SHA-384 With RSA Encryption',
  [OID.sha512WithRSAEncryption]: 'PKCS #1 SHA-512 With RSA Encryption',
  [OID.mgf1]: 'PKCS #1 MGF1 Mask Generation Function',
  [OID.ecdsaWithSHA1]: 'X9.62 ECDSA signature with SHA-1',
  [OID.ecdsaWithSHA224]: 'X9.62 ECDSA signature with SHA224',
  [OID.ecdsaWithSHA256]: 'X9.62 ECDSA signature with SHA256',
  [OID.ecdsaWithSHA384]: 'X9.62 ECDSA signature with SHA384',
  [OID.ecdsaWithSHA512]: 'X9.62 ECDSA signature with SHA512',
  [OID.dsaWithSHA1]: 'ANSI X9.57 DSA Signature with SHA-1 Digest',
  [OID.dsaWithSHA224]: 'DSA with SHA-224 Signature',
  [OID.dsaWithSHA256]: 'DSA with SHA-256 Signature',
  [OID.md2]: 'MD2',
  [OID.md5]: 'MD5',
  [OID.sha1]: 'SHA-1',
  [OID.sha224]: 'SHA-224',
  [OID.sha256]: 'SHA-256',
  [OID.sha384]: 'SHA-384',
  [OID.sha512]: 'SHA-512',
  [OID.emailAddress]: 'PKCS #9 Email Address',
  [OID.challengePassword]: 'PKCS #9 Challenge Password',
  [OID.extensionRequest]: 'PKCS #9 Extension Request',
}

/** NSS description of an OID (algorithm, curve, extension or purpose), if it has one. */
export function oidName(oid: string): string | undefined {
  return ALGORITHM_NAMES[oid] ?? CURVE_NAMES[oid] ?? EXTENSION_NAMES[oid] ?? EKU_NAMES[oid]
}

/** Display name of a public key algorithm; Ed25519 keys are not signatures. */
export function publicKeyAlgorithmName(oid: string): string {
  if (oid === OID.ed25519) return 'Ed25519 Public Key'
  return ALGORITHM_NAMES[oid] ?? oid
}

// ---------------------------------------------------------------- curves

export type CurveName = 'nistp256' | 'nistp384' | 'nistp521'

interface CurveInfo {
  readonly name: CurveName
  readonly oid: string
  /** node:crypto / OpenSSL curve name. */
  readonly node: string
  readonly fieldBytes: number
}

const CURVES: readonly CurveInfo[] = [
  {name: 'nistp256', oid: OID.prime256v1, node: 'prime256v1', fieldBytes: 32},
  {name: 'nistp384', oid: OID.secp384r1, node: 'secp384r1', fieldBytes: 48},
  {name: 'nistp521', oid: OID.secp521r1, node: 'secp521r1', fieldBytes: 66},
]

const CURVE_ALIASES: Record<string, CurveName> = {
  nistp256: 'nistp256', secp256r1: 'nistp256', prime256v1: 'nistp256', 'p-256': 'nistp256', p256: 'nistp256',
  nistp384: 'nistp384', secp384r1: 'nistp384', 'p-384': 'nistp384', p384: 'nistp384',
  nistp521: 'nistp521', secp521r1: 'nistp521', 'p-521': 'nistp521', p521: 'nistp521',
}

/** certutil `-q` curve name (NSS keywords and the usual aliases). */
export function parseCurveName(text: string): CurveName {
  const c = CURVE_ALIASES[text.toLowerCase()]
  if (c === undefined) {
    throw new OptionValueError('-q', `unrecognized elliptic curve ${text}; use nistp256, nistp384 or nistp521.`)
  }
  return c
}

export function curveInfo(name: CurveName): CurveInfo {
  return CURVES.find((c) => c.name === name) as CurveInfo
}

export function curveByOid(oid: string): CurveInfo | undefined {
  return CURVES.find((c) => c.oid === oid)
}

export function curveByNodeName(node: string): CurveInfo | undefined {
  return CURVES.find((c) => c.node === node)
}

/** NSS description of a named curve OID, or the OID itself. */
export function curveDisplayName(oid: string): string {
  return CURVE_NAMES[oid] ?? oid
}

// ---------------------------------------------------------------- algorithm identifiers

export interface AlgorithmIdentifier {
  readonly oid: string
  /** DER of the parameters element; null when absent. */
  readonly parameters: Buffer | null
  /** The whole AlgorithmIdentifier DER. */
  readonly der: Buffer
}

export function decodeAlgorithmIdentifier(node: DerNode, what: string): AlgorithmIdentifier {
  const seq = new DerSequence(node, what)
  const algorithm = decodeOid(seq.next(Tag.OID, 'algorithm'), `${what} algorithm`)
  const params = seq.done ? null : seq.any('parameters').raw
  seq.end()
  return {oid: algorithm, parameters: params, der: node.raw}
}

export function encodeAlgorithmIdentifier(oid: string, parameters: Buffer | null): Buffer {
  return parameters === null ? sequence(oidDer(oid)) : sequence(oidDer(oid), parameters)
}

export interface RsaPssParameters {
  readonly hash: HashName
  readonly mgf1Hash: HashName
  readonly saltLength: number
  readonly trailerField: number
}

/** Decode RSASSA-PSS-params (RFC 4055); absent fields take the SHA-1 defaults. */
export function decodeRsaPssParameters(der: Buffer | null): RsaPssParameters {
  let hash: HashName = 'SHA1'
  let mgf1Hash: HashName = 'SHA1'
  let saltLength = 20
  let trailerField = 1
  if (der === null || (der.length === 2 && der[0] === Tag.NULL)) return {hash, mgf1Hash, saltLength, trailerField}
  const seq = new DerSequence(parseDer(der), 'RSASSA-PSS parameters')
  const h = seq.optional(contextTag(0, true))
  if (h !== null) hash = pssHash(decodeAlgorithmIdentifier(parseDer(h.content), 'PSS hash algorithm').oid)
  const m = seq.optional(contextTag(1, true))
  if (m !== null) {
    const mgf = decodeAlgorithmIdentifier(parseDer(m.content), 'PSS mask algorithm')
    if (mgf.oid !== OID.mgf1 || mgf.parameters === null) throw new DerError(`unsupported PSS mask generation function ${mgf.oid}`, m.offset)
    mgf1Hash = pssHash(decodeAlgorithmIdentifier(parseDer(mgf.parameters), 'MGF1 hash algorithm').oid)
  }
  const s = seq.optional(contextTag(2, true))
  if (s !== null) saltLength = decodeSmallInteger(parseDer(s.content), 'PSS salt length')
  const t = seq.optional(contextTag(3, true))
  if (t !== null) trailerField = decodeSmallInteger(parseDer(t.content), 'PSS trailer field')
  seq.end()
  return {hash, mgf1Hash, saltLength, trailerField}
}

function pssHash(oid: string): HashName {
  const h = hashByOid(oid)
  if (h === null) throw new DerError(`unsupported PSS hash algorithm ${oid}`, -1)
  return h
}

/**
 * RSASSA-PSS-params as NSS writes them: hash and MGF1 hash identifiers with
 * NULL parameters, salt length = hash length, trailer field left at its
 * default. Fields equal to the SHA-1 defaults are omitted, as DER requires.
 */
export function encodeRsaPssParameters(p: RsaPssParameters): Buffer {
  const parts: Buffer[] = []
  if (p.hash !== 'SHA1') parts.push(explicit(0, encodeAlgorithmIdentifier(HASHES[p.hash].oid, nullValue())))
  if (p.mgf1Hash !== 'SHA1') {
    parts.push(explicit(1, encodeAlgorithmIdentifier(OID.mgf1, encodeAlgorithmIdentifier(HASHES[p.mgf1Hash].oid, nullValue()))))
  }
  if (p.saltLength !== 20) parts.push(explicit(2, integer(p.saltLength)))
  if (p.trailerField !== 1) parts.push(explicit(3, integer(p.trailerField)))
  return sequence(...parts)
}

// ---------------------------------------------------------------- signature algorithms

export type SignatureKind = 'rsa-pkcs1' | 'rsa-pss' | 'ecdsa' | 'ed25519' | 'dsa'

export interface SignatureAlgorithm extends AlgorithmIdentifier {
  /** null when the algorithm is not one this code can verify (MD5, unknown OIDs). */
  readonly kind: SignatureKind | null
  readonly hash: HashName | null
  readonly pss: RsaPssParameters | null
  /** NSS display name, or the dotted OID when NSS has none. */
  readonly name: string
}

interface SimpleSignature {
  readonly kind: Exclude<SignatureKind, 'rsa-pss'>
  readonly hash: HashName | null
}

const SIMPLE_SIGNATURES: Record<string, SimpleSignature> = {
  [OID.sha1WithRSAEncryption]: {kind: 'rsa-pkcs1', hash: 'SHA1'},
  [OID.sha224WithRSAEncryption]: {kind: 'rsa-pkcs1', hash: 'SHA224'},
  [OID.sha256WithRSAEncryption]: {kind: 'rsa-pkcs1', hash: 'SHA256'},
  [OID.sha384WithRSAEncryption]: {kind: 'rsa-pkcs1', hash: 'SHA384'},
  [OID.sha512WithRSAEncryption]: {kind: 'rsa-pkcs1', hash: 'SHA512'},
  [OID.ecdsaWithSHA1]: {kind: 'ecdsa', hash: 'SHA1'},
  [OID.ecdsaWithSHA224]: {kind: 'ecdsa', hash: 'SHA224'},
  [OID.ecdsaWithSHA256]: {kind: 'ecdsa', hash: 'SHA256'},
  [OID.ecdsaWithSHA384]: {kind: 'ecdsa', hash: 'SHA384'},
  [OID.ecdsaWithSHA512]: {kind: 'ecdsa', hash: 'SHA512'},
  [OID.ed25519]: {kind: 'ed25519', hash: null},
  [OID.dsaWithSHA1]: {kind: 'dsa', hash: 'SHA1'},
  [OID.dsaWithSHA224]: {kind: 'dsa', hash: 'SHA224'},
  [OID.dsaWithSHA256]: {kind: 'dsa', hash: 'SHA256'},
}

/** Interpret an AlgorithmIdentifier found in a signed structure. */
export function describeSignatureAlgorithm(id: AlgorithmIdentifier): SignatureAlgorithm {
  const name = ALGORITHM_NAMES[id.oid] ?? id.oid
  if (id.oid === OID.rsassaPss) {
    const pss = decodeRsaPssParameters(id.parameters)
    return {...id, kind: 'rsa-pss', hash: pss.hash, pss, name}
  }
  const simple = SIMPLE_SIGNATURES[id.oid]
  if (simple === undefined) return {...id, kind: null, hash: null, pss: null, name}
  return {...id, kind: simple.kind, hash: simple.hash, pss: null, name}
}

export function decodeSignatureAlgorithm(node: DerNode, what: string): SignatureAlgorithm {
  return describeSignatureAlgorithm(decodeAlgorithmIdentifier(node, what))
}

const RSA_OIDS: Record<HashName, string> = {
  SHA1: OID.sha1WithRSAEncryption, SHA224: OID.sha224WithRSAEncryption, SHA256: OID.sha256WithRSAEncryption,
  SHA384: OID.sha384WithRSAEncryption, SHA512: OID.sha512WithRSAEncryption,
}
const ECDSA_OIDS: Record<HashName, string> = {
  SHA1: OID.ecdsaWithSHA1, SHA224: OID.ecdsaWithSHA224, SHA256: OID.ecdsaWithSHA256,
  SHA384: OID.ecdsaWithSHA384, SHA512: OID.ecdsaWithSHA512,
}
const DSA_OIDS: Partial<Record<HashName, string>> = {SHA1: OID.dsaWithSHA1, SHA224: OID.dsaWithSHA224, SHA256: OID.dsaWithSHA256}

export interface SignatureOptions {
  /** certutil `-Z`; default SHA-256 (or the hash an RSA-PSS key is restricted to). */
  readonly hash?: HashName
  /** certutil `--pss-sign`: RSASSA-PSS with an RSA key. */
  readonly pss?: boolean
}

/**
 * The signature algorithm certutil would use with this private key.
 * Ed25519 has no separate hash, so `hash` is ignored for it.
 */
export function chooseSignatureAlgorithm(privateKey: KeyObject, options: SignatureOptions = {}): SignatureAlgorithm {
  const type = privateKey.asymmetricKeyType
  if (options.pss === true && type !== 'rsa' && type !== 'rsa-pss') {
    throw new UnsupportedAlgorithmError(`--pss-sign needs an RSA key; this key is ${type ?? 'unknown'}.`)
  }
  switch (type) {
    case 'rsa':
    case 'rsa-pss': {
      if (type === 'rsa' && options.pss !== true) {
        const hash = options.hash ?? DEFAULT_HASH
        return describeSignatureAlgorithm(algorithmId(RSA_OIDS[hash], nullValue()))
      }
      // A PSS-restricted key fixes the hash unless -Z overrides it.
      const restricted = privateKey.asymmetricKeyDetails?.hashAlgorithm
      const hash = options.hash ?? (restricted !== undefined ? hashByNodeName(restricted) : null) ?? DEFAULT_HASH
      const params = encodeRsaPssParameters({hash, mgf1Hash: hash, saltLength: HASHES[hash].length, trailerField: 1})
      return describeSignatureAlgorithm(algorithmId(OID.rsassaPss, params))
    }
    case 'ec':
      return describeSignatureAlgorithm(algorithmId(ECDSA_OIDS[options.hash ?? DEFAULT_HASH], null))
    case 'ed25519':
      return describeSignatureAlgorithm(algorithmId(OID.ed25519, null))
    case 'dsa': {
      const o = DSA_OIDS[options.hash ?? DEFAULT_HASH]
      if (o === undefined) throw new UnsupportedAlgorithmError(`DSA signatures with ${options.hash ?? ''} are not supported; use SHA1, SHA224 or SHA256.`)
      return describeSignatureAlgorithm(algorithmId(o, null))
    }
    default:
      throw new UnsupportedAlgorithmError(`cannot sign with a ${type ?? 'unknown'} key; use an RSA, EC or Ed25519 key.`)
  }
}

function algorithmId(oid: string, parameters: Buffer | null): AlgorithmIdentifier {
  return {oid, parameters, der: encodeAlgorithmIdentifier(oid, parameters)}
}

function nodeHashFor(alg: SignatureAlgorithm): string | null {
  return alg.hash === null ? null : HASHES[alg.hash].node
}

/** Sign `data` with `alg`. ECDSA and DSA signatures come out DER-encoded, as X.509 wants. */
export function signData(alg: SignatureAlgorithm, privateKey: KeyObject, data: Buffer): Buffer {
  if (alg.kind === null) throw new UnsupportedAlgorithmError(`cannot sign with ${alg.name}.`)
  try {
    switch (alg.kind) {
      case 'rsa-pss': {
        const pss = alg.pss as RsaPssParameters
        if (pss.mgf1Hash !== pss.hash) throw new UnsupportedAlgorithmError('RSA-PSS with an MGF1 hash different from the message hash is not supported.')
        return cryptoSign(HASHES[pss.hash].node, data, {key: privateKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: pss.saltLength})
      }
      case 'ecdsa':
      case 'dsa':
        return cryptoSign(nodeHashFor(alg), data, {key: privateKey, dsaEncoding: 'der'})
      default:
        return cryptoSign(nodeHashFor(alg), data, privateKey)
    }
  } catch (e) {
    if (e instanceof UnsupportedAlgorithmError) throw e
    throw new SigningError(`signing with ${alg.name} failed: ${(e as Error).message}`)
  }
}

/**
 * Check a signature. False for a wrong signature or a key of the wrong kind;
 * UnsupportedAlgorithmError for algorithms this code does not verify (MD5,
 * unknown OIDs), so callers can report them differently from forgeries.
 */
export function verifyData(alg: SignatureAlgorithm, publicKey: KeyObject, data: Buffer, signature: Buffer): boolean {
  if (alg.kind === null) throw new UnsupportedAlgorithmError(`signature algorithm ${alg.name} is not supported.`)
  const keyType = publicKey.asymmetricKeyType
  const compatible =
    alg.kind === 'rsa-pkcs1' ? keyType === 'rsa'
      : alg.kind === 'rsa-pss' ? keyType === 'rsa' || keyType === 'rsa-pss'
        : alg.kind === 'ecdsa' ? keyType === 'ec'
          : alg.kind === 'ed25519' ? keyType === 'ed25519'
            : keyType === 'dsa'
  if (!compatible) return false
  try {
    switch (alg.kind) {
      case 'rsa-pss': {
        const pss = alg.pss as RsaPssParameters
        if (pss.mgf1Hash !== pss.hash) throw new UnsupportedAlgorithmError('RSA-PSS with an MGF1 hash different from the message hash is not supported.')
        return cryptoVerify(HASHES[pss.hash].node, data, {key: publicKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: pss.saltLength}, signature)
      }
      case 'ecdsa':
      case 'dsa':
        return cryptoVerify(nodeHashFor(alg), data, {key: publicKey, dsaEncoding: 'der'}, signature)
      default:
        return cryptoVerify(nodeHashFor(alg), data, publicKey, signature)
    }
  } catch (e) {
    if (e instanceof UnsupportedAlgorithmError) throw e
    // OpenSSL refuses e.g. a hash the PSS key is restricted against: not a valid signature.
    return false
  }
}
