import {createHash, type DecipherGCM, type Hash} from 'node:crypto'
import {Certificate, der} from '../pki/index.js'
import {decodeAttributes, singleValue, type Attribute} from './attributes.js'
import {BerStream, type BerHeader} from './ber_stream.js'
import {createContentDecipher, decodeContentAlgorithm} from './content_cipher.js'
import {digestByOid, type DigestName} from './digests.js'
import {CmsError, badDer} from './errors.js'
import {decodeIdentifier, describeIdentifier} from './identifiers.js'
import {CMS_OID, CONTENT_TYPE_NAMES} from './oids.js'
import {recipientSlots} from './recipient_info.js'
import {verificationAlgorithm, verifyRsaDigest, verifySignature} from './signature_algorithms.js'
import type {DecodeHost, LevelReport, LevelType, SignerReport} from './types.js'

/** Receives the innermost content as it is decoded. */
export type ContentSink = (chunk: Buffer) => Promise<void> | void

/**
 * Decode a CMS message streamed from `input`: every level is parsed as it
 * arrives, content is hashed and decrypted chunk by chunk and handed to
 * `sink`, and signatures are checked when their SignerInfos arrive after
 * the content. The caller keeps what `sink` received until this resolves:
 * a failure after content was delivered means the content is not to be used.
 */
export async function decodeMessage(input: AsyncIterable<Buffer>, host: DecodeHost, sink: ContentSink): Promise<LevelReport[]> {
  const s = new BerStream(input)
  if (await s.atEnd()) throw badDer('the input is empty')
  const levels: LevelReport[] = []
  const first = await s.peekByte()
  if (first !== 0x30) throw badDer(`not a CMS message: it starts with byte 0x${first!.toString(16).padStart(2, '0')}, a ContentInfo SEQUENCE (0x30) was expected`)
  try {
    await contentInfo(s, host, sink, levels)
  } catch (e) {
    // Inner elements are read with der.ts; its DerError is malformed input like any other.
    if (e instanceof der.DerError) throw badDer(e.message)
    throw e
  }
  return levels
}

async function contentInfo(s: BerStream, host: DecodeHost, sink: ContentSink, levels: LevelReport[]): Promise<void> {
  const ci = await s.expect(0x30, 'ContentInfo')
  const {der: oidDer} = await s.next('contentType', 64)
  const type = der.decodeOid(der.parseDer(oidDer), 'contentType')
  if (!(await s.more(ci))) throw badDer('ContentInfo has no content')
  const wrapper = await s.expect(0xa0, 'ContentInfo content [0]')
  if (type === CMS_OID.data) {
    levels.push({type: 'data'})
    const h = await s.header('data content')
    if ((h.tag & 0xdf) !== 0x04) throw badDer('data content must be an OCTET STRING')
    for await (const c of s.octets(h, 'data content')) await sink(c)
  } else {
    await typed(type, s, host, sink, levels)
  }
  await s.close(wrapper, 'ContentInfo content')
  await s.close(ci, 'ContentInfo')
}

function levelType(oid: string): LevelType {
  const name = CONTENT_TYPE_NAMES[oid]
  if (name === 'signedData' || name === 'envelopedData' || name === 'authEnvelopedData' || name === 'encryptedData') return name
  throw new CmsError('SEC_ERROR_BAD_DER', `content type ${name ?? oid} is not supported here; signedData, envelopedData, authEnvelopedData, encryptedData and data are`)
}

/** The structure of a non-data content type, read from `s`. */
async function typed(oid: string, s: BerStream, host: DecodeHost, sink: ContentSink, levels: LevelReport[]): Promise<void> {
  switch (levelType(oid)) {
    case 'signedData':
      return signedData(s, host, sink, levels)
    case 'envelopedData':
      return envelopedData(s, host, sink, levels, false)
    case 'authEnvelopedData':
      return envelopedData(s, host, sink, levels, true)
    case 'encryptedData':
      return encryptedData(s, host, sink, levels)
    default:
      throw new Error('unreachable')
  }
}

/** Inner content of type `oid`: data goes to the sink, anything else is decoded as a further level. */
async function inner(oid: string, chunks: AsyncIterable<Buffer>, host: DecodeHost, sink: ContentSink, levels: LevelReport[]): Promise<void> {
  if (oid === CMS_OID.data) {
    levels.push({type: 'data'})
    for await (const c of chunks) await sink(c)
    return
  }
  const nested = new BerStream(chunks)
  await typed(oid, nested, host, sink, levels)
  if (!(await nested.atEnd())) throw badDer('trailing data after the inner content')
}

async function smallElement(s: BerStream, tag: number, what: string): Promise<der.DerNode> {
  const h = await s.expect(tag, what)
  return der.parseDer(await s.element(h, what))
}

// ------------------------------------------------------------------ SignedData

async function signedData(s: BerStream, host: DecodeHost, sink: ContentSink, levels: LevelReport[]): Promise<void> {
  const level: {type: LevelType; signers?: SignerReport[]; certificates?: Certificate[]; certsOnly?: boolean; detached?: boolean} = {type: 'signedData'}
  levels.push(level)
  const sd = await s.expect(0x30, 'SignedData')
  await smallElement(s, der.Tag.INTEGER, 'SignedData version')
  const digestSet = await smallElement(s, der.Tag.SET, 'digestAlgorithms')
  const hashes = new Map<DigestName, Hash>()
  for (const alg of der.childrenOf(digestSet)) {
    const d = digestByOid(der.decodeOid(der.childrenOf(alg)[0]!, 'digestAlgorithm'))
    if (d) hashes.set(d.name, createHash(d.node))
  }
  const hashing = async function* (chunks: AsyncIterable<Buffer>) {
    for await (const c of chunks) {
      for (const h of hashes.values()) h.update(c)
      yield c
    }
  }
  const encap = await s.expect(0x30, 'encapContentInfo')
  const eType = der.decodeOid(der.parseDer((await s.next('eContentType', 64)).der), 'eContentType')
  let hadContent = false
  if (await s.more(encap)) {
    const wrapper = await s.expect(0xa0, 'eContent [0]')
    const h = await s.header('eContent')
    if ((h.tag & 0xdf) !== 0x04) throw badDer('eContent must be an OCTET STRING')
    hadContent = true
    await inner(eType, hashing(s.octets(h, 'eContent')), host, sink, levels)
    await s.close(wrapper, 'eContent')
  }
  await s.close(encap, 'encapContentInfo')

  const certificates: Certificate[] = []
  let next = await s.header('SignedData field')
  if (next.tag === 0xa0) {
    while (await s.more(next)) {
      const {der: c} = await s.next('certificate')
      if (c[0] === 0x30) {
        try {
          certificates.push(Certificate.fromDer(c))
        } catch (e) {
          throw badDer(`a certificate in the message is malformed: ${(e as Error).message}`)
        }
      }
    }
    next = await s.header('SignedData field')
  }
  if (next.tag === 0xa1) {
    await s.skip(next, 'crls')
    next = await s.header('SignedData field')
  }
  if (next.tag !== der.Tag.SET) throw badDer(`SignedData: signerInfos SET expected, found tag 0x${next.tag.toString(16)} at byte ${next.start}`)
  const signerNodes = der.childrenOf(der.parseDer(await s.element(next, 'signerInfos')))
  await s.close(sd, 'SignedData')
  level.certificates = certificates

  if (!hadContent) {
    if (signerNodes.length === 0) {
      level.certsOnly = true
    } else if (host.detachedContent) {
      level.detached = true
      await inner(eType, hashing(host.detachedContent()), host, sink, levels)
    } else {
      throw new CmsError('SEC_ERROR_PKCS7_BAD_SIGNATURE', 'the signature is detached; give the signed content with -c FILE')
    }
  }
  const digests = new Map<DigestName, Buffer>()
  for (const [name, h] of hashes) digests.set(name, h.digest())
  level.signers = signerNodes.map((n) => verifySigner(n, eType, digests, certificates, host))
}

function verifySigner(node: der.DerNode, eType: string, digests: Map<DigestName, Buffer>, certificates: Certificate[], host: DecodeHost): SignerReport {
  const seq = new der.DerSequence(node, 'SignerInfo')
  seq.next(der.Tag.INTEGER, 'version')
  const identifier = decodeIdentifier(seq.any('sid'))
  const digestAlg = seq.next(der.Tag.SEQUENCE, 'digestAlgorithm')
  const digestOid = der.decodeOid(der.childrenOf(digestAlg)[0]!, 'digestAlgorithm')
  const signedAttrs = seq.optional(0xa0)
  const sigAlg = new der.DerSequence(seq.next(der.Tag.SEQUENCE, 'signatureAlgorithm'), 'signatureAlgorithm')
  const sigOid = der.decodeOid(sigAlg.next(der.Tag.OID, 'algorithm'))
  const sigParams = sigAlg.done ? null : sigAlg.any('parameters').raw
  const signature = seq.next(der.Tag.OCTET_STRING, 'signature').content
  const attrs: Attribute[] = signedAttrs ? decodeAttributes(signedAttrs) : []
  const timeNode = singleValue(attrs, CMS_OID.signingTime, 'signingTime')
  const digest = digestByOid(digestOid)
  const base = {
    identifier,
    digestAlgorithm: digest?.name ?? digestOid,
    signatureAlgorithm: sigOid,
    signingTime: timeNode ? der.decodeTime(timeNode) : null,
  }
  const report = (status: SignerReport['status'], certificate: Certificate | null, error: SignerReport['error'], detail: string | null): SignerReport => ({...base, status, certificate, error, detail})

  const cert = host.findCertificate(identifier, certificates)
  if (!cert) return report('SigningCertNotFound', null, 'SEC_ERROR_UNKNOWN_CERT', `no certificate for the signer (${describeIdentifier(identifier)}) in the message or the store`)
  // NSS checks the certificate before the signature, and reports that first.
  const verdict = host.verifyCertificate(cert, certificates)
  if (verdict) return report('SigningCertNotTrusted', cert, verdict.error, verdict.detail)
  if (!digest) return report('SignatureAlgorithmUnknown', cert, 'SEC_ERROR_INVALID_ALGORITHM', `digest algorithm ${digestOid}`)
  const value = digests.get(digest.name)
  if (!value) return report('ProcessingError', cert, 'SEC_ERROR_PKCS7_BAD_SIGNATURE', `the signer's digest ${digest.name} is not among the message's digest algorithms`)
  const alg = verificationAlgorithm(sigOid, sigParams, digest.name)
  const publicKey = cert.publicKey
  if (!alg || !publicKey) return report('SignatureAlgorithmUnknown', cert, 'SEC_ERROR_INVALID_ALGORITHM', `signature algorithm ${sigOid}`)

  if (!signedAttrs) {
    if (alg.kind !== 'rsa-pkcs1') return report('SignatureAlgorithmUnsupported', cert, 'SEC_ERROR_INVALID_ALGORITHM', 'a signature without signed attributes is checked for RSA only')
    return verifyRsaDigest(publicKey, digest.name, value, signature)
      ? report('GoodSignature', cert, null, null)
      : report('BadSignature', cert, 'SEC_ERROR_PKCS7_BAD_SIGNATURE', 'the signature does not match the content')
  }
  let md: der.DerNode | null
  let ct: der.DerNode | null
  try {
    md = singleValue(attrs, CMS_OID.messageDigest, 'messageDigest')
    ct = singleValue(attrs, CMS_OID.contentType, 'contentType')
  } catch (e) {
    return report('MalformedSignature', cert, 'SEC_ERROR_PKCS7_BAD_SIGNATURE', (e as Error).message)
  }
  if (!md || md.tag !== der.Tag.OCTET_STRING || !ct || ct.tag !== der.Tag.OID) {
    return report('MalformedSignature', cert, 'SEC_ERROR_PKCS7_BAD_SIGNATURE', 'signed attributes lack contentType or messageDigest')
  }
  if (der.decodeOid(ct) !== eType) return report('MalformedSignature', cert, 'SEC_ERROR_PKCS7_BAD_SIGNATURE', 'the signed contentType differs from the content')
  if (!md.content.equals(value)) return report('DigestMismatch', cert, 'SEC_ERROR_PKCS7_BAD_SIGNATURE', 'the content does not match the signed digest (it was changed after signing)')
  // The signature covers the attributes as a SET: the [0] tag replaced by SET OF's.
  const signed = Buffer.concat([Buffer.from([der.Tag.SET]), signedAttrs.raw.subarray(1)])
  let ok: boolean
  try {
    ok = verifySignature(alg, publicKey, signed, signature)
  } catch (e) {
    return report('SignatureAlgorithmUnsupported', cert, 'SEC_ERROR_INVALID_ALGORITHM', (e as Error).message)
  }
  return ok ? report('GoodSignature', cert, null, null) : report('BadSignature', cert, 'SEC_ERROR_PKCS7_BAD_SIGNATURE', 'the signature does not verify with the signer\'s key')
}

// ------------------------------------------------------------- EnvelopedData

async function decrypting(chunks: AsyncIterable<Buffer>, decipher: ReturnType<typeof createContentDecipher>, gcm: boolean): Promise<AsyncGenerator<Buffer>> {
  return (async function* () {
    for await (const c of chunks) {
      const out = decipher.update(c)
      if (out.length > 0) yield out
    }
    if (gcm) return // GCM finishes once the tag, which follows the content, is read.
    let last: Buffer
    try {
      last = decipher.final()
    } catch {
      throw new CmsError('SEC_ERROR_BAD_DATA', 'the content does not decrypt (bad padding: wrong key or damaged message)')
    }
    if (last.length > 0) yield last
  })()
}

async function encryptedContent(
  s: BerStream, host: DecodeHost, sink: ContentSink, levels: LevelReport[], key: () => Promise<Buffer>, level: {cipher?: string},
): Promise<{finish: (tag: Buffer | null) => void}> {
  const eci = await s.expect(0x30, 'EncryptedContentInfo')
  const cType = der.decodeOid(der.parseDer((await s.next('contentType', 64)).der), 'contentType')
  const alg = decodeContentAlgorithm(der.parseDer((await s.next('contentEncryptionAlgorithm', 4096)).der))
  level.cipher = alg.info.name
  const cek = await key()
  const decipher = createContentDecipher(alg.info, cek, alg.iv, alg.tagLength)
  if (await s.more(eci)) {
    const h = await s.header('encryptedContent')
    if (h.tag !== 0x80 && h.tag !== 0xa0) throw badDer(`encryptedContent [0] expected, found tag 0x${h.tag.toString(16)}`)
    await inner(cType, await decrypting(s.octets(h, 'encryptedContent'), decipher, alg.info.gcm), host, sink, levels)
  } else {
    throw badDer('the encrypted content is missing (detached encrypted content is not supported)')
  }
  await s.close(eci, 'EncryptedContentInfo')
  return {
    finish: (tag) => {
      if (!alg.info.gcm) return
      if (!tag) throw badDer('AuthEnvelopedData has no mac')
      try {
        ;(decipher as DecipherGCM).setAuthTag(tag)
        decipher.final()
      } catch {
        throw new CmsError('SEC_ERROR_BAD_DATA', 'the authentication tag does not match: the message was changed or the key is wrong')
      }
    },
  }
}

async function envelopedData(s: BerStream, host: DecodeHost, sink: ContentSink, levels: LevelReport[], auth: boolean): Promise<void> {
  const level: {type: LevelType; cipher?: string; recipients?: number; recipient?: Certificate} = {type: auth ? 'authEnvelopedData' : 'envelopedData'}
  levels.push(level)
  const ed = await s.expect(0x30, auth ? 'AuthEnvelopedData' : 'EnvelopedData')
  await smallElement(s, der.Tag.INTEGER, 'version')
  let h: BerHeader = await s.header('recipientInfos')
  if (h.tag === 0xa0) {
    await s.skip(h, 'originatorInfo')
    h = await s.header('recipientInfos')
  }
  if (h.tag !== der.Tag.SET) throw badDer(`recipientInfos SET expected, found tag 0x${h.tag.toString(16)} at byte ${h.start}`)
  const slots = recipientSlots(der.parseDer(await s.element(h, 'recipientInfos')))
  level.recipients = slots.length
  const key = async (): Promise<Buffer> => {
    for (const slot of slots) {
      const found = await host.recipientKey(slot.id)
      if (!found) continue
      level.recipient = found.certificate
      let cek: Buffer
      try {
        cek = slot.open(found.privateKey, level.cipher === undefined ? 16 : Number(/aes(\d+)/.exec(level.cipher)![1]) / 8)
      } catch (e) {
        if (e instanceof CmsError) throw e
        // node:crypto refuses an encrypted key that cannot be one for this key (wrong length, over the modulus).
        throw new CmsError('SEC_ERROR_BAD_DATA', `the encrypted content key does not decrypt with the recipient's private key (${(e as Error).message})`)
      }
      host.onContentKey?.(cek)
      return cek
    }
    throw new CmsError('SEC_ERROR_NOT_A_RECIPIENT', `none of the ${slots.length} recipient(s) has a certificate with a private key in this store`)
  }
  const done = await encryptedContent(s, host, sink, levels, key, level)
  let mac: Buffer | null = null
  while (await s.more(ed)) {
    const f = await s.header('EnvelopedData field')
    if (auth && f.tag === der.Tag.OCTET_STRING) mac = der.parseDer(await s.element(f, 'mac')).content
    else await s.skip(f, 'attributes')
  }
  done.finish(mac)
}

async function encryptedData(s: BerStream, host: DecodeHost, sink: ContentSink, levels: LevelReport[]): Promise<void> {
  const level: {type: LevelType; cipher?: string} = {type: 'encryptedData'}
  levels.push(level)
  const ed = await s.expect(0x30, 'EncryptedData')
  await smallElement(s, der.Tag.INTEGER, 'version')
  const key = async (): Promise<Buffer> => {
    if (!host.bulkKey) throw new CmsError('SEC_ERROR_NOT_A_RECIPIENT', 'EncryptedData needs its key: give the enveloped data that carries it with -e FILE')
    return host.bulkKey()
  }
  const done = await encryptedContent(s, host, sink, levels, key, level)
  while (await s.more(ed)) await s.skip(await s.header('unprotectedAttrs'), 'unprotectedAttrs')
  done.finish(null)
}
