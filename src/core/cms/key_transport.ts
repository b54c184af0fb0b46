import {constants, privateDecrypt, publicEncrypt, randomBytes, type KeyObject} from 'node:crypto'
import {der, type Certificate} from '../pki/index.js'
import {CmsError, badDer} from './errors.js'
import {digestByOid} from './digests.js'
import {encodeIdentifier, identifierOf} from './identifiers.js'
import {CMS_OID} from './oids.js'

/** KeyTransRecipientInfo for an RSA recipient: version 0, issuer and serial, rsaEncryption (PKCS #1 v1.5), as NSS writes. */
export function keyTransRecipientInfo(cert: Certificate, cek: Buffer): Buffer {
  const key = cert.publicKey
  if (!key) throw new CmsError('SEC_ERROR_INVALID_ALGORITHM', 'the recipient certificate has no usable public key')
  const encrypted = publicEncrypt({key, padding: constants.RSA_PKCS1_PADDING}, cek)
  return der.sequence(der.integer(0), encodeIdentifier(identifierOf(cert, 'issuerSerial')), der.sequence(der.oid(CMS_OID.rsaEncryption), der.nullValue()), der.octetString(encrypted))
}

/**
 * Recover the content key. PKCS #1 v1.5 is unpadded here because Node
 * refuses that padding for private decryption; a bad padding yields a
 * random key of the expected length rather than an error, so a padding
 * oracle learns nothing (the content then fails to decrypt).
 */
export function openKeyTransport(privateKey: KeyObject, algorithm: der.DerNode, encryptedKey: Buffer, keyLength: number): Buffer {
  const seq = new der.DerSequence(algorithm, 'keyEncryptionAlgorithm')
  const oid = der.decodeOid(seq.next(der.Tag.OID, 'algorithm'))
  if (oid === CMS_OID.rsaesOaep) return privateDecrypt({key: privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: oaepHash(seq.done ? null : seq.any('parameters'))}, encryptedKey)
  if (oid !== CMS_OID.rsaEncryption) throw new CmsError('SEC_ERROR_INVALID_ALGORITHM', `key transport algorithm ${oid} is not supported`)
  const em = privateDecrypt({key: privateKey, padding: constants.RSA_NO_PADDING}, encryptedKey)
  return unpadPkcs1Type2(em, keyLength)
}

function unpadPkcs1Type2(em: Buffer, keyLength: number): Buffer {
  const fallback = randomBytes(keyLength)
  let sep = -1
  for (let i = 2; i < em.length; i++) {
    if (em[i] === 0 && sep < 0) sep = i
  }
  const ok = em[0] === 0 && em[1] === 2 && sep >= 10 && em.length - sep - 1 === keyLength
  return ok ? em.subarray(sep + 1) : fallback
}

function oaepHash(params: der.DerNode | null): string {
  if (!params || params.tag !== der.Tag.SEQUENCE) return 'sha1'
  for (const p of der.childrenOf(params)) {
    if (p.tag === 0xa0) {
      const alg = der.childrenOf(p)[0]
      if (!alg) throw badDer('RSAES-OAEP hashAlgorithm is empty')
      const d = digestByOid(der.decodeOid(der.childrenOf(alg)[0]!))
      if (!d) throw new CmsError('SEC_ERROR_INVALID_ALGORITHM', 'unsupported RSAES-OAEP hash')
      return d.node
    }
  }
  return 'sha1'
}
