import {createCipheriv, createDecipheriv, randomBytes, type Cipher, type CipherGCM, type Decipher, type DecipherGCM} from 'node:crypto'
import {der} from '../pki/index.js'
import {CmsError, badDer} from './errors.js'
import {CMS_OID} from './oids.js'

/** Content encryption algorithms: AES in CBC (EnvelopedData, EncryptedData) or GCM (AuthEnvelopedData). */
export type ContentCipherName = 'aes128-cbc' | 'aes192-cbc' | 'aes256-cbc' | 'aes128-gcm' | 'aes192-gcm' | 'aes256-gcm'

interface CipherInfo {
  readonly name: ContentCipherName
  readonly oid: string
  readonly keyLength: number
  readonly gcm: boolean
}

const CIPHERS: readonly CipherInfo[] = [
  {name: 'aes128-cbc', oid: CMS_OID.aes128Cbc, keyLength: 16, gcm: false},
  {name: 'aes192-cbc', oid: CMS_OID.aes192Cbc, keyLength: 24, gcm: false},
  {name: 'aes256-cbc', oid: CMS_OID.aes256Cbc, keyLength: 32, gcm: false},
  {name: 'aes128-gcm', oid: CMS_OID.aes128Gcm, keyLength: 16, gcm: true},
  {name: 'aes192-gcm', oid: CMS_OID.aes192Gcm, keyLength: 24, gcm: true},
  {name: 'aes256-gcm', oid: CMS_OID.aes256Gcm, keyLength: 32, gcm: true},
]

export const CONTENT_CIPHER_NAMES = CIPHERS.map((c) => c.name)

export function cipherInfo(name: ContentCipherName): CipherInfo {
  return CIPHERS.find((c) => c.name === name)!
}

export function parseCipherName(text: string): ContentCipherName | null {
  const t = text.toLowerCase().replace(/_/g, '-')
  return CIPHERS.find((c) => c.name === t || c.name.replace('-cbc', '') === t)?.name ?? null
}

const GCM_TAG = 16

/** Parameters of one content encryption: algorithm, key, and IV or nonce. */
export interface ContentEncryption {
  readonly info: CipherInfo
  readonly key: Buffer
  readonly iv: Buffer
}

export function newContentEncryption(name: ContentCipherName, key?: Buffer): ContentEncryption {
  const info = cipherInfo(name)
  return {info, key: key ?? randomBytes(info.keyLength), iv: randomBytes(info.gcm ? 12 : 16)}
}

/** ContentEncryptionAlgorithmIdentifier: IV OCTET STRING for CBC, GCMParameters for GCM. */
export function encodeContentAlgorithm(enc: ContentEncryption): Buffer {
  const params = enc.info.gcm ? der.sequence(der.octetString(enc.iv), der.integer(GCM_TAG)) : der.octetString(enc.iv)
  return der.sequence(der.oid(enc.info.oid), params)
}

/** Which cipher and IV a message uses; `key` is filled in once the recipient info is opened. */
export function decodeContentAlgorithm(node: der.DerNode): {info: CipherInfo; iv: Buffer; tagLength: number} {
  const seq = new der.DerSequence(node, 'contentEncryptionAlgorithm')
  const oid = der.decodeOid(seq.next(der.Tag.OID, 'algorithm'))
  const info = CIPHERS.find((c) => c.oid === oid)
  if (!info) throw new CmsError('SEC_ERROR_INVALID_ALGORITHM', `content encryption algorithm ${oid} is not supported; AES-CBC and AES-GCM are`)
  const params = seq.any('parameters')
  if (!info.gcm) {
    if (params.tag !== der.Tag.OCTET_STRING || params.content.length !== 16) throw badDer('AES-CBC parameters must be a 16-byte IV')
    return {info, iv: params.content, tagLength: 0}
  }
  const p = new der.DerSequence(params, 'GCMParameters')
  const nonce = p.next(der.Tag.OCTET_STRING, 'aes-nonce').content
  if (nonce.length === 0) throw badDer('the AES-GCM nonce is empty')
  const icv = p.optional(der.Tag.INTEGER)
  const tagLength = icv ? der.decodeSmallInteger(icv, 'aes-ICVlen') : 12
  if (tagLength < 12 || tagLength > 16) throw badDer(`GCM tag length ${tagLength} is out of range`)
  return {info, iv: nonce, tagLength}
}

function nodeName(info: CipherInfo): string {
  return `aes-${info.keyLength * 8}-${info.gcm ? 'gcm' : 'cbc'}`
}

export function createContentCipher(enc: ContentEncryption): Cipher | CipherGCM {
  if (enc.info.gcm) return createCipheriv(nodeName(enc.info) as 'aes-128-gcm', enc.key, enc.iv, {authTagLength: GCM_TAG})
  return createCipheriv(nodeName(enc.info), enc.key, enc.iv)
}

export function createContentDecipher(info: CipherInfo, key: Buffer, iv: Buffer, tagLength: number): Decipher | DecipherGCM {
  if (key.length !== info.keyLength) throw new CmsError('SEC_ERROR_BAD_DATA', `the content key is ${key.length} bytes; ${info.name} needs ${info.keyLength}`)
  if (info.gcm) return createDecipheriv(nodeName(info) as 'aes-128-gcm', key, iv, {authTagLength: tagLength})
  return createDecipheriv(nodeName(info), key, iv)
}

export {GCM_TAG}
