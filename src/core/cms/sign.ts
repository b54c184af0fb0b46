import {createHash, type KeyObject} from 'node:crypto'
import {der, type Certificate} from '../pki/index.js'
import {encodeSignedAttributes} from './attributes.js'
import {EOC, octetSegments, openIndefinite} from './ber_write.js'
import {digestInfo, encodeDigestAlgorithm, type DigestName} from './digests.js'
import {encodeIdentifier, identifierOf} from './identifiers.js'
import {CMS_OID} from './oids.js'
import {signAttributes, signerAlgorithm} from './signature_algorithms.js'

export interface SignOptions {
  readonly signerCertificate: Certificate
  readonly privateKey: KeyObject
  /** Certificates to include (the signer's chain without its root). */
  readonly certificates: readonly Certificate[]
  readonly digest: DigestName
  /** -T: the content is not included. */
  readonly detached: boolean
  /** -G */
  readonly signingTime?: Date
  /** -P */
  readonly smimeCapabilities?: boolean
  /** -Y; undefined = the signer's certificate, null = NONE. */
  readonly encryptionKeyPreference?: Certificate | null
  /** -Z: identify the signer by subject key identifier. */
  readonly subjectKeyId?: boolean
}

/**
 * SignedData over streamed content. Attached, the message is written as
 * NSS writes it: indefinite-length BER with the content as OCTET STRING
 * segments, so it streams out while the digest is computed, and the
 * SignerInfo follows the content. Detached, the content is only hashed and
 * the (small) message is DER.
 */
export async function* signedData(content: AsyncIterable<Buffer>, o: SignOptions): AsyncGenerator<Buffer> {
  const hash = createHash(digestInfo(o.digest).node)
  const hashed = (async function* () {
    for await (const c of content) {
      hash.update(c)
      yield c
    }
  })()
  const version = der.integer(o.subjectKeyId ? 3 : 1)
  const digestAlgorithms = der.set(encodeDigestAlgorithm(o.digest))
  const certificates = () => der.implicit(0, Buffer.concat(o.certificates.map((c) => c.der)), true)
  const signerInfos = () => der.set(signerInfo(o, hash.digest()))

  if (o.detached) {
    for await (const _ of hashed);
    const sd = der.sequence(version, digestAlgorithms, der.sequence(der.oid(CMS_OID.data)), certificates(), signerInfos())
    yield der.sequence(der.oid(CMS_OID.signedData), der.explicit(0, sd))
    return
  }
  yield Buffer.concat([
    openIndefinite(0x30), der.oid(CMS_OID.signedData), openIndefinite(0xa0), openIndefinite(0x30), version, digestAlgorithms,
    openIndefinite(0x30), der.oid(CMS_OID.data), openIndefinite(0xa0), openIndefinite(0x24),
  ])
  yield* octetSegments(hashed)
  yield Buffer.concat([EOC, EOC, EOC, certificates(), signerInfos(), EOC, EOC, EOC])
}

function signerInfo(o: SignOptions, digest: Buffer): Buffer {
  const attrs = encodeSignedAttributes({
    contentType: CMS_OID.data,
    digest,
    signingTime: o.signingTime,
    smimeCapabilities: o.smimeCapabilities,
    encryptionKeyPreference: o.encryptionKeyPreference === undefined ? o.signerCertificate : o.encryptionKeyPreference,
  })
  const attrContent = Buffer.concat(attrs)
  const alg = signerAlgorithm(o.privateKey, o.digest)
  const signature = signAttributes(alg, o.privateKey, der.tlv(der.Tag.SET, attrContent))
  const sid = identifierOf(o.signerCertificate, o.subjectKeyId ? 'subjectKeyId' : 'issuerSerial')
  return der.sequence(
    der.integer(o.subjectKeyId ? 3 : 1),
    encodeIdentifier(sid),
    encodeDigestAlgorithm(o.digest),
    der.implicit(0, attrContent, true),
    alg.identifier,
    der.octetString(signature),
  )
}

/** certs-only SignedData (cmsutil -O): no content, no signers. */
export function certsOnly(certificates: readonly Certificate[]): Buffer {
  const sd = der.sequence(der.integer(1), der.set(), der.sequence(der.oid(CMS_OID.data)), der.implicit(0, Buffer.concat(certificates.map((c) => c.der)), true), der.set())
  return der.sequence(der.oid(CMS_OID.signedData), der.explicit(0, sd))
}
