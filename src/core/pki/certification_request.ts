/**
 * PKCS #10 certification requests (RFC 2986): building and signing
 * (certutil `-R`), and parsing what `openssl req` and NSS `certutil -R`
 * write (certutil `-C -i`).
 */
import {KeyObject} from 'node:crypto'
import {OID, chooseSignatureAlgorithm, decodeAlgorithmIdentifier, describeSignatureAlgorithm, verifyData, type HashName, type SignatureAlgorithm} from './algorithms.js'
import {DerError, DerSequence, Tag, bitString, childrenOf, contextTag, decodeBitString, decodeOid, decodeSmallInteger, integer, oid as oidDer, parseDer, sequence, sortedSet, tlv} from './der.js'
import {decodeName, type DistinguishedName} from './dn.js'
import {CertificationRequestParseError, SigningError} from './errors.js'
import {exportSpki, publicKeyOf} from './keys.js'
import {signingPublicKey, signWith, type SigningKey} from './signing_key.js'
import {PEM_LABEL, REQUEST_LABELS, decodeDerOrPem, identifyDer, pemEncode} from './pem.js'
import {parseSubjectPublicKeyInfo, publicKeyFromSpki, type SubjectPublicKeyInfo} from './subject_public_key_info.js'
import {decodeExtensions, encodeExtensions, type Extension, type ExtensionSpec} from './x509_extensions.js'

/** Microsoft's extension request attribute, read like the PKCS #9 one. */
const MS_EXTENSION_REQUEST = '1.3.6.1.4.1.311.2.1.14'

export interface RequestAttribute {
  readonly oid: string
  /** DER of each value in the attribute's SET. */
  readonly values: readonly Buffer[]
}

interface RequestFields {
  readonly der: Buffer
  readonly infoDer: Buffer
  readonly version: number
  readonly subject: DistinguishedName
  readonly subjectPublicKeyInfo: SubjectPublicKeyInfo
  readonly attributes: readonly RequestAttribute[]
  readonly extensions: readonly Extension[]
  readonly signatureAlgorithm: SignatureAlgorithm
  readonly signature: Buffer
}

export class CertificationRequest implements RequestFields {
  readonly der: Buffer
  /** CertificationRequestInfo, the signed part, as received. */
  readonly infoDer: Buffer
  /** The DER value (0 for PKCS #10 v1.7). */
  readonly version: number
  readonly subject: DistinguishedName
  readonly subjectPublicKeyInfo: SubjectPublicKeyInfo
  readonly attributes: readonly RequestAttribute[]
  /** Extensions from the extensionRequest attribute (empty when there is none). */
  readonly extensions: readonly Extension[]
  readonly signatureAlgorithm: SignatureAlgorithm
  readonly signature: Buffer
  readonly publicKey: KeyObject | null

  private constructor(f: RequestFields) {
    this.der = f.der
    this.infoDer = f.infoDer
    this.version = f.version
    this.subject = f.subject
    this.subjectPublicKeyInfo = f.subjectPublicKeyInfo
    this.attributes = Object.freeze([...f.attributes])
    this.extensions = Object.freeze([...f.extensions])
    this.signatureAlgorithm = f.signatureAlgorithm
    this.signature = f.signature
    this.publicKey = publicKeyFromSpki(f.subjectPublicKeyInfo.der)
    Object.freeze(this)
  }

  static fromDer(der: Buffer): CertificationRequest {
    if (der.length === 0) throw new CertificationRequestParseError('could not decode certificate request: the input is empty')
    try {
      return new CertificationRequest(decodeRequest(der))
    } catch (e) {
      if (!(e instanceof DerError)) throw e
      const kind = identifyDer(der)
      if (kind !== null && kind !== 'certificate request') {
        throw new CertificationRequestParseError(`could not decode certificate request: the input is a ${kind}, not a certificate request`)
      }
      const where = e.offset >= 0 ? ` (at byte ${e.offset})` : ''
      throw new CertificationRequestParseError(`could not decode certificate request: ${e.message}${where}`)
    }
  }

  /** DER, PEM (`CERTIFICATE REQUEST` or NSS's `NEW CERTIFICATE REQUEST`, text around it allowed) or bare base64. */
  static fromDerOrPem(input: Buffer): CertificationRequest {
    return CertificationRequest.fromDer(decodeDerOrPem(input, REQUEST_LABELS, 'certificate request').der)
  }

  /** PEM; NSS's `-R -a` uses the `NEW CERTIFICATE REQUEST` label. */
  toPem(label: string = PEM_LABEL.certificateRequest): string {
    return pemEncode(label, this.der)
  }

  extension(oid: string): Extension | undefined {
    return this.extensions.find((e) => e.oid === oid)
  }

  /** Proof of possession: the request is signed by the key it carries. */
  verifySignature(): boolean {
    if (this.publicKey === null) return false
    return verifyData(this.signatureAlgorithm, this.publicKey, this.infoDer, this.signature)
  }
}

function decodeRequest(der: Buffer): RequestFields {
  const top = parseDer(der)
  const req = new DerSequence(top, 'CertificationRequest')
  const infoNode = req.next(Tag.SEQUENCE, 'certificationRequestInfo')
  const signatureAlgorithm = describeSignatureAlgorithm(decodeAlgorithmIdentifier(req.next(Tag.SEQUENCE, 'signatureAlgorithm'), 'signatureAlgorithm'))
  const sig = decodeBitString(req.next(Tag.BIT_STRING, 'signature'), 'signature')
  req.end()

  const info = new DerSequence(infoNode, 'CertificationRequestInfo')
  const version = decodeSmallInteger(info.next(Tag.INTEGER, 'version'), 'version')
  if (version !== 0) throw new DerError(`unsupported request version ${version + 1}`, infoNode.offset)
  const subject = decodeName(info.next(Tag.SEQUENCE, 'subject'))
  const subjectPublicKeyInfo = parseSubjectPublicKeyInfo(info.next(Tag.SEQUENCE, 'subjectPKInfo'))
  // Some old tools leave the attributes out entirely; accept that.
  const attrNode = info.optional(contextTag(0, true))
  info.end()

  const attributes: RequestAttribute[] = []
  let extensions: Extension[] = []
  if (attrNode !== null) {
    for (const a of childrenOf(attrNode)) {
      const seq = new DerSequence(a, 'Attribute')
      const type = decodeOid(seq.next(Tag.OID, 'type'), 'attribute type')
      const valueSet = seq.next(Tag.SET, 'values')
      seq.end()
      const values = childrenOf(valueSet)
      attributes.push({oid: type, values: values.map((v) => v.raw)})
      if ((type === OID.extensionRequest || type === MS_EXTENSION_REQUEST) && values[0] !== undefined) {
        extensions = decodeExtensions(values[0])
      }
    }
  }
  return {
    der: top.raw, infoDer: infoNode.raw, version, subject, subjectPublicKeyInfo, attributes, extensions, signatureAlgorithm, signature: sig.bytes,
  }
}

export interface CertificationRequestTemplate {
  readonly subject: DistinguishedName
  /** Signs the request; its public half goes in the request. */
  /** Here or on a token (see SigningKey). */
  readonly privateKey: SigningKey
  /** Requested extensions (certutil `-R` with `--keyUsage`, `-8` ...), in this order. */
  readonly extensions?: readonly ExtensionSpec[]
  /** certutil `-Z`. */
  readonly hash?: HashName
  /** certutil `--pss-sign`. */
  readonly pss?: boolean
}

/** Build and sign a PKCS #10 request. */
export function buildCertificationRequest(template: CertificationRequestTemplate): CertificationRequest {
  if (template.privateKey instanceof KeyObject && template.privateKey.type !== 'private') throw new SigningError('a certificate request must be signed with a private key.')
  const spki = exportSpki(template.privateKey instanceof KeyObject ? publicKeyOf(template.privateKey) : template.privateKey.publicKey)
  const extensions = template.extensions ?? []
  const attributes = extensions.length === 0
    ? []
    : [sequence(oidDer(OID.extensionRequest), sortedSet(encodeExtensions(extensions)))]
  const info = sequence(integer(0), template.subject.der, spki, tlv(contextTag(0, true), Buffer.concat(attributes)))
  const alg = chooseSignatureAlgorithm(signingPublicKey(template.privateKey), {hash: template.hash, pss: template.pss})
  const signature = signWith(alg, template.privateKey, info)
  return CertificationRequest.fromDer(sequence(info, alg.der, bitString(signature)))
}
