/**
 * SubjectPublicKeyInfo (RFC 5280 §4.1.2.7) decoded into the fields the
 * certutil listings print, plus NSS's key id (CKA_ID).
 *
 * Key id: NSS labels a key pair with the SHA-1 of its public value: the RSA
 * modulus (unsigned big-endian, no leading zero), the EC public point as
 * encoded in the certificate, the DSA public value y, and here the raw
 * Ed25519 key. Checked against `certutil -K` of NSS 3.87 for RSA, RSA-PSS
 * and EC keys; NSS 3.87 has no Ed25519.
 */
import {createHash, createPublicKey, type KeyObject} from 'node:crypto'
import {
  decodeAlgorithmIdentifier, decodeRsaPssParameters, curveByOid, curveDisplayName, publicKeyAlgorithmName, OID,
  type AlgorithmIdentifier, type CurveName, type RsaPssParameters,
} from './algorithms.js'
import {DerError, DerSequence, Tag, childrenOf, decodeBitString, decodeInteger, decodeOidContent, parseDer, unsignedBytes, type DerNode} from './der.js'

export type PublicKeyType = 'rsa' | 'rsa-pss' | 'ec' | 'ed25519' | 'dsa' | 'unknown'

export interface RsaPublicKey {
  /** Unsigned big-endian, no leading zero octet. */
  readonly modulus: Buffer
  readonly exponent: bigint
}

export interface EcPublicKey {
  /** Named curve OID; null when the parameters are explicit or implicit. */
  readonly curveOid: string | null
  readonly curve: CurveName | null
  /** NSS description of the curve (or its OID). */
  readonly curveDisplayName: string
  /** The public point as carried in the BIT STRING (usually 04 || X || Y). */
  readonly point: Buffer
}

export interface DsaPublicKey {
  readonly p: Buffer
  readonly q: Buffer
  readonly g: Buffer
  readonly y: Buffer
}

export interface SubjectPublicKeyInfo {
  readonly der: Buffer
  readonly algorithm: AlgorithmIdentifier
  readonly type: PublicKeyType
  /** NSS display name of the algorithm. */
  readonly algorithmName: string
  /** Contents of the subjectPublicKey BIT STRING. */
  readonly subjectPublicKey: Buffer
  /** Key size in bits (RSA/DSA modulus, EC field size, 256 for Ed25519). */
  readonly bits: number
  readonly rsa: RsaPublicKey | null
  /** Restrictions of an RSA-PSS key; null when the key carries none. */
  readonly rsaPss: RsaPssParameters | null
  readonly ec: EcPublicKey | null
  readonly ed25519: Buffer | null
  readonly dsa: DsaPublicKey | null
  /** NSS CKA_ID: SHA-1 of the public value (see the module comment). */
  readonly keyId: Buffer
}

const EC_FIELD_BITS: Record<string, number> = {
  '1.2.840.10045.3.1.1': 192, '1.3.132.0.33': 224, [OID.prime256v1]: 256, [OID.secp384r1]: 384, [OID.secp521r1]: 521, '1.3.132.0.10': 256,
}

function bitLength(magnitude: Buffer): number {
  if (magnitude.length === 0 || (magnitude.length === 1 && magnitude[0] === 0)) return 0
  return (magnitude.length - 1) * 8 + (32 - Math.clz32(magnitude[0] as number))
}

function sha1(data: Buffer): Buffer {
  return createHash('sha1').update(data).digest()
}

/** Decode a SubjectPublicKeyInfo; throws DerError when it is malformed. */
export function parseSubjectPublicKeyInfo(input: Buffer | DerNode): SubjectPublicKeyInfo {
  const node = Buffer.isBuffer(input) ? parseDer(input) : input
  const seq = new DerSequence(node, 'SubjectPublicKeyInfo')
  const algorithm = decodeAlgorithmIdentifier(seq.next(Tag.SEQUENCE, 'algorithm'), 'SubjectPublicKeyInfo algorithm')
  const keyBits = decodeBitString(seq.next(Tag.BIT_STRING, 'subjectPublicKey'), 'subjectPublicKey')
  seq.end()
  const key = keyBits.bytes
  const base = {der: node.raw, algorithm, algorithmName: publicKeyAlgorithmName(algorithm.oid), subjectPublicKey: key}
  const none = {rsa: null, rsaPss: null, ec: null, ed25519: null, dsa: null}

  switch (algorithm.oid) {
    case OID.rsaEncryption:
    case OID.rsassaPss: {
      const rsaSeq = new DerSequence(parseDer(key, node.offset), 'RSAPublicKey')
      const modulus = unsignedBytes(seq2int(rsaSeq.next(Tag.INTEGER, 'modulus')))
      const exponent = decodeInteger(rsaSeq.next(Tag.INTEGER, 'publicExponent'), 'RSA public exponent')
      rsaSeq.end()
      const isPss = algorithm.oid === OID.rsassaPss
      const hasParams = isPss && algorithm.parameters !== null && !(algorithm.parameters.length === 2 && algorithm.parameters[0] === Tag.NULL)
      return {
        ...base, ...none, type: isPss ? 'rsa-pss' : 'rsa', bits: bitLength(modulus),
        rsa: {modulus, exponent}, rsaPss: hasParams ? decodeRsaPssParameters(algorithm.parameters) : null, keyId: sha1(modulus),
      }
    }
    case OID.ecPublicKey: {
      let curveOid: string | null = null
      if (algorithm.parameters !== null) {
        const p = parseDer(algorithm.parameters)
        if (p.tag === Tag.OID) curveOid = decodeOidContent(p.content, p.offset)
      }
      const info = curveOid === null ? undefined : curveByOid(curveOid)
      const ec: EcPublicKey = {curveOid, curve: info?.name ?? null, curveDisplayName: curveOid === null ? 'explicit or implicit curve parameters' : curveDisplayName(curveOid), point: key}
      const bits = curveOid === null ? 0 : EC_FIELD_BITS[curveOid] ?? 0
      return {...base, ...none, type: 'ec', bits, ec, keyId: sha1(key)}
    }
    case OID.ed25519: {
      if (key.length !== 32) throw new DerError(`Ed25519 public key must be 32 bytes, found ${key.length}`, node.offset)
      return {...base, ...none, type: 'ed25519', bits: 256, ed25519: key, keyId: sha1(key)}
    }
    case OID.dsa: {
      const y = unsignedBytes(seq2int(parseDer(key, node.offset)))
      let dsa: DsaPublicKey | null = null
      if (algorithm.parameters !== null) {
        const [p, q, g] = childrenOf(parseDer(algorithm.parameters)).map((n) => unsignedBytes(seq2int(n)))
        if (p !== undefined && q !== undefined && g !== undefined) dsa = {p, q, g, y}
      }
      return {...base, ...none, type: 'dsa', bits: dsa === null ? 0 : bitLength(dsa.p), dsa, keyId: sha1(y)}
    }
    default:
      return {...base, ...none, type: 'unknown', bits: 0, keyId: sha1(key)}
  }
}

/** Content bytes of an INTEGER element (validated). */
function seq2int(node: DerNode): Buffer {
  decodeInteger(node)
  return node.content
}

/** The node:crypto key for an SPKI, or null when OpenSSL cannot load it (unknown algorithm). */
export function publicKeyFromSpki(der: Buffer): KeyObject | null {
  try {
    return createPublicKey({key: der, format: 'der', type: 'spki'})
  } catch {
    return null
  }
}
