import {der, type Certificate} from '../pki/index.js'
import {EOC, octetSegments, openIndefinite} from './ber_write.js'
import {createContentCipher, encodeContentAlgorithm, newContentEncryption, type ContentCipherName, type ContentEncryption} from './content_cipher.js'
import {CMS_OID} from './oids.js'
import {recipientInfo} from './recipient_info.js'
import type {CipherGCM} from 'node:crypto'

async function* encrypt(enc: ContentEncryption, content: AsyncIterable<Buffer>, onTag: (tag: Buffer) => void): AsyncGenerator<Buffer> {
  const cipher = createContentCipher(enc)
  for await (const c of content) yield cipher.update(c)
  yield cipher.final()
  if (enc.info.gcm) onTag((cipher as CipherGCM).getAuthTag())
}

/** The streamed EncryptedContentInfo: type, algorithm, then `[0] IMPLICIT` segments. */
async function* encryptedContentInfo(enc: ContentEncryption, content: AsyncIterable<Buffer>, onTag: (tag: Buffer) => void): AsyncGenerator<Buffer> {
  yield Buffer.concat([openIndefinite(0x30), der.oid(CMS_OID.data), encodeContentAlgorithm(enc), openIndefinite(0xa0)])
  yield* octetSegments(encrypt(enc, content, onTag))
  yield Buffer.concat([EOC, EOC])
}

export interface EnvelopeOptions {
  readonly recipients: readonly Certificate[]
  readonly cipher: ContentCipherName
  /** A content key chosen by the caller (-C writes the same key into an EncryptedData). */
  readonly key?: Buffer
}

/**
 * EnvelopedData (CBC) or AuthEnvelopedData (GCM, RFC 5083) to the
 * recipients, streamed: the recipient infos come first, then the encrypted
 * content as it is produced, then (GCM) the tag.
 */
export async function* envelopedData(content: AsyncIterable<Buffer>, o: EnvelopeOptions): AsyncGenerator<Buffer> {
  const enc = newContentEncryption(o.cipher, o.key)
  const infos = o.recipients.map((r) => recipientInfo(r, enc.key))
  const auth = enc.info.gcm
  const version = auth ? 0 : infos.every((i) => i.version === 0) ? 0 : 2
  yield Buffer.concat([
    openIndefinite(0x30), der.oid(auth ? CMS_OID.authEnvelopedData : CMS_OID.envelopedData), openIndefinite(0xa0), openIndefinite(0x30),
    der.integer(version), der.set(...infos.map((i) => i.der)),
  ])
  let tag: Buffer = Buffer.alloc(0)
  yield* encryptedContentInfo(enc, content, (t) => (tag = t))
  yield Buffer.concat([auth ? der.octetString(tag) : Buffer.alloc(0), EOC, EOC, EOC])
}

/** EncryptedData (cmsutil -C) under a key the caller got from an EnvelopedData. */
export async function* encryptedData(content: AsyncIterable<Buffer>, cipher: ContentCipherName, key: Buffer): AsyncGenerator<Buffer> {
  const enc = newContentEncryption(cipher, key)
  yield Buffer.concat([openIndefinite(0x30), der.oid(CMS_OID.encryptedData), openIndefinite(0xa0), openIndefinite(0x30), der.integer(0)])
  yield* encryptedContentInfo(enc, content, () => undefined)
  yield Buffer.concat([EOC, EOC, EOC])
}
