/**
 * From a client certificate to the directory search that finds its user,
 * following the map certmap.conf gives for the certificate's issuer.
 *
 * Values from the certificate are attacker-controlled: they go into the
 * filter with RFC 4515 escaping and into DNs with RFC 4514 escaping (389-ds
 * used DN quoting in filters, which lets `CN=*` match everyone).
 */
import type {AttributeTypeAndValue, DistinguishedName, RelativeDistinguishedName} from '../../pki/dn.js'
import type {GeneralName} from '../../pki/general_name.js'
import {escapeFilterValue} from '../ldap_filter.js'
import {KEYWORD_INFO, type CertmapConfig, type CertmapKeyword} from './certmap_config.js'
import {findCertmap} from './issuer_match.js'
import {formatLdapDn, ldapAttributeName} from './ldap_dn.js'

/**
 * What certmap needs from a certificate. The repo's Certificate class fits;
 * subjectAltNames is optional so a caller holding only the names can map.
 */
export interface CertmapCertificate {
  readonly subject: DistinguishedName
  readonly issuer: DistinguishedName
  /** rfc822Name entries stand in for `e`/`mail` when the subject has no e-mail attribute. */
  readonly subjectAltNames?: readonly GeneralName[]
}

/** Where to search. */
export type CertmapBase =
  /** DNComps absent: the subject DN names the user's entry itself. */
  | {readonly kind: 'subject'; readonly dn: string}
  /** DNComps empty: under the directory's base DN (suffix). */
  | {readonly kind: 'suffix'}
  /** DNComps list: under this DN, built from the subject's attributes. */
  | {readonly kind: 'dn'; readonly dn: string}

export interface FilterAttribute {
  /** LDAP attribute name, lower case (`cn`, `mail` ...). */
  readonly attribute: string
  /** The certificate's value, unescaped. */
  readonly value: string
}

export interface CertmapQuery {
  readonly refused: false
  readonly mapName: string
  readonly base: CertmapBase
  /** `base` for a subject base (the entry itself), else `subtree`. */
  readonly scope: 'base' | 'subtree'
  /** RFC 4515 filter; `(objectclass=*)` when FilterComps is absent or empty. */
  readonly filter: string
  /** What `filter` was built from; empty for `(objectclass=*)`. Non-LDAP directories match on these. */
  readonly attributes: readonly FilterAttribute[]
  /** CmapLdapAttr: `(<attr>=<subject DN>)`, to try before `filter`; null when not configured. */
  readonly dnAttributeFilter: string | null
  /**
   * Whether to run the base/filter search when the dnAttributeFilter search
   * finds nothing. False only with CmapLdapAttr, a suffix base and no
   * FilterComps: that search would return every entry (389-ds skips it too).
   */
  readonly fallbackSearch: boolean
  readonly verifyCert: boolean
}

export interface CertmapRefusal {
  readonly refused: true
  /** One sentence for the daemon log. */
  readonly reason: string
}

const ALL_ENTRIES = '(objectclass=*)'

function selects(keywords: readonly CertmapKeyword[], ava: AttributeTypeAndValue): CertmapKeyword | null {
  return keywords.find((k) => KEYWORD_INFO[k].oids.includes(ava.oid)) ?? null
}

/** The subject's AVAs of the listed types, RDN structure and subject order kept. */
function pickRdns(subject: DistinguishedName, keywords: readonly CertmapKeyword[]): RelativeDistinguishedName[] {
  return subject.rdns.map((rdn) => rdn.filter((ava) => selects(keywords, ava) !== null)).filter((rdn) => rdn.length > 0)
}

/**
 * The search for a certificate's user, or why there is none. Output follows
 * the subject's order (most specific first), whatever order the keywords
 * are listed in, as the classic servers did.
 *
 * E-mail: `e`/`mail` take the subject's emailAddress (PKCS#9) and mail
 * (RFC 1274) attributes. Only when the subject has neither does the first
 * subjectAltName rfc822Name stand in (appended last): current CAs put the
 * address there, and one address is enough to find one entry.
 */
export function certmapQuery(config: CertmapConfig, certificate: CertmapCertificate): CertmapQuery | CertmapRefusal {
  const map = findCertmap(config, certificate.issuer)
  if (map === null) return refuse(`no certmap for issuer "${certificate.issuer.text}" and no default map`)
  const subject = certificate.subject
  const subjectDn = formatLdapDn(subject.rdns)

  let base: CertmapBase
  if (map.dnComps === null) base = {kind: 'subject', dn: subjectDn}
  else if (map.dnComps.length === 0) base = {kind: 'suffix'}
  else {
    const rdns = pickRdns(subject, map.dnComps)
    if (rdns.length === 0) return refuse(`subject "${subject.text}" has none of DNComps ${map.dnComps.join(',')} (map "${map.name}")`)
    // Both e-mail types are the `mail` attribute in a directory entry's DN.
    base = {kind: 'dn', dn: formatLdapDn(rdns, (ava) => (selects(['mail'], ava) !== null ? 'mail' : ldapAttributeName(ava.oid)))}
  }

  const attributes: FilterAttribute[] = []
  const comps = map.filterComps ?? []
  for (const rdn of subject.rdns) {
    for (const ava of rdn) {
      const k = selects(comps, ava)
      // A value that is not a string cannot be an assertion value.
      if (k !== null && ava.value !== null) attributes.push({attribute: KEYWORD_INFO[k].ldapAttribute, value: ava.value})
    }
  }
  if ((comps.includes('e') || comps.includes('mail')) && !attributes.some((a) => a.attribute === 'mail')) {
    const san = certificate.subjectAltNames?.find((n) => n.type === 'rfc822Name')
    if (san !== undefined && san.type === 'rfc822Name' && san.value !== '') attributes.push({attribute: 'mail', value: san.value})
  }
  if (comps.length > 0 && attributes.length === 0) {
    return refuse(`subject "${subject.text}" has none of FilterComps ${comps.join(',')} (map "${map.name}")`)
  }

  const terms = attributes.map((a) => `(${a.attribute}=${escapeFilterValue(a.value)})`)
  const filter = terms.length === 0 ? ALL_ENTRIES : terms.length === 1 ? (terms[0] as string) : `(&${terms.join('')})`
  return Object.freeze({
    refused: false,
    mapName: map.name,
    base: Object.freeze(base),
    scope: base.kind === 'subject' ? 'base' : 'subtree',
    filter,
    attributes: Object.freeze(attributes.map((a) => Object.freeze(a))),
    dnAttributeFilter: map.ldapAttr === null ? null : `(${map.ldapAttr}=${escapeFilterValue(subjectDn)})`,
    fallbackSearch: !(map.ldapAttr !== null && base.kind === 'suffix' && attributes.length === 0),
    verifyCert: map.verifyCert,
  })
}

function refuse(reason: string): CertmapRefusal {
  return Object.freeze({refused: true, reason})
}
