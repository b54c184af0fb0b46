/**
 * Certificate names written as LDAP DN strings (RFC 4514), for search bases
 * and for the CmapLdapAttr value. The repo's formatDn gives NSS's display
 * form, which quotes values instead of escaping them; LDAP servers want the
 * RFC 4514 form.
 */
import type {AttributeTypeAndValue, RelativeDistinguishedName} from '../../pki/dn.js'

/**
 * LDAP names of the attribute types a subject commonly holds (RFC 4514's
 * table plus the usual directory schema). Others are written as dotted
 * OIDs, which every LDAP server accepts.
 */
const LDAP_NAMES: ReadonlyMap<string, string> = new Map([
  ['2.5.4.3', 'CN'],
  ['2.5.4.7', 'L'],
  ['2.5.4.8', 'ST'],
  ['2.5.4.10', 'O'],
  ['2.5.4.11', 'OU'],
  ['2.5.4.6', 'C'],
  ['2.5.4.9', 'STREET'],
  ['0.9.2342.19200300.100.1.25', 'DC'],
  ['0.9.2342.19200300.100.1.1', 'UID'],
  ['0.9.2342.19200300.100.1.3', 'mail'],
  // OpenLDAP and 389-ds know PKCS#9 email by this name; NSS displays it as E.
  ['1.2.840.113549.1.9.1', 'emailAddress'],
  ['2.5.4.4', 'SN'],
  ['2.5.4.42', 'givenName'],
  ['2.5.4.5', 'serialNumber'],
  ['2.5.4.12', 'title'],
  ['2.5.4.17', 'postalCode'],
  ['2.5.4.16', 'postalAddress'],
  ['2.5.4.18', 'postOfficeBox'],
  ['2.5.4.51', 'houseIdentifier'],
  ['2.5.4.46', 'dnQualifier'],
  ['2.5.4.44', 'generationQualifier'],
  ['2.5.4.43', 'initials'],
  ['2.5.4.65', 'pseudonym'],
  ['2.5.4.41', 'name'],
  ['2.5.4.15', 'businessCategory'],
])

export function ldapAttributeName(oid: string): string {
  return LDAP_NAMES.get(oid) ?? oid
}

/** RFC 4514 §2.4 value escaping; values that are not strings become `#` + their DER in hex. */
export function escapeDnValue(ava: AttributeTypeAndValue): string {
  if (ava.value === null) return '#' + ava.valueDer.toString('hex')
  const chars = [...ava.value]
  return chars.map((ch, i) => {
    if ('"+,;<>\\'.includes(ch)) return '\\' + ch
    const c = ch.codePointAt(0) as number
    // Controls are allowed raw, but escaped they cannot break a log line.
    if (c < 0x20 || c === 0x7f) return '\\' + c.toString(16).padStart(2, '0')
    if (i === 0 && (ch === ' ' || ch === '#')) return '\\' + ch
    if (i === chars.length - 1 && ch === ' ') return '\\ '
    return ch
  }).join('')
}

/** RDNs (most specific first) as an LDAP DN string; `nameOf` picks the attribute name. */
export function formatLdapDn(rdns: readonly RelativeDistinguishedName[], nameOf: (ava: AttributeTypeAndValue) => string = (ava) => ldapAttributeName(ava.oid)): string {
  return rdns.map((rdn) => rdn.map((ava) => `${nameOf(ava)}=${escapeDnValue(ava)}`).join('+')).join(',')
}
