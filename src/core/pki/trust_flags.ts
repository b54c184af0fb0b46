/**
 * certutil trust strings (reference §1.4): parsing `-t`, what an sql
 * database keeps, and the two displays (`-L` letters, `-L -n` lines).
 *
 * Storage model (observed with NSS 3.87 `-M` then `-L`): an sql database
 * keeps one PKCS #11 trust level per purpose (server auth, client auth,
 * e-mail, code signing), not the letters. Mapping letters to levels and
 * back explains every row of the table: `w g i u` vanish, `T` survives only
 * in the SSL field (client-auth level), `pc` collapses to `p`, `Pc` to `P`,
 * and `PC` comes back as `CP` because server and client levels differ.
 */
import {TrustStringError} from './errors.js'

/** NSS trust bits (CERTDB_*). */
export const TRUST = {
  TERMINAL_RECORD: 1 << 0,
  TRUSTED: 1 << 1,
  SEND_WARN: 1 << 2,
  VALID_CA: 1 << 3,
  TRUSTED_CA: 1 << 4,
  NS_TRUSTED_CA: 1 << 5,
  USER: 1 << 6,
  TRUSTED_CLIENT_CA: 1 << 7,
  INVISIBLE_CA: 1 << 8,
  GOVT_APPROVED_CA: 1 << 9,
} as const

/** Trust bits per category, in certutil's field order SSL, S/MIME, JAR/XPI. */
export interface TrustFlags {
  readonly ssl: number
  readonly email: number
  readonly objectSigning: number
}

export const NO_TRUST: TrustFlags = Object.freeze({ssl: 0, email: 0, objectSigning: 0})

const LETTER_BITS: Readonly<Record<string, number>> = {
  p: TRUST.TERMINAL_RECORD,
  P: TRUST.TRUSTED | TRUST.TERMINAL_RECORD,
  w: TRUST.SEND_WARN,
  c: TRUST.VALID_CA,
  T: TRUST.TRUSTED_CLIENT_CA | TRUST.VALID_CA,
  C: TRUST.TRUSTED_CA | TRUST.VALID_CA,
  u: TRUST.USER,
  i: TRUST.INVISIBLE_CA,
  g: TRUST.GOVT_APPROVED_CA,
}

/**
 * Parse `-t`: letters in up to three comma-separated fields; a fourth or
 * later field is OR-ed into the third, missing fields are empty. Exactly
 * what was typed (u, w ... included); see storedTrust for what is kept.
 */
export function parseTrustString(text: string): TrustFlags {
  const fields = [0, 0, 0]
  let index = 0
  for (const ch of text) {
    if (ch === ',') {
      index = Math.min(index + 1, 2)
      continue
    }
    const bits = LETTER_BITS[ch]
    if (bits === undefined) throw new TrustStringError(text, ch)
    fields[index] = (fields[index] as number) | bits
  }
  return Object.freeze({ssl: fields[0] as number, email: fields[1] as number, objectSigning: fields[2] as number})
}

/** True when any field asks for `u` (certutil then prints its notice that u is automatic). */
export function requestsUserTrust(flags: TrustFlags): boolean {
  return ((flags.ssl | flags.email | flags.objectSigning) & TRUST.USER) !== 0
}

// ---------------------------------------------------------------- storage

/** PKCS #11 trust level (CKT_NSS_*) kept for one purpose. */
export type TrustLevel = 'unknown' | 'notTrusted' | 'validDelegator' | 'trusted' | 'trustedDelegator'

export interface TrustLevels {
  readonly serverAuth: TrustLevel
  readonly clientAuth: TrustLevel
  readonly emailProtection: TrustLevel
  readonly codeSigning: TrustLevel
}

function levelOf(bits: number, delegatorBit: number): TrustLevel {
  if ((bits & delegatorBit) !== 0) return 'trustedDelegator'
  if ((bits & TRUST.TRUSTED) !== 0) return 'trusted'
  if ((bits & TRUST.TERMINAL_RECORD) !== 0) return 'notTrusted'
  if ((bits & TRUST.VALID_CA) !== 0) return 'validDelegator'
  return 'unknown'
}

function bitsOf(level: TrustLevel, delegatorBits: number): number {
  switch (level) {
    case 'trustedDelegator':
      return delegatorBits | TRUST.VALID_CA
    case 'trusted':
      return TRUST.TRUSTED | TRUST.TERMINAL_RECORD
    case 'validDelegator':
      return TRUST.VALID_CA
    case 'notTrusted':
      return TRUST.TERMINAL_RECORD
    case 'unknown':
      return 0
  }
}

/** Trust bits as the per-purpose levels an sql database stores. */
export function trustLevels(flags: TrustFlags): TrustLevels {
  return Object.freeze({
    serverAuth: levelOf(flags.ssl, TRUST.TRUSTED_CA),
    clientAuth: levelOf(flags.ssl, TRUST.TRUSTED_CLIENT_CA),
    emailProtection: levelOf(flags.email, TRUST.TRUSTED_CA),
    codeSigning: levelOf(flags.objectSigning, TRUST.TRUSTED_CA),
  })
}

/** Trust bits read back from stored levels. */
export function flagsFromLevels(levels: TrustLevels): TrustFlags {
  return Object.freeze({
    ssl: bitsOf(levels.serverAuth, TRUST.TRUSTED_CA) | bitsOf(levels.clientAuth, TRUST.TRUSTED_CLIENT_CA),
    email: bitsOf(levels.emailProtection, TRUST.TRUSTED_CA),
    objectSigning: bitsOf(levels.codeSigning, TRUST.TRUSTED_CA),
  })
}

/** What `-M -t X` leaves in an sql database, as bits (idempotent). */
export function storedTrust(flags: TrustFlags): TrustFlags {
  return flagsFromLevels(trustLevels(flags))
}

// ---------------------------------------------------------------- display

/** One field of the `-L` trust column: letters in NSS's order c p C T P u w I G. */
export function formatTrustField(bits: number): string {
  let s = ''
  if ((bits & TRUST.VALID_CA) !== 0 && (bits & (TRUST.TRUSTED_CA | TRUST.TRUSTED_CLIENT_CA)) === 0) s += 'c'
  if ((bits & TRUST.TERMINAL_RECORD) !== 0 && (bits & TRUST.TRUSTED) === 0) s += 'p'
  if ((bits & TRUST.TRUSTED_CA) !== 0) s += 'C'
  if ((bits & TRUST.TRUSTED_CLIENT_CA) !== 0) s += 'T'
  if ((bits & TRUST.TRUSTED) !== 0) s += 'P'
  if ((bits & TRUST.USER) !== 0) s += 'u'
  if ((bits & TRUST.SEND_WARN) !== 0) s += 'w'
  if ((bits & TRUST.INVISIBLE_CA) !== 0) s += 'I'
  if ((bits & TRUST.GOVT_APPROVED_CA) !== 0) s += 'G'
  return s
}

function withUser(flags: TrustFlags, hasPrivateKey: boolean): TrustFlags {
  if (!hasPrivateKey) return flags
  return {ssl: flags.ssl | TRUST.USER, email: flags.email | TRUST.USER, objectSigning: flags.objectSigning | TRUST.USER}
}

/**
 * The `-L` trust column, e.g. `CTu,Cu,Cu`. `u` is never stored: it is shown
 * when a private key matching the certificate exists.
 */
export function formatTrust(flags: TrustFlags, hasPrivateKey: boolean): string {
  const f = withUser(flags, hasPrivateKey)
  return [f.ssl, f.email, f.objectSigning].map(formatTrustField).join(',')
}

const BLOCK_LINES: ReadonlyArray<readonly [number, string]> = [
  [TRUST.TERMINAL_RECORD, 'Terminal Record'],
  [TRUST.TRUSTED, 'Trusted'],
  [TRUST.SEND_WARN, 'Warn When Sending'],
  [TRUST.VALID_CA, 'Valid CA'],
  [TRUST.TRUSTED_CA, 'Trusted CA'],
  [TRUST.NS_TRUSTED_CA, 'Netscape Trusted CA'],
  [TRUST.USER, 'User'],
  [TRUST.TRUSTED_CLIENT_CA, 'Trusted Client CA'],
  [TRUST.GOVT_APPROVED_CA, 'Step-up'],
]

/** Lines of one category in the `-L -n` "Certificate Trust Flags" block. */
export function trustFieldLines(bits: number): string[] {
  return BLOCK_LINES.filter(([bit]) => (bits & bit) !== 0).map(([, text]) => text)
}

export interface TrustBlock {
  readonly ssl: readonly string[]
  readonly email: readonly string[]
  readonly objectSigning: readonly string[]
}

/** The three categories of the `-L -n` trust block ("SSL Flags", "Email Flags", "Object Signing Flags"). */
export function trustBlockLines(flags: TrustFlags, hasPrivateKey: boolean): TrustBlock {
  const f = withUser(flags, hasPrivateKey)
  return {ssl: trustFieldLines(f.ssl), email: trustFieldLines(f.email), objectSigning: trustFieldLines(f.objectSigning)}
}
