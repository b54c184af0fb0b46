import {EXT_KEY_USAGE_KEYWORDS, parseNssTime, TRUST, type Certificate} from '../pki/index.js'
import type {Store} from '../store/index.js'
import {findBySubject, type StoredCertificate} from './certificates.js'
import {CertDbError} from './errors.js'

/** One failing certificate of a chain, as certutil -V -l prints it. */
export interface ValidationError {
  readonly name: string
  readonly message: string
}

interface Usage {
  readonly field: 'ssl' | 'email' | 'objectSigning'
  /** Trust bit a CA needs to anchor this usage. */
  readonly anchor: number
  /** Extended key usage the leaf must allow, when it has the extension. */
  readonly eku: string | null
  /** The usage is about the certificate being a CA itself. */
  readonly ca: boolean
}

/** certutil -u letters (only the first character counts, as in NSS). */
const USAGES: Record<string, Usage> = {
  C: {field: 'ssl', anchor: TRUST.TRUSTED_CLIENT_CA, eku: EXT_KEY_USAGE_KEYWORDS.clientAuth!, ca: false},
  V: {field: 'ssl', anchor: TRUST.TRUSTED_CA, eku: EXT_KEY_USAGE_KEYWORDS.serverAuth!, ca: false},
  I: {field: 'ssl', anchor: TRUST.TRUSTED_CA, eku: null, ca: false},
  L: {field: 'ssl', anchor: TRUST.TRUSTED_CA, eku: null, ca: true},
  A: {field: 'ssl', anchor: TRUST.TRUSTED_CA | TRUST.TRUSTED_CLIENT_CA, eku: null, ca: true},
  Y: {field: 'ssl', anchor: TRUST.TRUSTED_CA | TRUST.TRUSTED_CLIENT_CA, eku: null, ca: true},
  S: {field: 'email', anchor: TRUST.TRUSTED_CA, eku: EXT_KEY_USAGE_KEYWORDS.emailProtection!, ca: false},
  R: {field: 'email', anchor: TRUST.TRUSTED_CA, eku: EXT_KEY_USAGE_KEYWORDS.emailProtection!, ca: false},
  O: {field: 'ssl', anchor: TRUST.TRUSTED_CA, eku: EXT_KEY_USAGE_KEYWORDS.ocspResponder!, ca: false},
  J: {field: 'objectSigning', anchor: TRUST.TRUSTED_CA, eku: EXT_KEY_USAGE_KEYWORDS.codeSigning!, ca: false},
}

const ANY_EKU = EXT_KEY_USAGE_KEYWORDS.x509Any!
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
}

/**
 * certutil -V: build the chain from the store and check validity at `time`,
 * signatures, CA constraints, extended key usage and the trust flags for the
 * usage. Returns the failures, leaf first; empty means valid.
 */
export function validateCertificate(store: Store, leaf: StoredCertificate, usageText: string, timeText?: string): ValidationError[] {
  const usage = USAGES[usageText.charAt(0)]
  if (!usage) throw new CertDbError(`validation failed: SEC_ERROR_INVALID_ARGS: unknown usage "${usageText}"; use one of ${Object.keys(USAGES).join(' ')}`)
  const at = timeText === undefined ? new Date() : parseNssTime(timeText)
  const errors: ValidationError[] = []
  const name = (c: StoredCertificate) => c.nickname || c.certificate.subject.text
  const field = (c: StoredCertificate) => c.trust[usage.field]

  const leafTrust = field(leaf)
  if (leafTrust & TRUST.TERMINAL_RECORD && !(leafTrust & TRUST.TRUSTED)) return [{name: name(leaf), message: M.distrusted}]
  if (!inValidity(leaf.certificate, at)) errors.push({name: name(leaf), message: M.expired})
  const eku = leaf.certificate.extKeyUsage
  if (usage.eku && eku && !eku.purposes.includes(usage.eku) && !eku.purposes.includes(ANY_EKU)) errors.push({name: name(leaf), message: M.badType})
  if (usage.ca && leaf.certificate.basicConstraints?.ca !== true && !(leafTrust & usage.anchor)) errors.push({name: name(leaf), message: M.badType})
  // A directly trusted peer (P) or a trusted anchor ends the chain here.
  if (leafTrust & TRUST.TRUSTED || leafTrust & usage.anchor) return errors

  let current = leaf
  for (let depth = 0; depth < MAX_DEPTH; depth++) {
    const issuer = findIssuer(store, current)
    if (!issuer) {
      errors.push({name: name(current), message: M.unknownIssuer})
      return errors
    }
    if (issuer.certificate.basicConstraints?.ca === false || (issuer.certificate.version === 3 && !issuer.certificate.basicConstraints && !(field(issuer) & usage.anchor))) {
      errors.push({name: name(issuer), message: M.notCa})
      return errors
    }
    if (!inValidity(issuer.certificate, at)) errors.push({name: name(current), message: M.issuerExpired})
    const t = field(issuer)
    if (t & usage.anchor) return errors
    if ((t & TRUST.TERMINAL_RECORD && !(t & TRUST.TRUSTED)) || issuer.certificate.isSelfIssued) {
      errors.push({name: name(current), message: M.issuerDistrusted})
      return errors
    }
    current = issuer
  }
  errors.push({name: name(current), message: M.unknownIssuer})
  return errors
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
