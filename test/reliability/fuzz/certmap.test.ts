/**
 * Certificate login: certmap.conf (admin text), client certificates
 * (attacker bytes) and the entries LDAP returns for them.
 *
 * Properties:
 *  - parseCertmap gives a config or CertmapError "certmap.conf line N: ..."
 *    on one line.
 *  - For any subject the certificate may carry (values with LDAP filter
 *    and DN specials, controls, NUL, non-string values), certmapQuery gives
 *    a refusal sentence of one line or a search whose filter is a
 *    well-formed RFC 4515 filter and whose base is a well-formed RFC 4514
 *    DN: a certificate value can never add a filter term, a wildcard or an
 *    RDN.
 *  - selectEntry over any candidates (DNs, uids, certificates from the
 *    directory) picks one candidate's uid or refuses with one line.
 */
import assert from 'node:assert/strict'
import {test} from 'node:test'
import fc from 'fast-check'
import {certmapQuery, CertmapError, parseCertmap, selectEntry, type CertmapCandidate, type CertmapCertificate, type CertmapConfig} from '../../../src/core/auth/certmap/index.js'
import {Certificate, CertificateParseError, nameFromRdns, parseDn, type AttributeTypeAndValue} from '../../../src/core/pki/index.js'
import {der} from '../../../src/core/pki/index.js'
import {NSS} from '../../unit/pki-helpers.js'
import {anyBytes, anyText, derInput, expectTyped, filterProblem, fuzzParams, MemoryWatch, outcomeOf, textInput, unclearMessage} from './fuzz_config.js'

const CONFIGS = [
  `certmap default default            # mandatory first map
default:DNComps
default:FilterComps e, uid
default:verifycert on
default:CmapLdapAttr certSubjectDN
certmap usps ou=United States Postal Service, o=usps, c=US
usps:DNComps ou,o,c
usps:FilterComps e
usps:verifycert on
`,
  'certmap default default\ndefault:DNComps cn,ou,o,c,l,st,uid,dc,e,mail\ndefault:FilterComps cn,uid,mail\n',
  'certmap default default\ndefault:FilterComps cn\r\ncertmap x CN=x,O=y,C=US\r\nx:DNComps\r\nx:CmapLdapAttr seeAlso\r\n',
  'certmap default default\n',
]
const TOKENS = ['certmap', ' default', ':DNComps', ':FilterComps', ':verifycert', ':CmapLdapAttr', ' on', ' off', ' cn', ',', 'ou', 'e', 'mail', 'uid', '\n', '\r\n', '#', 'o=usps', 'c=US', ' ', ':library', ':InitFn']

test('parseCertmap: any text gives a config or CertmapError "certmap.conf line N: ..." on one line', () => {
  fc.assert(
    fc.property(textInput(CONFIGS, TOKENS), (text) => {
      const r = outcomeOf('parseCertmap', text, () => parseCertmap(text), [CertmapError])
      if (!r.ok) assert.match(r.error.message, /^certmap\.conf line \d+: /)
      else for (const w of r.value.warnings) assert.equal(unclearMessage(w), null, `warning ${JSON.stringify(w)}`)
    }),
    fuzzParams(6),
  )
})

// ---------------------------------------------------------------- well-formed output

/** RFC 4514: AVAs separated by unescaped "," or "+", each type=value with specials escaped (or #hex). */
function dnProblem(s: string): string | null {
  if (s === '') return null
  let i = 0
  for (;;) {
    const type = /^(?:[A-Za-z][A-Za-z0-9-]*|\d+(?:\.\d+)+)=/.exec(s.slice(i))
    if (!type) return `expected type= at ${i}`
    i += type[0].length
    if (s[i] === '#') {
      const hex = /^#(?:[0-9a-fA-F]{2})+/.exec(s.slice(i))
      if (!hex) return `bad #hex at ${i}`
      i += hex[0].length
    } else {
      const start = i
      for (; i < s.length && s[i] !== ',' && s[i] !== '+'; i++) {
        const c = s[i]!
        if (c === '\\') {
          if (/^[0-9a-fA-F]{2}$/.test(s.slice(i + 1, i + 3))) i += 2
          else if (' "#+,;<=>\\'.includes(s[i + 1] ?? 'x')) i += 1
          else return `bad escape at ${i}`
        } else if ('"+;<>\0'.includes(c)) return `unescaped ${JSON.stringify(c)} at ${i}`
        else if (i === start && (c === ' ' || c === '#')) return `unescaped leading ${JSON.stringify(c)} at ${i}`
      }
      if (s[i - 1] === ' ' && s[i - 2] !== '\\') return `unescaped trailing space before ${i}`
    }
    if (i === s.length) return null
    i++
  }
}

// ---------------------------------------------------------------- certificates

const TYPES: readonly [string, string][] = [['2.5.4.3', 'CN'], ['2.5.4.11', 'OU'], ['2.5.4.10', 'O'], ['2.5.4.6', 'C'], ['0.9.2342.19200300.100.1.1', 'UID'], ['1.2.840.113549.1.9.1', 'E'], ['0.9.2342.19200300.100.1.3', 'MAIL'], ['0.9.2342.19200300.100.1.25', 'DC'], ['2.5.4.4', 'SN'], ['1.2.3.4', 'OID.1.2.3.4']]
const HOSTILE = ['*', ')(uid=*', '\\', '\0', '#', ' lead', 'trail ', ',', '+', '=', '"', ';', '<>', '\n', 'é', '\\2a', 'a*b']

/** A subject AVA with any value a CA (or a forger) could put there. */
const ava: fc.Arbitrary<AttributeTypeAndValue> = fc.tuple(fc.constantFrom(...TYPES), fc.oneof(fc.constantFrom(...HOSTILE), anyText(12), fc.array(fc.constantFrom(...HOSTILE), {maxLength: 4}).map((a) => a.join(''))), fc.boolean()).map(([[oid, keyword], value, isString]) => ({
  oid,
  keyword,
  value: isString ? value : null,
  valueTag: isString ? der.Tag.UTF8_STRING : der.Tag.OCTET_STRING,
  valueDer: isString ? der.utf8String(value) : der.octetString(Buffer.from(value)),
}))

const subject = fc.array(fc.array(ava, {minLength: 1, maxLength: 3}), {maxLength: 5}).map((rdns) => nameFromRdns(rdns))
const USPS = parseDn('ou=United States Postal Service, o=usps, c=US')

const certificate: fc.Arbitrary<CertmapCertificate> = fc.tuple(subject, fc.boolean(), fc.option(anyText(20))).map(([s, usps, san]) => ({
  subject: s,
  issuer: usps ? USPS : s,
  subjectAltNames: san === null ? [] : [{type: 'rfc822Name', value: san}],
}))

test('certmapQuery: any subject gives a one-line refusal or a well-formed filter and base DN that values cannot restructure', () => {
  const configs = CONFIGS.map((c) => parseCertmap(c))
  const memory = new MemoryWatch()
  fc.assert(
    fc.property(fc.constantFrom(...configs), certificate, (config: CertmapConfig, cert) => {
      const q = expectTyped('certmapQuery', cert.subject.text, () => certmapQuery(config, cert), [])!
      if (q.refused) return void assert.equal(unclearMessage(q.reason), null, `refusal ${JSON.stringify(q.reason)}`)
      assert.equal(filterProblem(q.filter), null, `filter ${JSON.stringify(q.filter)}: ${filterProblem(q.filter)}`)
      if (q.dnAttributeFilter !== null) assert.equal(filterProblem(q.dnAttributeFilter), null, `CmapLdapAttr filter ${JSON.stringify(q.dnAttributeFilter)}`)
      if (q.base.kind !== 'suffix') assert.equal(dnProblem(q.base.dn), null, `base ${JSON.stringify(q.base.dn)}: ${dnProblem(q.base.dn)}`)
      memory.check('certmapQuery')
    }),
    fuzzParams(20),
  )
})

test('certmapQuery over decoded mutated certificates: the same guarantees from real DER', () => {
  const config = parseCertmap(CONFIGS[1]!)
  fc.assert(
    fc.property(derInput([NSS.rsa.der, NSS.ecExtensions.der, NSS.ecCa.der]), (input) => {
      const cert = expectTyped('Certificate.fromDer', input, () => Certificate.fromDer(input), [CertificateParseError])
      if (cert === undefined) return
      const q = expectTyped('certmapQuery', input, () => certmapQuery(config, cert), [])!
      if (!q.refused) assert.equal(filterProblem(q.filter), null, `filter ${JSON.stringify(q.filter)}`)
    }),
    fuzzParams(5),
  )
})

// ---------------------------------------------------------------- entries from the directory

const candidate: fc.Arbitrary<CertmapCandidate> = fc.record({
  dn: fc.oneof(anyText(30), fc.constantFrom('uid=ann,ou=People,o=usps', 'UID=ANN,OU=people,O=usps', 'cn=x\\0a,o=y', 'cn=x\ny,o=z')),
  uid: fc.option(fc.oneof(anyText(10), fc.constantFrom('ann', 'bob', ''))),
  certificates: fc.array(fc.oneof(anyBytes(8), fc.constant(NSS.rsa.der)), {maxLength: 3}),
})

test('selectEntry: any entries give one of their uids or a one-line refusal', () => {
  const q = certmapQuery(parseCertmap(CONFIGS[1]!), Certificate.fromDer(NSS.rsa.der))
  assert.equal(q.refused, false)
  if (q.refused) return
  fc.assert(
    fc.property(fc.array(candidate, {maxLength: 5}), fc.boolean(), (candidates, verify) => {
      const query = {...q, verifyCert: verify}
      const r = expectTyped('selectEntry', candidates, () => selectEntry(query, candidates, NSS.rsa.der), [])!
      if (r.refused) assert.equal(unclearMessage(r.reason), null, `refusal ${JSON.stringify(r.reason)}`)
      else assert.ok(candidates.some((c) => c.uid === r.user && r.user !== ''), `user ${JSON.stringify(r.user)} is no candidate's uid`)
    }),
    fuzzParams(10),
  )
})
