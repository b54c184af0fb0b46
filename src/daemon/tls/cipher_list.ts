/**
 * `encryption.nsssl3ciphers`: the cipher suites the services may negotiate.
 *
 * Accepted spellings: OpenSSL names (ECDHE-RSA-AES128-GCM-SHA256), IANA/NSS
 * names (TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256), the old Netscape short names
 * (rsa_rc4_128_md5, tls_rsa_aes_128_sha), each optionally prefixed `+`
 * (enable, the 389-DS form) or `-`/`!` (disable). Separators: commas,
 * spaces, colons. Names are matched case-insensitively.
 *
 * Legacy suites (RC4, DES, 3DES, RC2, export, NULL, anonymous, FORTEZZA,
 * MD5, DSS) are recognised but never enabled: each one listed yields a
 * warning naming a modern replacement. A name that is neither offered nor
 * recognisably legacy is an error, so a typo cannot silently shrink the set.
 */
import {ConfigError} from '../../core/errors.js'

/** How the server proves its identity in a TLS 1.2 suite; TLS 1.3 suites work with any key. */
export type CipherAuthentication = 'RSA' | 'ECDSA' | 'any'

interface Suite {
  readonly iana: string
  /** The name OpenSSL (and so node's `ciphers` option) uses. */
  readonly openssl: string
  readonly tls13: boolean
  readonly auth: CipherAuthentication
  /** Set for static-RSA key exchange: enabled, with a warning naming this ephemeral twin. */
  readonly preferInstead?: string
}

const RSA128 = 'ECDHE-RSA-AES128-GCM-SHA256'
const RSA256 = 'ECDHE-RSA-AES256-GCM-SHA384'
const ECDSA128 = 'ECDHE-ECDSA-AES128-GCM-SHA256'

/**
 * Every suite msgctl will enable: the AEAD and AES-CBC suites of node's
 * OpenSSL 3 with ECDSA or RSA authentication (names checked against
 * `openssl ciphers -V -stdname ALL`). CAMELLIA, ARIA, CCM and PSK suites are
 * left out on purpose: no mail client needs them.
 */
const SUITES: readonly Suite[] = [
  {iana: 'TLS_AES_256_GCM_SHA384', openssl: 'TLS_AES_256_GCM_SHA384', tls13: true, auth: 'any'},
  {iana: 'TLS_CHACHA20_POLY1305_SHA256', openssl: 'TLS_CHACHA20_POLY1305_SHA256', tls13: true, auth: 'any'},
  {iana: 'TLS_AES_128_GCM_SHA256', openssl: 'TLS_AES_128_GCM_SHA256', tls13: true, auth: 'any'},

  {iana: 'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256', openssl: 'ECDHE-ECDSA-AES128-GCM-SHA256', tls13: false, auth: 'ECDSA'},
  {iana: 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256', openssl: 'ECDHE-RSA-AES128-GCM-SHA256', tls13: false, auth: 'RSA'},
  {iana: 'TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384', openssl: 'ECDHE-ECDSA-AES256-GCM-SHA384', tls13: false, auth: 'ECDSA'},
  {iana: 'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384', openssl: 'ECDHE-RSA-AES256-GCM-SHA384', tls13: false, auth: 'RSA'},
  {iana: 'TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256', openssl: 'ECDHE-ECDSA-CHACHA20-POLY1305', tls13: false, auth: 'ECDSA'},
  {iana: 'TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256', openssl: 'ECDHE-RSA-CHACHA20-POLY1305', tls13: false, auth: 'RSA'},
  {iana: 'TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256', openssl: 'ECDHE-ECDSA-AES128-SHA256', tls13: false, auth: 'ECDSA'},
  {iana: 'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256', openssl: 'ECDHE-RSA-AES128-SHA256', tls13: false, auth: 'RSA'},
  {iana: 'TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384', openssl: 'ECDHE-ECDSA-AES256-SHA384', tls13: false, auth: 'ECDSA'},
  {iana: 'TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384', openssl: 'ECDHE-RSA-AES256-SHA384', tls13: false, auth: 'RSA'},
  {iana: 'TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA', openssl: 'ECDHE-ECDSA-AES128-SHA', tls13: false, auth: 'ECDSA'},
  {iana: 'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA', openssl: 'ECDHE-RSA-AES128-SHA', tls13: false, auth: 'RSA'},
  {iana: 'TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA', openssl: 'ECDHE-ECDSA-AES256-SHA', tls13: false, auth: 'ECDSA'},
  {iana: 'TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA', openssl: 'ECDHE-RSA-AES256-SHA', tls13: false, auth: 'RSA'},

  {iana: 'TLS_DHE_RSA_WITH_AES_128_GCM_SHA256', openssl: 'DHE-RSA-AES128-GCM-SHA256', tls13: false, auth: 'RSA'},
  {iana: 'TLS_DHE_RSA_WITH_AES_256_GCM_SHA384', openssl: 'DHE-RSA-AES256-GCM-SHA384', tls13: false, auth: 'RSA'},
  {iana: 'TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256', openssl: 'DHE-RSA-CHACHA20-POLY1305', tls13: false, auth: 'RSA'},
  {iana: 'TLS_DHE_RSA_WITH_AES_128_CBC_SHA256', openssl: 'DHE-RSA-AES128-SHA256', tls13: false, auth: 'RSA'},
  {iana: 'TLS_DHE_RSA_WITH_AES_256_CBC_SHA256', openssl: 'DHE-RSA-AES256-SHA256', tls13: false, auth: 'RSA'},
  {iana: 'TLS_DHE_RSA_WITH_AES_128_CBC_SHA', openssl: 'DHE-RSA-AES128-SHA', tls13: false, auth: 'RSA'},
  {iana: 'TLS_DHE_RSA_WITH_AES_256_CBC_SHA', openssl: 'DHE-RSA-AES256-SHA', tls13: false, auth: 'RSA'},

  {iana: 'TLS_RSA_WITH_AES_128_GCM_SHA256', openssl: 'AES128-GCM-SHA256', tls13: false, auth: 'RSA', preferInstead: RSA128},
  {iana: 'TLS_RSA_WITH_AES_256_GCM_SHA384', openssl: 'AES256-GCM-SHA384', tls13: false, auth: 'RSA', preferInstead: RSA256},
  {iana: 'TLS_RSA_WITH_AES_128_CBC_SHA256', openssl: 'AES128-SHA256', tls13: false, auth: 'RSA', preferInstead: RSA128},
  {iana: 'TLS_RSA_WITH_AES_256_CBC_SHA256', openssl: 'AES256-SHA256', tls13: false, auth: 'RSA', preferInstead: RSA256},
  {iana: 'TLS_RSA_WITH_AES_128_CBC_SHA', openssl: 'AES128-SHA', tls13: false, auth: 'RSA', preferInstead: RSA128},
  {iana: 'TLS_RSA_WITH_AES_256_CBC_SHA', openssl: 'AES256-SHA', tls13: false, auth: 'RSA', preferInstead: RSA256},
]

/** Netscape/NSS short names (as 389-DS and iPlanet servers wrote them) for suites that are still fine. */
const NETSCAPE_ALIASES: Readonly<Record<string, string>> = {
  TLS_RSA_AES_128_SHA: 'AES128-SHA',
  TLS_RSA_AES_256_SHA: 'AES256-SHA',
  TLS_DHE_RSA_AES_128_SHA: 'DHE-RSA-AES128-SHA',
  TLS_DHE_RSA_AES_256_SHA: 'DHE-RSA-AES256-SHA',
}

/** Used when the list is empty: forward-secret AEAD only, server order. */
export const DEFAULT_TLS12_CIPHERS: readonly string[] = [
  'ECDHE-ECDSA-AES128-GCM-SHA256',
  'ECDHE-RSA-AES128-GCM-SHA256',
  'ECDHE-ECDSA-AES256-GCM-SHA384',
  'ECDHE-RSA-AES256-GCM-SHA384',
  'ECDHE-ECDSA-CHACHA20-POLY1305',
  'ECDHE-RSA-CHACHA20-POLY1305',
]
export const DEFAULT_TLS13_SUITES: readonly string[] = ['TLS_AES_128_GCM_SHA256', 'TLS_AES_256_GCM_SHA384', 'TLS_CHACHA20_POLY1305_SHA256']

const BY_NAME: ReadonlyMap<string, Suite> = (() => {
  const m = new Map<string, Suite>()
  for (const s of SUITES) {
    m.set(s.iana.toUpperCase(), s)
    m.set(s.openssl.toUpperCase(), s)
  }
  for (const [alias, openssl] of Object.entries(NETSCAPE_ALIASES)) m.set(alias, m.get(openssl)!)
  return m
})()

/**
 * Words that make up cipher-suite names in any of the accepted spellings.
 * A name built only from these is a real suite (legacy or merely not
 * offered); anything else is reported as unknown.
 */
const VOCABULARY = new Set([
  'TLS', 'SSL', 'SSL2', 'WITH', 'RSA', 'DH', 'DHE', 'EDH', 'ECDH', 'ECDHE', 'ECDSA', 'DSS', 'ANON', 'ADH', 'AECDH',
  'PSK', 'SRP', 'KRB5', 'FIPS', 'FORTEZZA', 'DMS', 'KEA', 'EXP', 'EXPORT', 'EXP1024', 'EXPORT1024', 'NULL',
  'RC4', 'RC4EXPORT', 'RC2', 'RC2EXPORT', 'DES', 'DES40', '3DES', 'DESEDE3', 'EDE', 'CBC', 'CBC3', 'CBC40', 'IDEA',
  'AES', 'AES128', 'AES256', 'GCM', 'CCM', 'CCM8', 'CHACHA20', 'POLY1305', 'CAMELLIA', 'CAMELLIA128', 'CAMELLIA256',
  'SEED', 'ARIA', 'ARIA128', 'ARIA256', 'MD5', 'SHA', 'SHA1', 'SHA256', 'SHA384', '8', '40', '56', '128', '168', '256', '1024',
])

/** What makes a legacy suite unsafe, in the order a warning names it (worst first). */
const WEAKNESSES: ReadonlyArray<readonly [string, (t: readonly string[]) => boolean]> = [
  ['NULL (no encryption)', (t) => t.includes('NULL')],
  ['anonymous (no server authentication)', (t) => t.some((w) => w === 'ANON' || w === 'ADH' || w === 'AECDH')],
  ['an export-grade suite', (t) => t.some((w) => w.startsWith('EXP') || w.endsWith('EXPORT'))],
  ['RC4', (t) => t.some((w) => w.startsWith('RC4'))],
  ['RC2', (t) => t.some((w) => w.startsWith('RC2'))],
  ['3DES', (t) => t.some((w) => w === '3DES' || w === 'DESEDE3' || w === 'CBC3' || w === 'EDE')],
  ['single DES', (t) => t.some((w) => w === 'DES' || w === 'DES40')],
  ['IDEA', (t) => t.includes('IDEA')],
  ['FORTEZZA', (t) => t.includes('FORTEZZA')],
  ['MD5-authenticated', (t) => t.includes('MD5')],
  ['DSS (DSA-authenticated)', (t) => t.includes('DSS')],
]

/** OpenSSL cipher-string keywords: a sign someone pasted an OpenSSL rule instead of a list. */
const OPENSSL_KEYWORDS = /^(ALL|DEFAULT|HIGH|MEDIUM|LOW|COMPLEMENTOF\w*|ANULL|ENULL|@.*|.*=.*)$/i

export interface CipherList {
  /** TLS 1.2 suites for node's `ciphers`, OpenSSL names joined by `:` ('' when only TLS 1.3 suites were listed). */
  readonly ciphers: string
  /** TLS 1.3 suites, joined by `:` (never empty: the defaults when none were listed). */
  readonly ciphersuites: string
  readonly warnings: readonly string[]
}

/** One or more names in the list that cannot be used; the whole list is refused. */
export class CipherListError extends ConfigError {
  constructor(message: string, readonly names: readonly string[]) {
    super(message)
  }
}

function tokens(name: string): string[] {
  return name.toUpperCase().split(/[-_]/)
}

function weaknessOf(name: string): string | null {
  const t = tokens(name)
  return WEAKNESSES.find(([, test]) => test(t))?.[0] ?? null
}

function isSuiteShaped(name: string): boolean {
  return tokens(name).every((w) => VOCABULARY.has(w))
}

function replacementFor(name: string): string {
  return tokens(name).includes('ECDSA') ? ECDSA128 : RSA128
}

/** The authentication of a TLS 1.2 OpenSSL suite name, or null when not one msgctl offers. */
export function cipherAuthentication(opensslName: string): CipherAuthentication | null {
  return BY_NAME.get(opensslName.toUpperCase())?.auth ?? null
}

/**
 * Parse the parameter's value. Order is kept (the server's preference, with
 * honorCipherOrder); duplicates count once. Throws CipherListError when a
 * name is unknown or when only disabled suites are left (a list of legacy
 * suites alone falls back to the built-in set, with warnings).
 */
export function parseCipherList(text: string): CipherList {
  const words = text.split(/[\s,:]+/).filter((w) => w !== '')
  if (words.length === 0) {
    return {ciphers: DEFAULT_TLS12_CIPHERS.join(':'), ciphersuites: DEFAULT_TLS13_SUITES.join(':'), warnings: []}
  }
  const tls12: string[] = []
  const tls13: string[] = []
  const warnings: string[] = []
  const unknown: string[] = []
  const keywords: string[] = []
  const refused: string[] = []
  for (const word of words) {
    const disabled = word.startsWith('-') || word.startsWith('!')
    const name = word.replace(/^[-+!]/, '')
    const suite = BY_NAME.get(name.toUpperCase())
    if (suite) {
      if (disabled) continue
      const into = suite.tls13 ? tls13 : tls12
      if (!into.includes(suite.openssl)) into.push(suite.openssl)
      if (suite.preferInstead) {
        warnings.push(`${name} has no forward secrecy (RSA key exchange); it is enabled, but prefer ${suite.preferInstead}`)
      }
      continue
    }
    if (OPENSSL_KEYWORDS.test(name)) {
      keywords.push(word)
      continue
    }
    const weakness = isSuiteShaped(name) ? weaknessOf(name) : null
    if (weakness) {
      // An explicitly disabled legacy suite is exactly what we do anyway: nothing to say.
      if (!disabled) {
        refused.push(name)
        warnings.push(`${name} is ${weakness} and is never enabled; use ${replacementFor(name)}`)
      }
      continue
    }
    unknown.push(name)
  }

  if (unknown.length > 0 || keywords.length > 0) {
    const parts: string[] = []
    if (unknown.length > 0) {
      const list = unknown.map((n) => `"${n}"`).join(', ')
      parts.push(`encryption.nsssl3ciphers names ${unknown.length === 1 ? 'a cipher suite' : 'cipher suites'} msgctl does not know or offer: ${list}`)
    }
    if (keywords.length > 0) {
      parts.push(`OpenSSL cipher-string keywords (${keywords.join(', ')}) are not accepted`)
    }
    throw new CipherListError(
      `${parts.join('; ')}; list suites by name, e.g. ${RSA128},TLS_AES_128_GCM_SHA256, or set it empty for the built-in modern set`,
      [...unknown, ...keywords],
    )
  }
  if (tls12.length === 0 && tls13.length === 0) {
    if (refused.length > 0) {
      // The seed's own cipher list is all legacy: an old runbook must still give a working server.
      warnings.push(`encryption.nsssl3ciphers lists only legacy suites (${refused.join(', ')}); the built-in modern set is used instead`)
      return {ciphers: DEFAULT_TLS12_CIPHERS.join(':'), ciphersuites: DEFAULT_TLS13_SUITES.join(':'), warnings}
    }
    throw new CipherListError(
      `encryption.nsssl3ciphers lists only disabled suites, so no TLS connection could be made; list modern suites such as ${RSA128} and ${ECDSA128}, or set it empty (configutil -o encryption.nsssl3ciphers -v "") for the built-in modern set`,
      refused,
    )
  }
  if (tls12.length === 0) {
    warnings.push('encryption.nsssl3ciphers lists no TLS 1.2 suite, so only TLS 1.3 clients can connect')
  }
  // Old lists name no TLS 1.3 suite at all; TLS 1.3 then keeps its defaults,
  // all of which are modern AEAD, instead of being switched off by omission.
  return {
    ciphers: tls12.join(':'),
    ciphersuites: (tls13.length > 0 ? tls13 : DEFAULT_TLS13_SUITES).join(':'),
    warnings,
  }
}
