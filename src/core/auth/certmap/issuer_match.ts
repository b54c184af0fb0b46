/**
 * Which map applies to a certificate: the one whose issuer DN equals the
 * certificate's issuer, else `default`.
 *
 * Equality is RDN by RDN on the parsed names, not on the text: attribute
 * types are compared by OID (so `CN`, `cn` and `OID.2.5.4.3` agree), values
 * case-insensitively with runs of white space collapsed and ends trimmed
 * (LDAP caseIgnoreMatch), and the values inside a multi-valued RDN as a set.
 * Sun's documentation asked for an exact string match ("differences in
 * spaces make two different maps"); 389-ds normalises spaces and ignores
 * case. We follow 389-ds because an issuer typed into a config file rarely
 * matches the CA's encoding byte for byte, and a silent fall-through to the
 * default map is the worse failure. The string type (PrintableString or
 * UTF8String) does not matter; values that are not strings compare by DER.
 */
import type {AttributeTypeAndValue, DistinguishedName} from '../../pki/dn.js'
import type {CertmapConfig, CertmapMap} from './certmap_config.js'

function avaKey(ava: AttributeTypeAndValue): string {
  const value = ava.value === null
    ? '#' + ava.valueDer.toString('hex')
    : ava.value.normalize('NFC').toLowerCase().replace(/\s+/g, ' ').trim()
  return `${ava.oid}=${JSON.stringify(value)}`
}

/** A string equal for two DNs exactly when they match as described above. */
export function dnMatchKey(dn: DistinguishedName): string {
  return dn.rdns.map((rdn) => rdn.map(avaKey).sort().join('+')).join(',')
}

export function sameDn(a: DistinguishedName, b: DistinguishedName): boolean {
  return dnMatchKey(a) === dnMatchKey(b)
}

/** The issuer's own map, else the default map, else null (the certificate does not map). */
export function findCertmap(config: CertmapConfig, issuer: DistinguishedName): CertmapMap | null {
  const key = dnMatchKey(issuer)
  return config.maps.find((m) => m.issuer !== null && dnMatchKey(m.issuer) === key) ?? config.defaultMap
}
