/**
 * The parsed form of certmap.conf: one map per issuer plus the `default` map,
 * and the subject-attribute keywords DNComps and FilterComps may name.
 */
import type {DistinguishedName} from '../../pki/dn.js'

/** Keywords accepted in DNComps and FilterComps (lower case). */
export const CERTMAP_KEYWORDS = ['cn', 'ou', 'o', 'c', 'l', 'st', 'uid', 'dc', 'e', 'mail'] as const
export type CertmapKeyword = (typeof CERTMAP_KEYWORDS)[number]

const EMAIL_OIDS = ['1.2.840.113549.1.9.1', '0.9.2342.19200300.100.1.3'] as const

interface KeywordInfo {
  /** Certificate attribute types the keyword selects. */
  readonly oids: readonly string[]
  /** LDAP attribute the value is searched in. */
  readonly ldapAttribute: string
}

/**
 * `e` and `mail` both select PKCS#9 emailAddress and RFC 1274 mail, and both
 * are searched as the LDAP `mail` attribute, as the classic servers did.
 */
export const KEYWORD_INFO: Readonly<Record<CertmapKeyword, KeywordInfo>> = {
  cn: {oids: ['2.5.4.3'], ldapAttribute: 'cn'},
  ou: {oids: ['2.5.4.11'], ldapAttribute: 'ou'},
  o: {oids: ['2.5.4.10'], ldapAttribute: 'o'},
  c: {oids: ['2.5.4.6'], ldapAttribute: 'c'},
  l: {oids: ['2.5.4.7'], ldapAttribute: 'l'},
  st: {oids: ['2.5.4.8'], ldapAttribute: 'st'},
  uid: {oids: ['0.9.2342.19200300.100.1.1'], ldapAttribute: 'uid'},
  dc: {oids: ['0.9.2342.19200300.100.1.25'], ldapAttribute: 'dc'},
  e: {oids: EMAIL_OIDS, ldapAttribute: 'mail'},
  mail: {oids: EMAIL_OIDS, ldapAttribute: 'mail'},
}

export function isCertmapKeyword(word: string): word is CertmapKeyword {
  return (CERTMAP_KEYWORDS as readonly string[]).includes(word)
}

/**
 * One `certmap <name> <issuer>` block.
 *
 * DNComps / FilterComps: null when the property is absent, [] when it is
 * present with no value, else the keywords (lower case, each once, in the
 * order written; the order does not matter, output follows the subject).
 */
export interface CertmapMap {
  readonly name: string
  /** The issuer DN; null for the `default` map. */
  readonly issuer: DistinguishedName | null
  /** Line of the `certmap` directive. */
  readonly line: number
  readonly dnComps: readonly CertmapKeyword[] | null
  readonly filterComps: readonly CertmapKeyword[] | null
  /** `verifycert`; absent = off. */
  readonly verifyCert: boolean
  /** `CmapLdapAttr`: attribute holding the full subject DN; null when absent. */
  readonly ldapAttr: string | null
}

export interface CertmapConfig {
  /** Every map in file order, `default` included. */
  readonly maps: readonly CertmapMap[]
  readonly defaultMap: CertmapMap | null
  /** Things that parse but an admin should hear about (one line each). */
  readonly warnings: readonly string[]
}
