import assert from 'node:assert/strict'
import {test} from 'node:test'
import {
  CertmapError, certmapQuery, findCertmap, parseCertmap, selectEntry,
  type CertmapCandidate, type CertmapConfig, type CertmapQuery, type CertmapRefusal,
} from '../../src/core/auth/certmap/index.js'
import {generateKeyPair, type KeyPair} from '../../src/core/pki/keys.js'
import {parseDn} from '../../src/core/pki/dn.js'
import {Certificate} from '../../src/core/pki/x509_certificate.js'
import {buildCertificate, validityPeriod} from '../../src/core/pki/x509_certificate_builder.js'
import {basicConstraintsExtension, parseEmailList, subjectAltNameExtension, type ExtensionSpec} from '../../src/core/pki/x509_extensions.js'

// EC keys: fast to make, and key type is irrelevant to mapping.
const [caKey, otherCaKey, userKey] = await Promise.all([
  generateKeyPair({type: 'ec'}),
  generateKeyPair({type: 'ec'}),
  generateKeyPair({type: 'ec'}),
])
const validity = validityPeriod({now: new Date(Date.UTC(2026, 10, 29)), months: 12})

function makeCa(subject: string, key: KeyPair): Certificate {
  return buildCertificate(
    {serialNumber: 1n, subject: parseDn(subject), ...validity, publicKey: key.publicKey, extensions: [basicConstraintsExtension({ca: true, critical: true})]},
    {privateKey: key.privateKey},
  )
}

let serial = 100n
/** A user certificate signed by `ca`, re-read from its DER like a certificate from a TLS handshake. */
function issue(ca: Certificate, caPair: KeyPair, subject: string, extensions: ExtensionSpec[] = []): Certificate {
  const built = buildCertificate(
    {serialNumber: serial++, subject: parseDn(subject), ...validity, publicKey: userKey.publicKey, extensions},
    {issuerCertificate: ca, privateKey: caPair.privateKey},
  )
  return Certificate.fromDer(built.der)
}

const USPS_CA = makeCa('OU=United States Postal Service,O=usps,C=US', caKey)
const OTHER_CA = makeCa('CN=Other CA,O=Example,C=US', otherCaKey)
const fromUsps = (subject: string, ext: ExtensionSpec[] = []): Certificate => issue(USPS_CA, caKey, subject, ext)
const fromOther = (subject: string, ext: ExtensionSpec[] = []): Certificate => issue(OTHER_CA, otherCaKey, subject, ext)

/** The example file of the daemon reference §4.1, comments included. */
const REFERENCE_EXAMPLE = `certmap default default            # mandatory first map: name "default", issuer "default"
default:DNComps                     # present but empty
default:FilterComps e, uid
default:verifycert on
default:CmapLdapAttr certSubjectDN
certmap usps ou=United States Postal Service, o=usps, c=US
usps:DNComps ou,o,c
usps:FilterComps e
usps:verifycert on
`

function query(config: CertmapConfig | string, cert: Certificate): CertmapQuery {
  const q = certmapQuery(typeof config === 'string' ? parseCertmap(config) : config, cert)
  assert.equal(q.refused, false, q.refused ? q.reason : '')
  return q as CertmapQuery
}

function refusal(config: CertmapConfig | string, cert: Certificate): string {
  const q = certmapQuery(typeof config === 'string' ? parseCertmap(config) : config, cert)
  assert.equal(q.refused, true, 'expected a refusal')
  return (q as CertmapRefusal).reason
}

/** A one-map file for the default map with the given property lines. */
const defaultMap = (...props: string[]): string => ['certmap default default', ...props.map((p) => `default:${p}`)].join('\n')

// ---------------------------------------------------------------- parser

test('parseCertmap: the reference example', () => {
  const config = parseCertmap(REFERENCE_EXAMPLE)
  assert.deepEqual(config.warnings, [])
  assert.equal(config.maps.length, 2)
  const [def, usps] = config.maps
  assert.equal(config.defaultMap, def)
  assert.deepEqual({...def}, {name: 'default', issuer: null, line: 1, dnComps: [], filterComps: ['e', 'uid'], verifyCert: true, ldapAttr: 'certSubjectDN'})
  assert.equal(usps?.name, 'usps')
  assert.equal(usps?.line, 6)
  assert.equal(usps?.issuer?.text, 'OU=United States Postal Service,O=usps,C=US')
  assert.deepEqual(usps?.dnComps, ['ou', 'o', 'c'])
  assert.deepEqual(usps?.filterComps, ['e'])
  assert.equal(usps?.verifyCert, true)
  assert.equal(usps?.ldapAttr, null, 'issuer maps do not inherit CmapLdapAttr from default')
})

test('parseCertmap: absent, empty and listed DNComps/FilterComps are three different things', () => {
  const [absent] = parseCertmap('certmap default default').maps
  assert.equal(absent?.dnComps, null)
  assert.equal(absent?.filterComps, null)
  assert.equal(absent?.verifyCert, false, 'verifycert absent = off')
  assert.equal(absent?.ldapAttr, null)
  const [empty] = parseCertmap(defaultMap('DNComps', 'FilterComps   ')).maps
  assert.deepEqual(empty?.dnComps, [])
  assert.deepEqual(empty?.filterComps, [])
  const [list] = parseCertmap(defaultMap('DNComps  c o,OU , cn', 'FilterComps UID,,Mail e uid')).maps
  assert.deepEqual(list?.dnComps, ['c', 'o', 'ou', 'cn'])
  assert.deepEqual(list?.filterComps, ['uid', 'mail', 'e'], 'lower-cased, each once')
})

test('parseCertmap: comments, blank lines, CRLF, BOM and case-insensitive names', () => {
  const text = '\uFEFF# certmap.conf\r\n\r\n   # indented comment\r\nCERTMAP Default DEFAULT\r\nDEFAULT:dncomps\r\ndefault : FILTERCOMPS cn # trailing comment\r\nDefault:VerifyCert OFF\r\ndefault:cmapldapattr certSubjectDN\r\n'
  const config = parseCertmap(text)
  const [def] = config.maps
  assert.equal(def?.name, 'Default')
  assert.equal(def?.line, 4)
  assert.deepEqual(def?.dnComps, [])
  assert.deepEqual(def?.filterComps, ['cn'])
  assert.equal(def?.verifyCert, false)
  assert.equal(def?.ldapAttr, 'certSubjectDN')
  assert.equal(config.defaultMap, def)
})

test('parseCertmap: verifycert on, off, empty (= on), absent (= off)', () => {
  const verify = (line: string | null): boolean => parseCertmap(line === null ? 'certmap default default' : defaultMap(line)).maps[0]!.verifyCert
  assert.equal(verify('verifycert on'), true)
  assert.equal(verify('verifycert On'), true)
  assert.equal(verify('verifycert off'), false)
  assert.equal(verify('verifycert OFF'), false)
  assert.equal(verify('verifycert'), true, 'empty value means on (mail/news compatibility)')
  assert.equal(verify(null), false)
})

test('parseCertmap: a file without a default map parses, with a warning', () => {
  const config = parseCertmap('certmap usps ou=United States Postal Service, o=usps, c=US\nusps:FilterComps e\n')
  assert.equal(config.defaultMap, null)
  assert.equal(config.warnings.length, 1)
  assert.match(config.warnings[0]!, /no "certmap default default" map/)
  assert.equal(parseCertmap('').warnings.length, 1, 'an empty file has no default map either')
})

test('parseCertmap: every error is a CertmapError naming its line and the fix', () => {
  const cases: Array<[string, number, RegExp]> = [
    ['default:DNComps', 1, /unknown map "default"; start the file with "certmap default default"/],
    ['certmap default default\nusps:DNComps o', 2, /unknown map "usps"; declare it first with "certmap usps <issuer DN>"/],
    ['certmap default default\n\ndefault:DNComp o', 3, /unknown property "DNComp" for map "default"; use DNComps, FilterComps, verifycert or CmapLdapAttr/],
    ['certmap default default\ncertmap a o=A\ncertmap A o=B', 3, /map "A" is already declared on line 2/],
    ['certmap default default\ndefault:FilterComps e\ndefault:filtercomps uid', 3, /FilterComps of map "default" is already set on line 2; keep one/i],
    ['certmap default default\ndefault:FilterComps e-mail', 2, /unknown attribute "e-mail"; use cn ou o c l st uid dc e mail/],
    ['certmap default default\ndefault:DNComps cn sn', 2, /DNComps: unknown attribute "sn"/],
    ['certmap default default\ndefault:library /usr/lib/libmap.so', 2, /library: custom mapping plug-ins are not supported; remove this line/],
    ['certmap default default\ndefault:InitFn plugin_init_fn', 2, /InitFn: custom mapping plug-ins are not supported/],
    ['certmap default default\ndefault:verifycert yes', 2, /verifycert takes "on" or "off", not "yes"/],
    ['certmap default default\ndefault:CmapLdapAttr', 2, /CmapLdapAttr of map "default" needs an attribute name/],
    ['certmap default default\ndefault:CmapLdapAttr cert(subject)', 2, /"cert\(subject\)" is not an LDAP attribute name/],
    ['certmap a o=A\ncertmap default default', 2, /the default map must be the first map; move "certmap default default" above line 1/],
    ['certmap default o=A', 1, /must be written "certmap default default"/],
    ['certmap default default\ncertmap x default', 2, /only the map named default may use issuer "default"/],
    ['certmap default default\ncertmap x', 2, /map "x" has no issuer DN; write "certmap x <issuer DN>"/],
    ['certmap', 1, /certmap needs a map name and an issuer DN/],
    ['certmap default default\ncertmap x foo=bar, o=A', 2, /issuer DN of map "x" is not a DN \(unknown attribute type "foo"/],
    ['certmap default default\ncertmap x o=A,c=US\ncertmap y  O=a ;  C=us', 3, /map "y" has the same issuer as map "x" on line 2; merge them/],
    ['certmap default default\ncertmap a:b o=A', 2, /map name "a:b" may hold only letters, digits/],
    ['certmap default default\ndefault DNComps', 2, /cannot read "default DNComps"; write "certmap <name> <issuer DN>" or "<name>:<property> \[value\]"/],
  ]
  for (const [text, line, pattern] of cases) {
    assert.throws(() => parseCertmap(text), (e: unknown) => {
      assert.ok(e instanceof CertmapError, `${JSON.stringify(text)} should throw CertmapError, got ${String(e)}`)
      assert.equal(e.line, line, `line for ${JSON.stringify(text)}`)
      assert.ok(e.message.startsWith(`certmap.conf line ${line}: `), e.message)
      assert.match(e.message, pattern)
      assert.ok(!e.message.includes('\n'), 'one line')
      assert.equal(e.exitCode, 1)
      return true
    })
  }
})

// ---------------------------------------------------------------- map choice

test('map choice: the issuer map, else default; issuer compared RDN-wise ignoring case and spacing', () => {
  const config = parseCertmap(REFERENCE_EXAMPLE)
  assert.equal(findCertmap(config, USPS_CA.subject)?.name, 'usps')
  assert.equal(findCertmap(config, OTHER_CA.subject)?.name, 'default')
  const user = fromUsps('E=jdoe@usps.gov,CN=John Doe,OU=United States Postal Service,O=usps,C=US')
  assert.equal(query(config, user).mapName, 'usps')

  // Different case, runs of spaces inside values, ';' separator, spaces around separators.
  const spaced = parseCertmap('certmap default default\ncertmap usps   ou=united states   postal SERVICE ;O=USPS,   c=us\nusps:FilterComps cn\n')
  assert.equal(query(spaced, user).mapName, 'usps')
  // A dotted OID names the same attribute type as its keyword.
  const oid = parseCertmap('certmap default default\ncertmap usps OID.2.5.4.11=United States Postal Service,o=usps,c=US\nusps:FilterComps cn\n')
  assert.equal(query(oid, user).mapName, 'usps')
  // A different value, or the RDNs in another order, is another issuer.
  for (const issuer of ['ou=United States Postal Service, o=usps2, c=US', 'o=usps, ou=United States Postal Service, c=US', 'ou=United States Postal Service, o=usps']) {
    const other = parseCertmap(`certmap default default\ndefault:FilterComps cn\ncertmap usps ${issuer}\nusps:FilterComps e\n`)
    assert.equal(query(other, user).mapName, 'default', issuer)
  }
})

test('map choice: without a default map, an unmapped issuer is refused', () => {
  const config = parseCertmap('certmap usps ou=United States Postal Service, o=usps, c=US\nusps:FilterComps cn\n')
  assert.equal(query(config, fromUsps('CN=John Doe,O=usps,C=US')).filter, '(cn=John Doe)')
  assert.equal(refusal(config, fromOther('CN=Jane,O=Example,C=US')), 'no certmap for issuer "CN=Other CA,O=Example,C=US" and no default map')
})

// ---------------------------------------------------------------- queries

test('query: the reference example, issuer map and default map', () => {
  const config = parseCertmap(REFERENCE_EXAMPLE)
  const usps = query(config, fromUsps('E=jdoe@usps.gov,CN=John Doe,OU=United States Postal Service,O=usps,C=US'))
  assert.deepEqual({...usps}, {
    refused: false,
    mapName: 'usps',
    base: {kind: 'dn', dn: 'OU=United States Postal Service,O=usps,C=US'},
    scope: 'subtree',
    filter: '(mail=jdoe@usps.gov)',
    attributes: [{attribute: 'mail', value: 'jdoe@usps.gov'}],
    dnAttributeFilter: null,
    fallbackSearch: true,
    verifyCert: true,
  })

  const jane = query(config, fromOther('CN=Jane Roe,UID=jane,E=jane@example.com,O=Example,C=US'))
  assert.deepEqual({...jane}, {
    refused: false,
    mapName: 'default',
    base: {kind: 'suffix'},
    scope: 'subtree',
    filter: '(&(uid=jane)(mail=jane@example.com))',
    attributes: [{attribute: 'uid', value: 'jane'}, {attribute: 'mail', value: 'jane@example.com'}],
    dnAttributeFilter: '(certSubjectDN=CN=Jane Roe,UID=jane,emailAddress=jane@example.com,O=Example,C=US)',
    fallbackSearch: true,
    verifyCert: true,
  })
})

test('query: DNComps absent = the subject DN is the entry (base scope)', () => {
  const q = query(defaultMap('FilterComps uid'), fromOther('UID=jdoe,CN=Doe\\, John,O=Example,C=US'))
  assert.deepEqual(q.base, {kind: 'subject', dn: 'UID=jdoe,CN=Doe\\, John,O=Example,C=US'})
  assert.equal(q.scope, 'base')
  assert.equal(q.filter, '(uid=jdoe)')
})

test('query: DNComps empty = search under the suffix', () => {
  const q = query(defaultMap('DNComps', 'FilterComps cn'), fromOther('CN=John,O=Example,C=US'))
  assert.deepEqual(q.base, {kind: 'suffix'})
  assert.equal(q.scope, 'subtree')
})

test('query: DNComps list follows the subject order, not the keyword order', () => {
  const cert = fromOther('CN=John,OU=Sales,OU=East,O=Example,L=Boston,ST=MA,C=US')
  const a = query(defaultMap('DNComps c st o ou'), cert)
  const b = query(defaultMap('DNComps ou,o,st,c'), cert)
  assert.deepEqual(a.base, {kind: 'dn', dn: 'OU=Sales,OU=East,O=Example,ST=MA,C=US'})
  assert.deepEqual(b.base, a.base)
  // Multi-valued RDNs keep the selected values together; e-mail is written as mail.
  const multi = query(defaultMap('DNComps dc uid e'), fromOther('CN=x+UID=jd,E=jd@example.com,DC=example,DC=com'))
  assert.deepEqual(multi.base, {kind: 'dn', dn: 'UID=jd,mail=jd@example.com,DC=example,DC=com'})
})

test('query: DNComps list with none of its attributes in the subject is refused', () => {
  assert.equal(refusal(defaultMap('DNComps dc uid', 'FilterComps cn'), fromOther('CN=John,O=Example,C=US')),
    'subject "CN=John,O=Example,C=US" has none of DNComps dc,uid (map "default")')
})

test('query: FilterComps single, multiple, subject order, absent and empty', () => {
  const cert = fromOther('CN=John Doe,UID=jdoe,OU=Sales,O=Example,C=US')
  assert.equal(query(defaultMap('FilterComps uid'), cert).filter, '(uid=jdoe)', 'one component: no (&...)')
  const multi = query(defaultMap('FilterComps uid, cn, ou'), cert)
  assert.equal(multi.filter, '(&(cn=John Doe)(uid=jdoe)(ou=Sales))', 'subject order')
  assert.deepEqual(multi.attributes, [{attribute: 'cn', value: 'John Doe'}, {attribute: 'uid', value: 'jdoe'}, {attribute: 'ou', value: 'Sales'}])
  for (const text of ['certmap default default', defaultMap('FilterComps')]) {
    const q = query(text, cert)
    assert.equal(q.filter, '(objectclass=*)')
    assert.deepEqual(q.attributes, [])
  }
  // Repeated attribute types each become a term.
  assert.equal(query(defaultMap('FilterComps ou'), fromOther('CN=x,OU=a,OU=b,C=US')).filter, '(&(ou=a)(ou=b))')
})

test('query: a listed keyword missing from the subject is skipped; none present is refused', () => {
  const cert = fromOther('CN=John,O=Example,C=US')
  assert.equal(query(defaultMap('FilterComps e, uid, cn'), cert).filter, '(cn=John)')
  assert.equal(refusal(defaultMap('FilterComps e, uid'), cert), 'subject "CN=John,O=Example,C=US" has none of FilterComps e,uid (map "default")')
})

test('query: e and mail take emailAddress or mail from the subject, else the first SAN rfc822Name', () => {
  const e = query(defaultMap('FilterComps mail'), fromOther('E=a@example.com,CN=A'))
  assert.equal(e.filter, '(mail=a@example.com)')
  const mail = query(defaultMap('FilterComps e'), fromOther('MAIL=b@example.com,CN=B'))
  assert.equal(mail.filter, '(mail=b@example.com)')
  const san = query(defaultMap('FilterComps e, cn'), fromOther('CN=C', [subjectAltNameExtension(parseEmailList('c@example.com,c2@example.com'))]))
  assert.equal(san.filter, '(&(cn=C)(mail=c@example.com))')
  const both = query(defaultMap('FilterComps e'), fromOther('E=d@example.com,CN=D', [subjectAltNameExtension(parseEmailList('other@example.com'))]))
  assert.equal(both.filter, '(mail=d@example.com)', 'the subject wins over the SAN')
  // The SAN does not rescue a map that does not ask for e-mail.
  assert.match(refusal(defaultMap('FilterComps uid'), fromOther('CN=E', [subjectAltNameExtension(parseEmailList('e@example.com'))])), /none of FilterComps uid/)
})

test('query: CmapLdapAttr adds the subject-DN filter; no brute-force fallback under the suffix', () => {
  const cert = fromOther('CN=John,O=Example,C=US')
  const withFilter = query(defaultMap('DNComps', 'FilterComps cn', 'CmapLdapAttr certSubjectDN'), cert)
  assert.equal(withFilter.dnAttributeFilter, '(certSubjectDN=CN=John,O=Example,C=US)')
  assert.equal(withFilter.fallbackSearch, true)
  const bare = query(defaultMap('DNComps', 'CmapLdapAttr certSubjectDN'), cert)
  assert.equal(bare.filter, '(objectclass=*)')
  assert.equal(bare.fallbackSearch, false, 'a tree-wide (objectclass=*) search is not a fallback')
  const underDn = query(defaultMap('DNComps o c', 'CmapLdapAttr certSubjectDN'), cert)
  assert.equal(underDn.fallbackSearch, true)
  assert.equal(query(defaultMap('DNComps', 'FilterComps cn'), cert).dnAttributeFilter, null)
})

test('query: filter-injection values in the subject are escaped (RFC 4515 in filters, RFC 4514 in DNs)', () => {
  const cert = fromOther('CN="a)(uid=*",OU=*,O=back\\\\slash,C=US')
  assert.equal(cert.subject.rdns[0]![0]!.value, 'a)(uid=*', 'the certificate really holds the raw value')
  const q = query(defaultMap('DNComps cn o', 'FilterComps cn ou o', 'CmapLdapAttr certSubjectDN'), cert)
  assert.equal(q.filter, '(&(cn=a\\29\\28uid=\\2a)(ou=\\2a)(o=back\\5cslash))')
  assert.deepEqual(q.attributes, [{attribute: 'cn', value: 'a)(uid=*'}, {attribute: 'ou', value: '*'}, {attribute: 'o', value: 'back\\slash'}])
  assert.deepEqual(q.base, {kind: 'dn', dn: 'CN=a)(uid=*,O=back\\\\slash'})
  assert.equal(q.dnAttributeFilter, '(certSubjectDN=CN=a\\29\\28uid=\\2a,OU=\\2a,O=back\\5c\\5cslash,C=US)')

  const star = query(defaultMap('FilterComps cn'), fromOther('CN=*'))
  assert.equal(star.filter, '(cn=\\2a)', 'CN=* must not match every entry')
  const dnSpecials = query(defaultMap('FilterComps cn'), fromOther('CN=" #lead+x;y<z> "'))
  assert.deepEqual(dnSpecials.base, {kind: 'subject', dn: 'CN=\\ #lead\\+x\\;y\\<z\\>\\ '})
})

// ---------------------------------------------------------------- entry selection

test('selectEntry: outcomes', () => {
  const config = parseCertmap(REFERENCE_EXAMPLE)
  const cert = fromUsps('E=jdoe@usps.gov,CN=John Doe,OU=United States Postal Service,O=usps,C=US')
  const other = fromUsps('E=jdoe@usps.gov,CN=John Doe (old),OU=United States Postal Service,O=usps,C=US')
  const verifying = query(config, cert)
  const notVerifying = query(REFERENCE_EXAMPLE.replace('usps:verifycert on', 'usps:verifycert off'), cert)
  assert.equal(notVerifying.verifyCert, false)
  const entry = (dn: string, uid: string | null, certificates: Buffer[]): CertmapCandidate => ({dn, uid, certificates})
  const jdoe = entry('uid=jdoe,ou=people,o=usps,c=US', 'jdoe', [other.der, cert.der])
  const jdoe2 = entry('uid=jdoe2,ou=people,o=usps,c=US', 'jdoe2', [other.der])

  assert.deepEqual(selectEntry(verifying, [], cert.der), {refused: true, reason: 'certificate maps to no entry (map "usps")'})
  assert.deepEqual(selectEntry(verifying, [jdoe], cert.der), {refused: false, user: 'jdoe'})
  assert.deepEqual(selectEntry(verifying, [jdoe2, jdoe], cert.der), {refused: false, user: 'jdoe'}, 'the entry holding the certificate wins')
  assert.deepEqual(selectEntry(verifying, [jdoe2], cert.der), {refused: true, reason: 'no entry holds this certificate (map "usps"); 1 found, verifycert is on'})
  // The same certificate bytes must match, not just the same subject.
  assert.deepEqual(selectEntry(verifying, [entry('uid=x', 'x', [other.der])], cert.der).refused, true)
  assert.deepEqual(selectEntry(verifying, [jdoe, {...jdoe2, certificates: [cert.der]}], cert.der), {refused: true, reason: 'certificate maps to 2 entries (map "usps")'})

  assert.deepEqual(selectEntry(notVerifying, [jdoe2], cert.der), {refused: false, user: 'jdoe2'}, 'without verifycert the stored certificates do not matter')
  assert.deepEqual(selectEntry(notVerifying, [jdoe, jdoe2], cert.der), {refused: true, reason: 'certificate maps to 2 entries (map "usps")'})
  assert.deepEqual(selectEntry(notVerifying, [jdoe, {...jdoe, dn: 'UID=JDOE,OU=People,O=usps,C=US'}], cert.der), {refused: false, user: 'jdoe'}, 'one entry found twice is one entry')
  assert.deepEqual(selectEntry(notVerifying, [entry('cn=John Doe,o=usps', null, [])], cert.der), {refused: true, reason: 'entry "cn=John Doe,o=usps" has no uid (map "usps")'})
  assert.deepEqual(selectEntry(notVerifying, [entry('cn=John Doe,o=usps', '', [])], cert.der).refused, true)
})
