/**
 * X.509 certificates (RFC 5280 §4.1) parsed from DER into an immutable
 * Certificate: every field certutil lists, prints, stores or validates.
 *
 * Parsing is our own walk over the DER (der.ts) so that the TBS, names and
 * key keep their exact received bytes. Any malformed input becomes one
 * CertificateParseError line; node:crypto loads the public key.
 */
import {createHash, type KeyObject} from 'node:crypto'
import {OID, decodeAlgorithmIdentifier, describeSignatureAlgorithm, verifyData, type AlgorithmIdentifier, type SignatureAlgorithm} from './algorithms.js'
import {DerError, DerSequence, Tag, contextTag, decodeBitString, decodeInteger, decodeSmallInteger, decodeTime, parseDer, type DerNode} from './der.js'
import {decodeName, type DistinguishedName} from './dn.js'
import {CertificateParseError} from './errors.js'
import type {GeneralName} from './general_name.js'
import {CERTIFICATE_LABELS, PEM_LABEL, decodeDerOrPem, identifyDer, pemEncode} from './pem.js'
import {parseSubjectPublicKeyInfo, publicKeyFromSpki, type SubjectPublicKeyInfo} from './subject_public_key_info.js'
import {decodeExtensions, type DecodedExtension, type Extension} from './x509_extensions.js'

type Decoded<K extends DecodedExtension['kind']> = Extract<DecodedExtension, {kind: K}>

interface CertificateFields {
  readonly der: Buffer
  readonly tbsDer: Buffer
  readonly version: number
  readonly serialNumber: bigint
  readonly serialNumberBytes: Buffer
  readonly tbsSignatureAlgorithm: AlgorithmIdentifier
  readonly signatureAlgorithm: SignatureAlgorithm
  readonly issuer: DistinguishedName
  readonly subject: DistinguishedName
  readonly notBefore: Date
  readonly notAfter: Date
  readonly subjectPublicKeyInfo: SubjectPublicKeyInfo
  readonly issuerUniqueId: Buffer | null
  readonly subjectUniqueId: Buffer | null
  readonly extensions: readonly Extension[]
  readonly signature: Buffer
}

export class Certificate implements CertificateFields {
  readonly der: Buffer
  /** The signed part, exactly as received. */
  readonly tbsDer: Buffer
  /** 1, 2 or 3 (the DER value plus one). */
  readonly version: number
  readonly serialNumber: bigint
  /** Content octets of the serial INTEGER as encoded (sign octet included). */
  readonly serialNumberBytes: Buffer
  /** The algorithm named inside the TBS (should equal signatureAlgorithm). */
  readonly tbsSignatureAlgorithm: AlgorithmIdentifier
  readonly signatureAlgorithm: SignatureAlgorithm
  readonly issuer: DistinguishedName
  readonly subject: DistinguishedName
  readonly notBefore: Date
  readonly notAfter: Date
  readonly subjectPublicKeyInfo: SubjectPublicKeyInfo
  readonly issuerUniqueId: Buffer | null
  readonly subjectUniqueId: Buffer | null
  readonly extensions: readonly Extension[]
  /** signatureValue BIT STRING contents. */
  readonly signature: Buffer
  readonly fingerprintSha1: Buffer
  readonly fingerprintSha256: Buffer
  // Loading the key into OpenSSL costs more than the whole DER parse; only
  // signature checks need it, so it is made on first use.
  #publicKey: KeyObject | null | undefined

  private constructor(f: CertificateFields) {
    this.der = f.der
    this.tbsDer = f.tbsDer
    this.version = f.version
    this.serialNumber = f.serialNumber
    this.serialNumberBytes = f.serialNumberBytes
    this.tbsSignatureAlgorithm = f.tbsSignatureAlgorithm
    this.signatureAlgorithm = f.signatureAlgorithm
    this.issuer = f.issuer
    this.subject = f.subject
    this.notBefore = f.notBefore
    this.notAfter = f.notAfter
    this.subjectPublicKeyInfo = f.subjectPublicKeyInfo
    this.issuerUniqueId = f.issuerUniqueId
    this.subjectUniqueId = f.subjectUniqueId
    this.extensions = Object.freeze([...f.extensions])
    this.signature = f.signature
    this.fingerprintSha1 = createHash('sha1').update(f.der).digest()
    this.fingerprintSha256 = createHash('sha256').update(f.der).digest()
    Object.freeze(this)
  }

  /** The subject's key as node:crypto sees it; null when OpenSSL cannot load it. */
  get publicKey(): KeyObject | null {
    if (this.#publicKey === undefined) this.#publicKey = publicKeyFromSpki(this.subjectPublicKeyInfo.der)
    return this.#publicKey
  }

  /** Parse DER; throws CertificateParseError with a one-line reason. */
  static fromDer(der: Buffer): Certificate {
    if (der.length === 0) throw new CertificateParseError('could not decode certificate: the input is empty')
    try {
      return new Certificate(decodeCertificate(der))
    } catch (e) {
      if (!(e instanceof DerError)) throw e
      const kind = identifyDer(der)
      if (kind !== null && kind !== 'certificate') {
        throw new CertificateParseError(`could not decode certificate: the input is a ${kind}, not a certificate`)
      }
      const where = e.offset >= 0 ? ` (at byte ${e.offset})` : ''
      throw new CertificateParseError(`could not decode certificate: ${e.message}${where}`)
    }
  }

  /** Parse DER, PEM (text around the block allowed) or bare base64. */
  static fromDerOrPem(input: Buffer): Certificate {
    return Certificate.fromDer(decodeDerOrPem(input, CERTIFICATE_LABELS, 'certificate').der)
  }

  toPem(): string {
    return pemEncode(PEM_LABEL.certificate, this.der)
  }

  /** NSS key id (CKA_ID) of the subject key. */
  get keyId(): Buffer {
    return this.subjectPublicKeyInfo.keyId
  }

  extension(oid: string): Extension | undefined {
    return this.extensions.find((e) => e.oid === oid)
  }

  private decoded<K extends DecodedExtension['kind']>(oid: string, kind: K): Decoded<K> | null {
    const d = this.extension(oid)?.decoded
    return d !== undefined && d !== null && d.kind === kind ? (d as Decoded<K>) : null
  }

  get basicConstraints(): Decoded<'basicConstraints'> | null {
    return this.decoded(OID.basicConstraints, 'basicConstraints')
  }

  get keyUsage(): Decoded<'keyUsage'> | null {
    return this.decoded(OID.keyUsage, 'keyUsage')
  }

  get extKeyUsage(): Decoded<'extKeyUsage'> | null {
    return this.decoded(OID.extKeyUsage, 'extKeyUsage')
  }

  get nsCertType(): Decoded<'nsCertType'> | null {
    return this.decoded(OID.nsCertType, 'nsCertType')
  }

  get subjectKeyIdentifier(): Buffer | null {
    return this.decoded(OID.subjectKeyIdentifier, 'subjectKeyIdentifier')?.keyIdentifier ?? null
  }

  get authorityKeyIdentifier(): Decoded<'authorityKeyIdentifier'> | null {
    return this.decoded(OID.authorityKeyIdentifier, 'authorityKeyIdentifier')
  }

  /** subjectAltName entries (empty when the extension is absent). */
  get subjectAltNames(): readonly GeneralName[] {
    return this.decoded(OID.subjectAltName, 'subjectAltName')?.names ?? []
  }

  /** Issuer and subject are the same name, byte for byte. */
  get isSelfIssued(): boolean {
    return this.issuer.der.equals(this.subject.der)
  }

  /** notBefore <= at <= notAfter. */
  isValidAt(at: Date): boolean {
    return at.getTime() >= this.notBefore.getTime() && at.getTime() <= this.notAfter.getTime()
  }

  /**
   * Check the signature with the issuer's public key. False for a wrong
   * signature or mismatched algorithms; UnsupportedAlgorithmError for
   * algorithms that cannot be checked (MD5, unknown).
   */
  verifySignature(issuerPublicKey: KeyObject): boolean {
    if (!this.tbsSignatureAlgorithm.der.equals(this.signatureAlgorithm.der)) return false
    return verifyData(this.signatureAlgorithm, issuerPublicKey, this.tbsDer, this.signature)
  }
}

function decodeCertificate(der: Buffer): CertificateFields {
  const top = parseDer(der)
  const cert = new DerSequence(top, 'Certificate')
  const tbsNode = cert.next(Tag.SEQUENCE, 'tbsCertificate')
  const signatureAlgorithm = describeSignatureAlgorithm(decodeAlgorithmIdentifier(cert.next(Tag.SEQUENCE, 'signatureAlgorithm'), 'signatureAlgorithm'))
  const sigBits = decodeBitString(cert.next(Tag.BIT_STRING, 'signatureValue'), 'signatureValue')
  cert.end()
  if (sigBits.unusedBits !== 0) throw new DerError('signatureValue has unused bits', top.offset)

  const tbs = new DerSequence(tbsNode, 'TBSCertificate')
  const versionNode = tbs.optional(contextTag(0, true))
  let version = 1
  if (versionNode !== null) {
    const v = decodeSmallInteger(parseDer(versionNode.content, versionNode.offset + 2), 'version')
    if (v > 2) throw new DerError(`unsupported certificate version ${v + 1}`, versionNode.offset)
    version = v + 1
  }
  const serialNode = tbs.next(Tag.INTEGER, 'serialNumber')
  const serialNumber = decodeInteger(serialNode, 'serialNumber')
  const tbsSignatureAlgorithm = decodeAlgorithmIdentifier(tbs.next(Tag.SEQUENCE, 'signature'), 'TBSCertificate signature')
  const issuer = decodeName(tbs.next(Tag.SEQUENCE, 'issuer'))
  const validity = new DerSequence(tbs.next(Tag.SEQUENCE, 'validity'), 'Validity')
  const notBefore = decodeTime(validity.any('notBefore'), 'notBefore')
  const notAfter = decodeTime(validity.any('notAfter'), 'notAfter')
  validity.end()
  const subject = decodeName(tbs.next(Tag.SEQUENCE, 'subject'))
  const subjectPublicKeyInfo = parseSubjectPublicKeyInfo(tbs.next(Tag.SEQUENCE, 'subjectPublicKeyInfo'))
  const issuerUid = tbs.optional(contextTag(1, false))
  const subjectUid = tbs.optional(contextTag(2, false))
  const extNode = tbs.optional(contextTag(3, true))
  tbs.end()
  let extensions: Extension[] = []
  if (extNode !== null) {
    const inner = parseDer(extNode.content, extNode.offset + (extNode.raw.length - extNode.content.length))
    extensions = decodeExtensions(inner)
  }
  return {
    der: top.raw,
    tbsDer: tbsNode.raw,
    version,
    serialNumber,
    serialNumberBytes: serialNode.content,
    tbsSignatureAlgorithm,
    signatureAlgorithm,
    issuer,
    subject,
    notBefore,
    notAfter,
    subjectPublicKeyInfo,
    issuerUniqueId: uniqueId(issuerUid),
    subjectUniqueId: uniqueId(subjectUid),
    extensions,
    signature: sigBits.bytes,
  }
}

function uniqueId(node: DerNode | null): Buffer | null {
  return node === null ? null : node.content.subarray(1)
}
