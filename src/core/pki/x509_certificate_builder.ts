/**
 * Building and signing certificates (certutil `-S`, `-C`). The output is a
 * function of the inputs; only randomised signature schemes (ECDSA, PSS)
 * differ between runs.
 */
import type {KeyObject} from 'node:crypto'
import {chooseSignatureAlgorithm, type HashName} from './algorithms.js'
import {bitString, explicit, integer, sequence, time} from './der.js'
import type {DistinguishedName} from './dn.js'
import {SigningError} from './errors.js'
import {exportSpki, keyMatches} from './keys.js'
import {signingPublicKey, signWith, type SigningKey} from './signing_key.js'
import {Certificate} from './x509_certificate.js'
import {encodeExtensions, type ExtensionSpec} from './x509_extensions.js'

export interface CertificateTemplate {
  /** X.509 version; default 3. Versions 1 and 2 cannot carry extensions. */
  readonly version?: 1 | 2 | 3
  /** Must be >= 0 (certutil `-m`). */
  readonly serialNumber: bigint
  readonly subject: DistinguishedName
  readonly notBefore: Date
  readonly notAfter: Date
  /** The subject's public key, as a KeyObject or SubjectPublicKeyInfo DER (e.g. from a request). */
  readonly publicKey: KeyObject | Buffer
  /** Written in this order. */
  readonly extensions?: readonly ExtensionSpec[]
}

export interface CertificateSigner {
  /** The issuing CA's certificate; absent for a self-signed certificate (`-x`). */
  readonly issuerCertificate?: Certificate
  /** The issuer's private key (the subject's own key when self-signing), here or on a token. */
  readonly privateKey: SigningKey
  /** certutil `-Z`. */
  readonly hash?: HashName
  /** certutil `--pss-sign`. */
  readonly pss?: boolean
}

/** Build, sign and re-parse a certificate. */
export function buildCertificate(template: CertificateTemplate, signer: CertificateSigner): Certificate {
  const version = template.version ?? 3
  const extensions = template.extensions ?? []
  if (template.serialNumber < 0n) throw new SigningError('the serial number must not be negative.')
  if (extensions.length > 0 && version !== 3) throw new SigningError(`a version ${version} certificate cannot carry extensions; use version 3.`)
  const seen = new Set<string>()
  for (const e of extensions) {
    if (seen.has(e.oid)) throw new SigningError(`extension ${e.oid} is given twice; a certificate may hold each extension once.`)
    seen.add(e.oid)
  }
  if (template.notAfter.getTime() < template.notBefore.getTime()) throw new SigningError('the certificate would expire before it becomes valid.')

  const spki = Buffer.isBuffer(template.publicKey) ? template.publicKey : exportSpki(template.publicKey)
  const issuerCert = signer.issuerCertificate
  const signingKey = signingPublicKey(signer.privateKey)
  if (issuerCert === undefined) {
    if (!keyMatches(signingKey, spki)) throw new SigningError('a self-signed certificate must be signed with its own key.')
  } else if (!keyMatches(signingKey, issuerCert.subjectPublicKeyInfo.der)) {
    throw new SigningError(`the signing key does not belong to the issuer "${issuerCert.subject.text}".`)
  }
  const issuerName = issuerCert === undefined ? template.subject.der : issuerCert.subject.der

  const alg = chooseSignatureAlgorithm(signingKey, {hash: signer.hash, pss: signer.pss})
  const tbs = sequence(
    ...(version === 1 ? [] : [explicit(0, integer(version - 1))]),
    integer(template.serialNumber),
    alg.der,
    issuerName,
    sequence(time(template.notBefore), time(template.notAfter)),
    template.subject.der,
    spki,
    ...(extensions.length === 0 ? [] : [explicit(3, encodeExtensions(extensions))]),
  )
  const signature = signWith(alg, signer.privateKey, tbs)
  return Certificate.fromDer(sequence(tbs, alg.der, bitString(signature)))
}

/**
 * `date` moved by whole calendar months in UTC. A day that does not exist
 * in the target month rolls over (Nov 29 + 3 months = Mar 1 in a common
 * year), which is what NSS's time arithmetic gives.
 */
export function addMonths(date: Date, months: number): Date {
  const d = new Date(date.getTime())
  d.setUTCMonth(d.getUTCMonth() + months)
  return d
}

export interface ValidityOptions {
  /** Default now. */
  readonly now?: Date
  /** certutil `-v`: validity in months, default 3. */
  readonly months?: number
  /** certutil `-w`: shift the start by this many months (may be negative). */
  readonly warpMonths?: number
}

/** certutil's validity: starts now (moved by `-w`), ends `-v` months later; whole seconds. */
export function validityPeriod(options: ValidityOptions = {}): {notBefore: Date; notAfter: Date} {
  const months = options.months ?? 3
  if (!Number.isInteger(months) || months < 0) throw new SigningError(`validity of ${months} months is not allowed; give a whole number of months >= 0.`)
  const warp = options.warpMonths ?? 0
  if (!Number.isInteger(warp)) throw new SigningError(`warp of ${warp} months is not a whole number.`)
  const now = new Date(Math.floor((options.now ?? new Date()).getTime() / 1000) * 1000)
  const notBefore = addMonths(now, warp)
  return {notBefore, notAfter: addMonths(notBefore, months)}
}

/** certutil's default serial number: PR_Now() (microseconds) >> 19, truncated to 32 bits. */
export function defaultSerialNumber(now: Date = new Date()): bigint {
  return ((BigInt(now.getTime()) * 1000n) >> 19n) & 0xffffffffn
}
