import type {KeyObject} from 'node:crypto'
import {der, type Certificate} from '../pki/index.js'
import {CmsError} from './errors.js'
import {decodeIdentifier, type CertIdentifier} from './identifiers.js'
import {decodeKeyAgreement, keyAgreeRecipientInfo, openKeyAgreement} from './key_agreement.js'
import {keyTransRecipientInfo, openKeyTransport} from './key_transport.js'

/** A RecipientInfo for this certificate: RSA key transport, or ECDH key agreement for an EC key. */
export function recipientInfo(cert: Certificate, cek: Buffer): {der: Buffer; version: number} {
  const type = cert.publicKey?.asymmetricKeyType
  if (type === 'rsa') return {der: keyTransRecipientInfo(cert, cek), version: 0}
  if (type === 'ec') return {der: keyAgreeRecipientInfo(cert, cek), version: 3}
  throw new CmsError('SEC_ERROR_INVALID_ALGORITHM', `cannot encrypt to a ${type ?? 'unknown'} key; recipients need RSA or EC keys`)
}

/** One way to recover the content key: whose key it needs, and how. */
export interface RecipientSlot {
  readonly id: CertIdentifier
  readonly kind: 'keyTransport' | 'keyAgreement'
  open(privateKey: KeyObject, keyLength: number): Buffer
}

/** Every key slot of a RecipientInfos SET; kinds we cannot use (KEK, password) are skipped. */
export function recipientSlots(set: der.DerNode): RecipientSlot[] {
  const slots: RecipientSlot[] = []
  for (const ri of der.childrenOf(set)) {
    if (ri.tag === der.Tag.SEQUENCE) {
      const seq = new der.DerSequence(ri, 'KeyTransRecipientInfo')
      seq.next(der.Tag.INTEGER, 'version')
      const id = decodeIdentifier(seq.any('rid'))
      const alg = seq.next(der.Tag.SEQUENCE, 'keyEncryptionAlgorithm')
      const ek = seq.next(der.Tag.OCTET_STRING, 'encryptedKey').content
      slots.push({id, kind: 'keyTransport', open: (key, n) => openKeyTransport(key, alg, ek, n)})
    } else if (ri.tag === 0xa1) {
      const seq = new der.DerSequence(ri, 'KeyAgreeRecipientInfo', 0xa1)
      seq.next(der.Tag.INTEGER, 'version')
      const originator = seq.next(0xa0, 'originator')
      const ukm = seq.optional(0xa1)
      const ka = decodeKeyAgreement(originator, ukm, seq.next(der.Tag.SEQUENCE, 'keyEncryptionAlgorithm'))
      for (const rek of der.childrenOf(seq.next(der.Tag.SEQUENCE, 'recipientEncryptedKeys'))) {
        const r = new der.DerSequence(rek, 'RecipientEncryptedKey')
        const id = decodeIdentifier(r.any('rid'))
        const ek = r.next(der.Tag.OCTET_STRING, 'encryptedKey').content
        slots.push({id, kind: 'keyAgreement', open: (key) => openKeyAgreement(key, ka, ek)})
      }
    }
  }
  return slots
}
