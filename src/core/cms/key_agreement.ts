import {createCipheriv, createDecipheriv, createHash, createPublicKey, diffieHellman, generateKeyPairSync, type KeyObject} from 'node:crypto'
import {der, type Certificate} from '../pki/index.js'
import {CmsError, badDer} from './errors.js'
import {encodeIdentifier, identifierOf} from './identifiers.js'
import {CMS_OID} from './oids.js'

/** ECDH single-pass schemes (RFC 5753) and the X9.63 KDF hash each implies. */
const KDF_HASH: Record<string, string> = {
  [CMS_OID.dhSinglePassSha1]: 'sha1', [CMS_OID.dhSinglePassSha224]: 'sha224', [CMS_OID.dhSinglePassSha256]: 'sha256',
  [CMS_OID.dhSinglePassSha384]: 'sha384', [CMS_OID.dhSinglePassSha512]: 'sha512',
  // Cofactor variants equal the standard ones on the NIST prime curves (cofactor 1).
  [CMS_OID.dhCofactorSha1]: 'sha1', [CMS_OID.dhCofactorSha224]: 'sha224', [CMS_OID.dhCofactorSha256]: 'sha256',
  [CMS_OID.dhCofactorSha384]: 'sha384', [CMS_OID.dhCofactorSha512]: 'sha512',
}

const WRAP: Record<string, {node: string; keyLength: number}> = {
  [CMS_OID.aes128Wrap]: {node: 'id-aes128-wrap', keyLength: 16},
  [CMS_OID.aes192Wrap]: {node: 'id-aes192-wrap', keyLength: 24},
  [CMS_OID.aes256Wrap]: {node: 'id-aes256-wrap', keyLength: 32},
}
const WRAP_FOR_LENGTH: Record<number, string> = {16: CMS_OID.aes128Wrap, 24: CMS_OID.aes192Wrap, 32: CMS_OID.aes256Wrap}
const WRAP_IV = Buffer.from('a6a6a6a6a6a6a6a6', 'hex')

const CURVE_OIDS: Record<string, string> = {prime256v1: '1.2.840.10045.3.1.7', secp384r1: '1.3.132.0.34', secp521r1: '1.3.132.0.35'}

/** ANSI X9.63 KDF: hash(Z || counter || SharedInfo) blocks until `length` bytes. */
function x963Kdf(hash: string, z: Buffer, sharedInfo: Buffer, length: number): Buffer {
  const out: Buffer[] = []
  let total = 0
  for (let counter = 1; total < length; counter++) {
    const c = Buffer.alloc(4)
    c.writeUInt32BE(counter)
    const block = createHash(hash).update(z).update(c).update(sharedInfo).digest()
    out.push(block)
    total += block.length
  }
  return Buffer.concat(out).subarray(0, length)
}

/** ECC-CMS-SharedInfo: the wrap algorithm, the optional ukm, and the KEK length in bits. */
function sharedInfo(wrapOid: string, ukm: Buffer | null, keyLength: number): Buffer {
  const bits = Buffer.alloc(4)
  bits.writeUInt32BE(keyLength * 8)
  return der.sequence(der.sequence(der.oid(wrapOid)), ...(ukm ? [der.explicit(0, der.octetString(ukm))] : []), der.explicit(2, der.octetString(bits)))
}

function curveOidOf(key: KeyObject): string {
  const name = key.asymmetricKeyDetails?.namedCurve ?? ''
  const oid = CURVE_OIDS[name]
  if (!oid) throw new CmsError('SEC_ERROR_INVALID_ALGORITHM', `EC curve ${name || 'unknown'} is not supported for key agreement`)
  return oid
}

function pointOf(publicKey: KeyObject): Buffer {
  const spki = der.parseDer(publicKey.export({format: 'der', type: 'spki'}))
  return der.childrenOf(spki)[1]!.content.subarray(1)
}

/**
 * KeyAgreeRecipientInfo for an EC recipient: an ephemeral key on the
 * recipient's curve, dhSinglePass-stdDH-sha256kdf, AES key wrap sized to the
 * content key (as OpenSSL chooses).
 */
export function keyAgreeRecipientInfo(cert: Certificate, cek: Buffer): Buffer {
  const recipientKey = cert.publicKey
  if (!recipientKey || recipientKey.asymmetricKeyType !== 'ec') throw new CmsError('SEC_ERROR_INVALID_ALGORITHM', 'key agreement needs an EC recipient key')
  const curve = recipientKey.asymmetricKeyDetails!.namedCurve!
  const eph = generateKeyPairSync('ec', {namedCurve: curve})
  const z = diffieHellman({privateKey: eph.privateKey, publicKey: recipientKey})
  const wrapOid = WRAP_FOR_LENGTH[cek.length]!
  const wrap = WRAP[wrapOid]!
  const kek = x963Kdf('sha256', z, sharedInfo(wrapOid, null, wrap.keyLength), wrap.keyLength)
  const cipher = createCipheriv(wrap.node, kek, WRAP_IV)
  const wrapped = Buffer.concat([cipher.update(cek), cipher.final()])
  const originatorKey = der.implicit(1, Buffer.concat([der.sequence(der.oid(CMS_OID.ecPublicKey)), der.bitString(pointOf(eph.publicKey))]), true)
  return der.implicit(1, Buffer.concat([
    der.integer(3),
    der.explicit(0, originatorKey),
    der.sequence(der.oid(CMS_OID.dhSinglePassSha256), der.sequence(der.oid(wrapOid))),
    der.sequence(der.sequence(encodeIdentifier(identifierOf(cert, 'issuerSerial')), der.octetString(wrapped))),
  ]), true)
}

/** The parts of a KeyAgreeRecipientInfo needed to derive the key-encryption key. */
export interface KeyAgreement {
  readonly originatorPoint: Buffer | null
  readonly ukm: Buffer | null
  readonly schemeOid: string
  readonly wrapOid: string
}

export function decodeKeyAgreement(originator: der.DerNode, ukm: der.DerNode | null, algorithm: der.DerNode): KeyAgreement {
  const choice = der.childrenOf(originator)[0]
  let originatorPoint: Buffer | null = null
  if (choice && choice.tag === 0xa1) {
    const parts = der.childrenOf(choice)
    const bits = parts[1]
    if (!bits || bits.tag !== der.Tag.BIT_STRING) throw badDer('originatorKey has no public key')
    originatorPoint = bits.content.subarray(1)
  }
  const alg = new der.DerSequence(algorithm, 'keyEncryptionAlgorithm')
  const schemeOid = der.decodeOid(alg.next(der.Tag.OID, 'algorithm'))
  const wrapAlg = new der.DerSequence(alg.next(der.Tag.SEQUENCE, 'KeyWrapAlgorithm'), 'KeyWrapAlgorithm')
  const wrapOid = der.decodeOid(wrapAlg.next(der.Tag.OID, 'algorithm'))
  const ukmValue = ukm ? der.childrenOf(ukm)[0]?.content ?? null : null
  return {originatorPoint, ukm: ukmValue, schemeOid, wrapOid}
}

/** Unwrap the content key with our EC private key. */
export function openKeyAgreement(privateKey: KeyObject, ka: KeyAgreement, encryptedKey: Buffer): Buffer {
  const hash = KDF_HASH[ka.schemeOid]
  const wrap = WRAP[ka.wrapOid]
  if (!hash || !wrap) throw new CmsError('SEC_ERROR_INVALID_ALGORITHM', `key agreement ${ka.schemeOid} with ${ka.wrapOid} is not supported`)
  if (!ka.originatorPoint) throw new CmsError('SEC_ERROR_INVALID_ALGORITHM', 'only ephemeral originator keys are supported')
  const spki = der.sequence(der.sequence(der.oid(CMS_OID.ecPublicKey), der.oid(curveOidOf(privateKey))), der.bitString(ka.originatorPoint))
  let z: Buffer
  try {
    z = diffieHellman({privateKey, publicKey: createPublicKey({key: spki, format: 'der', type: 'spki'})})
  } catch (e) {
    throw badDer(`the originator's public key is not on our curve: ${(e as Error).message}`)
  }
  const kek = x963Kdf(hash, z, sharedInfo(ka.wrapOid, ka.ukm, wrap.keyLength), wrap.keyLength)
  try {
    const d = createDecipheriv(wrap.node, kek, WRAP_IV)
    return Buffer.concat([d.update(encryptedKey), d.final()])
  } catch {
    throw new CmsError('SEC_ERROR_BAD_DATA', 'the wrapped content key does not unwrap with our key (integrity check failed)')
  }
}
