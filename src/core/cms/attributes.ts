import {der, type Certificate} from '../pki/index.js'
import {badDer} from './errors.js'
import {issuerAndSerialNumber} from './identifiers.js'
import {CMS_OID} from './oids.js'

/** One signed attribute: type and the DER of its values. */
export interface Attribute {
  readonly oid: string
  readonly values: readonly der.DerNode[]
}

function attribute(oid: string, ...values: Buffer[]): Buffer {
  return der.sequence(der.oid(oid), der.set(...values))
}

/** What cmsutil -S puts among the signed attributes beside contentType and messageDigest. */
export interface SignedAttributeOptions {
  readonly contentType: string
  readonly digest: Buffer
  /** -G */
  readonly signingTime?: Date
  /** -P */
  readonly smimeCapabilities?: boolean
  /** -Y (default: the signer's certificate; null = NONE). */
  readonly encryptionKeyPreference?: Certificate | null
}

/** The ciphers we announce we can decrypt, strongest first. */
const CAPABILITIES = [CMS_OID.aes256Cbc, CMS_OID.aes192Cbc, CMS_OID.aes128Cbc]

/**
 * The signed attributes, in DER order (a SET OF must be sorted), as the
 * content octets of `[0] IMPLICIT`; the signature covers them re-tagged as SET.
 */
export function encodeSignedAttributes(o: SignedAttributeOptions): Buffer[] {
  const attrs = [attribute(CMS_OID.contentType, der.oid(o.contentType)), attribute(CMS_OID.messageDigest, der.octetString(o.digest))]
  if (o.signingTime) attrs.push(attribute(CMS_OID.signingTime, der.time(o.signingTime)))
  if (o.smimeCapabilities) attrs.push(attribute(CMS_OID.smimeCapabilities, der.sequence(...CAPABILITIES.map((c) => der.sequence(der.oid(c))))))
  if (o.encryptionKeyPreference) {
    const ias = issuerAndSerialNumber(o.encryptionKeyPreference)
    // SMIMEEncryptionKeyPreference is a CHOICE whose [0] IMPLICIT alternative is the IssuerAndSerialNumber.
    attrs.push(attribute(CMS_OID.smimeEncryptionKeyPreference, der.tlv(0xa0, der.parseDer(ias).content)))
    attrs.push(attribute(CMS_OID.msEncryptionKeyPreference, ias))
  }
  return attrs.sort(Buffer.compare)
}

/** The attributes of a `[0]` or `[1]` attribute set. */
export function decodeAttributes(node: der.DerNode): Attribute[] {
  return der.childrenOf(node).map((a) => {
    const seq = new der.DerSequence(a, 'Attribute')
    const oid = der.decodeOid(seq.next(der.Tag.OID, 'attrType'))
    const values = der.childrenOf(seq.next(der.Tag.SET, 'attrValues'))
    return {oid, values}
  })
}

/** The single value of an attribute that must occur once with one value (RFC 5652 §11). */
export function singleValue(attrs: readonly Attribute[], oid: string, name: string): der.DerNode | null {
  const found = attrs.filter((a) => a.oid === oid)
  if (found.length === 0) return null
  if (found.length > 1 || found[0]!.values.length !== 1) throw badDer(`the ${name} attribute must occur once with one value`)
  return found[0]!.values[0]!
}
