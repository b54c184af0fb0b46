import {createHash} from 'node:crypto'
import {der, type Certificate} from '../pki/index.js'
import {badDer} from './errors.js'

/**
 * How a signer or recipient names its certificate: issuer and serial number,
 * or subject key identifier (RFC 5652 §5.3, §6.2.1).
 */
export type CertIdentifier =
  | {readonly kind: 'issuerSerial'; readonly issuerDer: Buffer; readonly serial: Buffer}
  | {readonly kind: 'subjectKeyId'; readonly keyId: Buffer}

export function issuerAndSerialNumber(cert: Certificate): Buffer {
  return der.sequence(cert.issuer.der, der.tlv(der.Tag.INTEGER, cert.serialNumberBytes))
}

/** The certificate's subjectKeyIdentifier extension, else the SHA-1 of its public key bits (RFC 5280 method 1). */
export function subjectKeyIdOf(cert: Certificate): Buffer {
  const ski = cert.subjectKeyIdentifier
  if (ski) return ski
  const spki = der.parseDer(cert.subjectPublicKeyInfo.der)
  const bits = der.childrenOf(spki)[1]!
  return createHash('sha1').update(bits.content.subarray(1)).digest()
}

export function identifierOf(cert: Certificate, kind: CertIdentifier['kind']): CertIdentifier {
  return kind === 'issuerSerial'
    ? {kind, issuerDer: cert.issuer.der, serial: cert.serialNumberBytes}
    : {kind, keyId: subjectKeyIdOf(cert)}
}

/** IssuerAndSerialNumber SEQUENCE, or `[0] IMPLICIT` key identifier. */
export function encodeIdentifier(id: CertIdentifier): Buffer {
  return id.kind === 'issuerSerial'
    ? der.sequence(id.issuerDer, der.tlv(der.Tag.INTEGER, id.serial))
    : der.implicit(0, id.keyId)
}

/** Read an identifier; `skiTag` is the tag the key identifier alternative carries there. */
export function decodeIdentifier(node: der.DerNode, skiTag = 0x80): CertIdentifier {
  if (node.tag === der.Tag.SEQUENCE) {
    const seq = new der.DerSequence(node, 'IssuerAndSerialNumber')
    const issuer = seq.next(der.Tag.SEQUENCE, 'issuer')
    const serial = seq.next(der.Tag.INTEGER, 'serialNumber')
    return {kind: 'issuerSerial', issuerDer: issuer.raw, serial: serial.content}
  }
  if (node.tag === skiTag) return {kind: 'subjectKeyId', keyId: node.content}
  // RecipientKeyIdentifier (key agreement) is a SEQUENCE starting with the key id.
  if (node.tag === (skiTag | 0x20)) {
    const first = der.childrenOf(node)[0]
    if (first && first.tag === der.Tag.OCTET_STRING) return {kind: 'subjectKeyId', keyId: first.content}
  }
  throw badDer(`unknown certificate identifier, tag 0x${node.tag.toString(16)}`)
}

export function identifies(id: CertIdentifier, cert: Certificate): boolean {
  if (id.kind === 'issuerSerial') return id.issuerDer.equals(cert.issuer.der) && BigInt('0x' + (id.serial.toString('hex') || '0')) === BigInt('0x' + (cert.serialNumberBytes.toString('hex') || '0'))
  return id.keyId.equals(subjectKeyIdOf(cert))
}

export function describeIdentifier(id: CertIdentifier): string {
  if (id.kind === 'subjectKeyId') return `subject key id ${id.keyId.toString('hex')}`
  return `serial ${id.serial.toString('hex')}`
}
