import {EXT_KEY_USAGE_KEYWORDS, parseNssTime, TRUST, type Certificate} from '../pki/index.js'
import type {Store} from '../store/index.js'
import {findBySubject, type StoredCertificate} from './certificates.js'
import {CertDbError} from './errors.js'

/** One failing certificate of a chain, as certutil -V -l prints it. */
export interface ValidationError {
  readonly name: string
  readonly message: string
  /**
   * A fault of an intermediate CA (path length, key usage, distrusted). NSS
   * logs these and walks on, and `certutil -V -l` then exits 0 when nothing
   * else failed; we keep that.
   */
  readonly walkedPast?: true
}

type KeyUsageName = 'digitalSignature' | 'nonRepudiation' | 'keyEncipherment' | 'keyAgreement' | 'keyCertSign'
type NsCertTypeName = 'sslClient' | 'sslServer' | 'smime' | 'objectSigning'

interface Usage {
  readonly field: 'ssl' | 'email' | 'objectSigning'
  /** Trust bit a CA needs to anchor this usage. */
  readonly anchor: number
  /** Extended key usage the leaf must allow, when it has the extension. */
  readonly eku: string | null
  /** The leaf must carry that extended key usage (or the Netscape type below); NSS does not assume it. */
  readonly ekuRequired: boolean
  /** Netscape certificate type bit the leaf must have, when it has that extension. */
  readonly nsType: NsCertTypeName | null
  /**
   * Key usage bits of which the leaf needs one, when it has the extension.
   * `encipher` stands for NSS's "key agreement or encipherment": keyEncipherment
   * for RSA keys, keyAgreement or digitalSignature for the others.
   */
  readonly keyUsage: readonly (KeyUsageName | 'encipher')[]
  /** The usage is about the certificate being a CA itself. */
  readonly ca: boolean
}

const E = EXT_KEY_USAGE_KEYWORDS
const ssl = {field: 'ssl', ekuRequired: false} as const
/** certutil -u letters (only the first character counts, as in NSS); key usage rules measured against NSS 3.87. */
const USAGES: Record<string, Usage> = {
  C: {...ssl, anchor: TRUST.TRUSTED_CLIENT_CA, eku: E.clientAuth!, nsType: 'sslClient', keyUsage: ['digitalSignature'], ca: false},
  V: {...ssl, anchor: TRUST.TRUSTED_CA, eku: E.serverAuth!, nsType: 'sslServer', keyUsage: ['encipher'], ca: false},
  I: {...ssl, anchor: TRUST.TRUSTED_CA, eku: null, nsType: null, keyUsage: ['encipher'], ca: false},
  L: {...ssl, anchor: TRUST.TRUSTED_CA, eku: null, nsType: null, keyUsage: ['keyCertSign'], ca: true},
  A: {...ssl, anchor: TRUST.TRUSTED_CA | TRUST.TRUSTED_CLIENT_CA, eku: null, nsType: null, keyUsage: ['keyCertSign'], ca: true},
  Y: {...ssl, anchor: TRUST.TRUSTED_CA | TRUST.TRUSTED_CLIENT_CA, eku: null, nsType: null, keyUsage: ['keyCertSign'], ca: true},
  S: {field: 'email', anchor: TRUST.TRUSTED_CA, eku: E.emailProtection!, ekuRequired: false, nsType: 'smime', keyUsage: ['digitalSignature', 'nonRepudiation'], ca: false},
  R: {field: 'email', anchor: TRUST.TRUSTED_CA, eku: E.emailProtection!, ekuRequired: false, nsType: 'smime', keyUsage: ['encipher'], ca: false},
  O: {...ssl, anchor: TRUST.TRUSTED_CA, eku: E.ocspResponder!, ekuRequired: true, nsType: null, keyUsage: ['digitalSignature', 'nonRepudiation'], ca: false},
  J: {field: 'objectSigning', anchor: TRUST.TRUSTED_CA, eku: E.codeSigning!, ekuRequired: true, nsType: 'objectSigning', keyUsage: ['digitalSignature'], ca: false},
}

const ANY_EKU = E.x509Any!
const MAX_DEPTH = 16

const M = {
  expired: "Peer's Certificate has expired.",
  issuerExpired: "The certificate issuer's certificate has expired. Check your system date and time.",
  unknownIssuer: "Peer's Certificate issuer is not recognized.",
  issuerDistrusted: "Peer's certificate issuer has been marked as not trusted by the user.",
  distrusted: "Peer's certificate has been marked as not trusted by the user.",
  badType: 'Certificate type not approved for application.',
  badSignature: "Peer's certificate has an invalid signature.",
  notCa: 'Issuer certificate is invalid.',
  keyUsage: 'Certificate key usage inadequate for attempted operation.',
  pathLength: 'Certificate path length constraint is invalid.',
}

/**
 * certutil -V: build the chain from the store and check validity at `time`,
 * signatures, CA constraints (basic constraints, path length, certificate
 * signing), key usage, extended key usage and the trust flags for the usage.
 * Returns the failures, leaf first; empty means valid.
 */
export function validateCertificate(store: Store, leaf: StoredCertificate, usageText: string, timeText?: string): ValidationError[] {
  const usage = USAGES[usageText.charAt(0)]
  if (!usage) throw new CertDbError(`validation failed: SEC_ERROR_INVALID_ARGS: unknown usage "${usageText}"; use one of ${Object.keys(USAGES).join(' ')}`)
  const at = timeText === undefined ? new Date() : parseNssTime(timeText)
  const errors: ValidationError[] = []
  const name = (c: StoredCertificate) => c.nickname || c.certificate.subject.text
  const field = (c: StoredCertificate) => c.trust[usage.field]

  const leafTrust = field(leaf)
  // NSS's order: validity, key usage, certificate type, then the leaf's own trust.
  if (!inValidity(leaf.certificate, at)) errors.push({name: name(leaf), message: M.expired})
  if (!keyUsageAllows(leaf.certificate, usage.keyUsage)) errors.push({name: name(leaf), message: M.keyUsage})
  else if (!typeAllows(leaf.certificate, usage) || (usage.ca && leaf.certificate.basicConstraints?.ca !== true && !(leafTrust & usage.anchor))) {
    errors.push({name: name(leaf), message: M.badType})
  }
  if (leafTrust & TRUST.TERMINAL_RECORD && !(leafTrust & TRUST.TRUSTED)) return [...errors, {name: name(leaf), message: M.distrusted}]
  // A directly trusted peer (P) or a trusted anchor ends the chain here.
  if (leafTrust & TRUST.TRUSTED || leafTrust & usage.anchor) return errors

  let current = leaf
  // CA certificates between the leaf and the issuer being looked at, for path length constraints.
  let intermediates = 0
  for (let depth = 0; depth < MAX_DEPTH; depth++) {
    const issuer = findIssuer(store, current)
    if (!issuer) {
      errors.push({name: name(current), message: M.unknownIssuer})
      return errors
    }
    if (depth > 0 && !current.certificate.isSelfIssued) intermediates++
    const constraints = issuer.certificate.basicConstraints
    if (constraints?.ca === false || (issuer.certificate.version === 3 && !constraints && !(field(issuer) & usage.anchor))) {
      errors.push({name: name(issuer), message: M.notCa})
      return errors
    }
    if (constraints?.pathLength != null && intermediates > constraints.pathLength) {
      errors.push({name: name(issuer), message: M.pathLength, walkedPast: true})
    }
    if (!inValidity(issuer.certificate, at)) errors.push({name: name(current), message: M.issuerExpired})
    const t = field(issuer)
    // A trust anchor is taken as it is; its key usage is not checked (NSS does the same).
    if (t & usage.anchor) return errors
    if (!keyUsageAllows(issuer.certificate, ['keyCertSign'])) errors.push({name: name(issuer), message: M.keyUsage, walkedPast: true})
    // NSS names the issuer here, and walks on past an explicitly distrusted intermediate.
    if ((t & TRUST.TERMINAL_RECORD && !(t & TRUST.TRUSTED)) || issuer.certificate.isSelfIssued) {
      if (issuer.certificate.isSelfIssued) return [...errors, {name: name(issuer), message: M.issuerDistrusted}]
      errors.push({name: name(issuer), message: M.issuerDistrusted, walkedPast: true})
    }
    current = issuer
  }
  errors.push({name: name(current), message: M.unknownIssuer})
  return errors
}

/** True when the certificate has no key usage extension or one of the bits `needed` asks for. */
function keyUsageAllows(cert: Certificate, needed: readonly (KeyUsageName | 'encipher')[]): boolean {
  const ku = cert.keyUsage
  if (!ku) return true
  const has = new Set<string>(ku.usages)
  const rsa = cert.publicKey?.asymmetricKeyType === 'rsa' || cert.publicKey?.asymmetricKeyType === 'rsa-pss'
  return needed.some((bit) => (bit === 'encipher' ? (rsa ? has.has('keyEncipherment') : has.has('keyAgreement') || has.has('digitalSignature')) : has.has(bit)))
}

/** Extended key usage and Netscape certificate type against the usage. */
function typeAllows(cert: Certificate, usage: Usage): boolean {
  const eku = cert.extKeyUsage
  const ns = cert.nsCertType
  if (usage.eku && eku) return eku.purposes.includes(usage.eku) || eku.purposes.includes(ANY_EKU)
  if (usage.nsType && ns) return (ns.types as readonly string[]).includes(usage.nsType)
  return !usage.ekuRequired
}

function inValidity(cert: Certificate, at: Date): boolean {
  return at >= cert.notBefore && at <= cert.notAfter
}

/** The issuer in the store: same subject as our issuer name and a signature that verifies. */
function findIssuer(store: Store, cert: StoredCertificate): StoredCertificate | null {
  if (cert.certificate.isSelfIssued) return null
  for (const candidate of findBySubject(store, cert.certificate.issuer.text)) {
    const key = candidate.certificate.publicKey
    if (key && cert.certificate.verifySignature(key)) return candidate
  }
  return null
}

/** certutil -O: the chain from `leaf` up to the last issuer found in the store, leaf first. */
export function buildChain(store: Store, leaf: StoredCertificate): StoredCertificate[] {
  const chain = [leaf]
  for (let depth = 0; depth < MAX_DEPTH; depth++) {
    const issuer = findIssuer(store, chain[chain.length - 1]!)
    if (!issuer || chain.some((c) => c.id === issuer.id)) break
    chain.push(issuer)
  }
  return chain
}
