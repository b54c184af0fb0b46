import assert from 'node:assert/strict'
import {randomBytes, type KeyObject} from 'node:crypto'
import {readFileSync} from 'node:fs'
import {after, test} from 'node:test'
import {
  Certificate, CertificateParseError, CertificationRequest, OID, PkiError, SigningError, authorityKeyIdentifierExtension,
  basicConstraintsExtension, buildCertificate, defaultSerialNumber, exportPkcs8, extKeyUsageExtension, formatNssDate, generateKeyPair,
  keyUsageExtension, parseDn, parseExtSan, subjectAltNameExtension, subjectKeyIdentifierExtension, subjectKeyIdentifierFor, validityPeriod,
  verifyData, type CertificateSigner, type CertificateTemplate, type HashName,
} from '../../src/core/pki/index.js'
import {NSS, Scratch, openssl, opensslAll} from './pki-helpers.js'

const scratch = new Scratch()
after(() => scratch.cleanup())

// Few RSA keys: generation is the slow part of this suite.
const [caKey, serverKey, pssKey, ecKey, ec384Key, edKey] = await Promise.all([
  generateKeyPair({type: 'rsa', bits: 2048}),
  generateKeyPair({type: 'rsa', bits: 2048}),
  generateKeyPair({type: 'rsa-pss', bits: 2048}),
  generateKeyPair({type: 'ec', curve: 'nistp256'}),
  generateKeyPair({type: 'ec', curve: 'nistp384'}),
  generateKeyPair({type: 'ed25519'}),
])

const now = new Date(Date.UTC(2026, 10, 28, 20, 9, 10))
const year = validityPeriod({now, months: 12})

function selfSigned(subject: string, key: {privateKey: KeyObject; publicKey: KeyObject}, options: {hash?: HashName; pss?: boolean} = {}, serial = 1n): Certificate {
  const template: CertificateTemplate = {
    serialNumber: serial, subject: parseDn(subject), ...year, publicKey: key.publicKey,
    extensions: [basicConstraintsExtension({ca: true, critical: true}), keyUsageExtension('certSigning,crlSigning,critical')],
  }
  return buildCertificate(template, {privateKey: key.privateKey, ...options})
}

/** openssl's text dump of a DER certificate. */
function opensslText(cert: Certificate): string {
  return openssl(['x509', '-inform', 'DER', '-noout', '-text'], cert.der)
}

function opensslDates(cert: Certificate): {notBefore: string; notAfter: string} {
  const out = openssl(['x509', '-inform', 'DER', '-noout', '-startdate', '-enddate', '-dateopt', 'iso_8601'], cert.der)
  const get = (k: string): string => (new RegExp(`${k}=(.*)`).exec(out)?.[1] ?? '').trim()
  return {notBefore: get('notBefore'), notAfter: get('notAfter')}
}

const iso = (d: Date): string => d.toISOString().replace('T', ' ').replace('.000Z', 'Z')

test('RSA-2048 CA and server certificate: openssl reads every field and verifies the chain', () => {
  const ca = selfSigned('CN=Test CA,O=Example Corp,C=US', caKey)
  const ski = subjectKeyIdentifierFor(ca.subjectPublicKeyInfo)
  const server = buildCertificate({
    serialNumber: 2n, subject: parseDn('CN=localhost,O=Example Corp,C=US'), ...year, publicKey: serverKey.publicKey,
    extensions: [
      subjectAltNameExtension(parseExtSan('dns:localhost,ip:127.0.0.1')),
      extKeyUsageExtension('serverAuth'),
      keyUsageExtension('digitalSignature,keyEncipherment'),
      authorityKeyIdentifierExtension({keyIdentifier: ski}),
    ],
  }, {issuerCertificate: ca, privateKey: caKey.privateKey})

  const caText = opensslText(ca)
  assert.match(caText, /Version: 3 \(0x2\)/)
  assert.match(caText, /Serial Number: 1 \(0x1\)/)
  assert.match(caText, /Signature Algorithm: sha256WithRSAEncryption/)
  assert.match(caText, /Issuer: C = US, O = Example Corp, CN = Test CA/)
  assert.match(caText, /Public-Key: \(2048 bit\)/)
  assert.match(caText, /X509v3 Basic Constraints: critical\s+CA:TRUE\n/)
  assert.match(caText, /X509v3 Key Usage: critical\s+Certificate Sign, CRL Sign\n/)

  const text = opensslText(server)
  assert.match(text, /Serial Number: 2 \(0x2\)/)
  assert.match(text, /Issuer: C = US, O = Example Corp, CN = Test CA/)
  assert.match(text, /Subject: C = US, O = Example Corp, CN = localhost/)
  assert.match(text, /X509v3 Subject Alternative Name: \s+DNS:localhost, IP Address:127\.0\.0\.1\n/)
  assert.match(text, /X509v3 Extended Key Usage: \s+TLS Web Server Authentication\n/)
  assert.match(text, /X509v3 Key Usage: \s+Digital Signature, Key Encipherment\n/)
  assert.match(text, new RegExp(`X509v3 Authority Key Identifier: \\s+${ski.toString('hex').toUpperCase().match(/../g)?.join(':') ?? ''}`))
  assert.deepEqual(opensslDates(server), {notBefore: '2026-11-28 20:09:10Z', notAfter: '2027-11-28 20:09:10Z'})
  const rfc2253 = openssl(['x509', '-inform', 'DER', '-noout', '-subject', '-nameopt', 'RFC2253'], server.der)
  assert.equal(rfc2253.trim(), `subject=${server.subject.text}`)
  const fp = openssl(['x509', '-inform', 'DER', '-noout', '-fingerprint', '-sha256'], server.der)
  assert.ok(fp.includes(server.fingerprintSha256.toString('hex').toUpperCase().match(/../g)?.join(':') ?? '?'))

  const caPem = scratch.file('ca.pem', ca.toPem())
  const serverPem = scratch.file('server.pem', server.toPem())
  assert.equal(opensslAll(['verify', '-CAfile', caPem, serverPem]).trim(), `${serverPem}: OK`)

  // And our own view of the same certificates.
  assert.equal(server.issuer.text, 'CN=Test CA,O=Example Corp,C=US')
  assert.ok(server.issuer.der.equals(ca.subject.der))
  assert.deepEqual(ca.basicConstraints, {kind: 'basicConstraints', ca: true, pathLength: null})
  assert.deepEqual(ca.keyUsage?.usages, ['keyCertSign', 'cRLSign'])
  assert.deepEqual(server.extKeyUsage?.purposes, ['1.3.6.1.5.5.7.3.1'])
  assert.deepEqual(server.subjectAltNames.map((n) => n.type === 'dNSName' || n.type === 'iPAddress' ? n.value : '?'), ['localhost', '127.0.0.1'])
  assert.ok(server.authorityKeyIdentifier?.keyIdentifier?.equals(ski))
  assert.ok(ca.isSelfIssued && !server.isSelfIssued)
  assert.ok(ca.verifySignature(caKey.publicKey))
  assert.ok(server.verifySignature(caKey.publicKey))
  assert.ok(!server.verifySignature(serverKey.publicKey))
  assert.equal(server.signatureAlgorithm.name, 'PKCS #1 SHA-256 With RSA Encryption')
  assert.equal(server.subjectPublicKeyInfo.algorithmName, 'PKCS #1 RSA Encryption')
  assert.equal(server.subjectPublicKeyInfo.rsa?.exponent, 65537n)
})

test('EC P-256, EC P-384, Ed25519 and RSA-PSS certificates pass openssl', () => {
  const cases: Array<[string, Certificate, RegExp[]]> = [
    ['p256', selfSigned('CN=EC CA', ecKey), [/Signature Algorithm: ecdsa-with-SHA256/, /ASN1 OID: prime256v1/, /NIST CURVE: P-256/]],
    ['p384', selfSigned('CN=EC384 CA', ec384Key, {hash: 'SHA384'}), [/Signature Algorithm: ecdsa-with-SHA384/, /NIST CURVE: P-384/]],
    ['ed25519', selfSigned('CN=Ed CA', edKey), [/Signature Algorithm: ED25519/, /Public Key Algorithm: ED25519/]],
    ['pss-sign', selfSigned('CN=PSS CA', caKey, {pss: true}), [/Signature Algorithm: rsassaPss/, /Hash Algorithm: sha256/, /Salt Length: 0x20/, /Public Key Algorithm: rsaEncryption/]],
    ['pss-key', selfSigned('CN=PSS key CA', pssKey), [/Signature Algorithm: rsassaPss/, /Public Key Algorithm: rsassaPss/]],
    ['pss-384', selfSigned('CN=PSS384 CA', caKey, {pss: true, hash: 'SHA384'}), [/Hash Algorithm: sha384/, /Salt Length: 0x30/]],
  ]
  for (const [label, cert, patterns] of cases) {
    const text = opensslText(cert)
    for (const re of patterns) assert.match(text, re, label)
    const pem = scratch.file(`${label}.pem`, cert.toPem())
    assert.equal(opensslAll(['verify', '-CAfile', pem, pem]).trim(), `${pem}: OK`, label)
    assert.ok(cert.publicKey !== null && cert.verifySignature(cert.publicKey), label)
  }
  const ec = cases[0]?.[1] as Certificate
  assert.equal(ec.signatureAlgorithm.name, 'X9.62 ECDSA signature with SHA256')
  assert.equal(ec.subjectPublicKeyInfo.algorithmName, 'X9.62 elliptic curve public key')
  const pss = cases[3]?.[1] as Certificate
  assert.equal(pss.signatureAlgorithm.name, 'PKCS #1 RSA-PSS Signature')
  assert.deepEqual(pss.signatureAlgorithm.pss, {hash: 'SHA256', mgf1Hash: 'SHA256', saltLength: 32, trailerField: 1})
})

test('every -Z hash signs and verifies, with NSS names', () => {
  const names: Record<HashName, [string, string]> = {
    SHA1: ['PKCS #1 SHA-1 With RSA Encryption', 'X9.62 ECDSA signature with SHA-1'],
    SHA224: ['PKCS #1 SHA-224 With RSA Encryption', 'X9.62 ECDSA signature with SHA224'],
    SHA256: ['PKCS #1 SHA-256 With RSA Encryption', 'X9.62 ECDSA signature with SHA256'],
    SHA384: ['PKCS #1 SHA-384 With RSA Encryption', 'X9.62 ECDSA signature with SHA384'],
    SHA512: ['PKCS #1 SHA-512 With RSA Encryption', 'X9.62 ECDSA signature with SHA512'],
  }
  for (const [hash, [rsaName, ecName]] of Object.entries(names) as Array<[HashName, [string, string]]>) {
    const r = selfSigned('CN=r', caKey, {hash})
    const e = selfSigned('CN=e', ecKey, {hash})
    assert.equal(r.signatureAlgorithm.name, rsaName)
    assert.equal(e.signatureAlgorithm.name, ecName)
    assert.ok(r.verifySignature(caKey.publicKey) && e.verifySignature(ecKey.publicKey), hash)
    assert.match(opensslText(r), new RegExp(`Signature Algorithm: ${hash.toLowerCase()}WithRSAEncryption`))
  }
})

test('openssl-made certificates parse and their signatures verify', () => {
  const cnf = scratch.file('ext.cnf', [
    '[ext]',
    'basicConstraints=critical,CA:TRUE,pathlen:2',
    'keyUsage=critical,keyCertSign,cRLSign,digitalSignature',
    'extendedKeyUsage=serverAuth,emailProtection',
    'subjectAltName=DNS:www.example.com,IP:::1,IP:10.1.2.3,email:ca@example.com,URI:https://example.com/x,dirName:dir_sect,RID:1.2.3.4',
    'subjectKeyIdentifier=hash',
    'nsCertType=client,email,objCA',
    '[dir_sect]',
    'CN=Dir Name',
    'O=Dir Org',
  ].join('\n'))
  const kinds: Array<[string, string[], string]> = [
    ['rsa', ['-newkey', 'rsa:1024'], 'PKCS #1 SHA-256 With RSA Encryption'],
    ['ec', ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-384'], 'X9.62 ECDSA signature with SHA256'],
    ['ed25519', ['-newkey', 'ed25519'], 'Ed25519 Signature'],
  ]
  for (const [label, keyArgs, sigName] of kinds) {
    const out = scratch.path(`o-${label}.der`)
    openssl([
      'req', '-x509', ...keyArgs, '-nodes', '-keyout', scratch.path(`o-${label}.key`), '-outform', 'DER', '-out', out, '-days', '9000', '-utf8',
      '-subj', '/C=DE/O=Ünïcode Org/OU=a+OU=b/CN=openssl ' + label, '-set_serial', '0x1234567890abcdef01', '-config', cnf, '-extensions', 'ext',
    ])
    const der = readFileSync(out)
    const cert = Certificate.fromDer(der)
    assert.equal(cert.version, 3)
    assert.equal(cert.serialNumber, 0x1234567890abcdef01n)
    assert.equal(cert.signatureAlgorithm.name, sigName, label)
    assert.equal(cert.subject.text, `CN=openssl ${label},OU=a+OU=b,O=Ünïcode Org,C=DE`)
    assert.ok(cert.isSelfIssued)
    assert.ok(cert.publicKey !== null && cert.verifySignature(cert.publicKey), label)
    const dates = opensslDates(cert)
    assert.equal(iso(cert.notBefore), dates.notBefore)
    assert.equal(iso(cert.notAfter), dates.notAfter)
    assert.ok(cert.notAfter.getUTCFullYear() >= 2050, 'GeneralizedTime notAfter')
    const fp1 = openssl(['x509', '-inform', 'DER', '-noout', '-fingerprint', '-sha1'], der)
    assert.ok(fp1.includes(cert.fingerprintSha1.toString('hex').toUpperCase().match(/../g)?.join(':') ?? '?'))
    assert.deepEqual(cert.basicConstraints, {kind: 'basicConstraints', ca: true, pathLength: 2})
    assert.equal(cert.extension(OID.basicConstraints)?.critical, true)
    assert.deepEqual(cert.keyUsage?.usages, ['digitalSignature', 'keyCertSign', 'cRLSign'])
    assert.deepEqual(cert.extKeyUsage?.purposes, ['1.3.6.1.5.5.7.3.1', '1.3.6.1.5.5.7.3.4'])
    assert.deepEqual(cert.nsCertType?.types, ['sslClient', 'smime', 'objectSigningCA'])
    const san = cert.subjectAltNames.map((n) => {
      switch (n.type) {
        case 'directoryName':
          return `dir:${n.name.text}`
        case 'registeredID':
          return `rid:${n.oid}`
        case 'otherName':
        case 'x400Address':
        case 'ediPartyName':
          return n.type
        default:
          return `${n.type}:${n.value}`
      }
    })
    assert.deepEqual(san, [
      'dNSName:www.example.com', 'iPAddress:::1', 'iPAddress:10.1.2.3', 'rfc822Name:ca@example.com',
      'uniformResourceIdentifier:https://example.com/x', 'dir:O=Dir Org,CN=Dir Name', 'rid:1.2.3.4',
    ])
    // openssl's "hash" key identifier is RFC 5280 method 1, which ours computes too.
    assert.ok(cert.subjectKeyIdentifier?.equals(subjectKeyIdentifierFor(cert.subjectPublicKeyInfo)), label)
  }

  // A leaf issued by an openssl CA verifies with the CA's key, not its own.
  openssl(['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', scratch.path('leaf.key'), '-subj', '/CN=leaf', '-out', scratch.path('leaf.csr')])
  openssl(['x509', '-req', '-in', scratch.path('leaf.csr'), '-CA', scratch.path('o-rsa.der'), '-CAform', 'DER', '-CAkey', scratch.path('o-rsa.key'), '-CAcreateserial', '-days', '30', '-outform', 'DER', '-out', scratch.path('leaf.der')])
  const leaf = Certificate.fromDer(readFileSync(scratch.path('leaf.der')))
  const ca = Certificate.fromDer(readFileSync(scratch.path('o-rsa.der')))
  assert.ok(leaf.issuer.der.equals(ca.subject.der))
  assert.ok(ca.publicKey !== null && leaf.verifySignature(ca.publicKey))
  assert.ok(leaf.publicKey !== null && !leaf.verifySignature(leaf.publicKey))
})

test('NSS-made certificates: every field NSS printed', () => {
  const rsa = Certificate.fromDer(NSS.rsa.der)
  assert.equal(rsa.version, 3)
  assert.equal(rsa.serialNumber, NSS.rsa.serial)
  assert.equal(rsa.subject.text, NSS.rsa.subject)
  assert.equal(rsa.issuer.text, NSS.rsa.subject)
  assert.equal(formatNssDate(rsa.notBefore), NSS.rsa.notBefore)
  assert.equal(formatNssDate(rsa.notAfter), NSS.rsa.notAfter)
  assert.equal(rsa.signatureAlgorithm.name, 'PKCS #1 SHA-256 With RSA Encryption')
  assert.equal(rsa.subjectPublicKeyInfo.bits, 1024)
  assert.equal(rsa.extensions.length, 0)
  assert.ok(rsa.publicKey !== null && rsa.verifySignature(rsa.publicKey))

  const ec = Certificate.fromDer(NSS.ecExtensions.der)
  assert.deepEqual(ec.extensions.map((e) => [e.name, e.critical]), [
    ['Certificate Subject Alt Name', false], ['Certificate Type', false], ['Extended Key Usage', true], ['Certificate Key Usage', true],
  ])
  assert.equal(ec.extension(OID.subjectAltName)?.value.toString('hex'), NSS.ecExtensions.sanValue)
  assert.deepEqual(ec.keyUsage?.usages, ['digitalSignature', 'keyEncipherment'])
  assert.deepEqual(ec.nsCertType?.types, ['sslClient', 'sslServer', 'smime'])
  assert.equal(ec.subjectAltNames.length, 8)
  assert.equal(ec.subjectPublicKeyInfo.ec?.curveDisplayName, 'ANSI X9.62 elliptic curve prime256v1 (aka secp256r1, NIST P-256)')
  assert.equal(ec.signatureAlgorithm.name, 'X9.62 ECDSA signature with SHA256')
  assert.ok(ec.publicKey !== null && ec.verifySignature(ec.publicKey))

  const pss = Certificate.fromDer(NSS.pss.der)
  assert.equal(pss.signatureAlgorithm.name, 'PKCS #1 RSA-PSS Signature')
  assert.deepEqual(pss.signatureAlgorithm.pss, {hash: 'SHA384', mgf1Hash: 'SHA384', saltLength: 48, trailerField: 1})
  assert.equal(pss.subjectPublicKeyInfo.type, 'rsa-pss')
  assert.ok(pss.publicKey !== null && pss.verifySignature(pss.publicKey))

  const ca = Certificate.fromDer(NSS.ecCa.der)
  assert.deepEqual(ca.basicConstraints, {kind: 'basicConstraints', ca: true, pathLength: null})
  assert.equal(ca.extension(OID.basicConstraints)?.critical, true)
  assert.deepEqual(ca.keyUsage?.usages, ['keyCertSign', 'cRLSign'])
})

test('validity and serial defaults follow certutil', () => {
  // NSS made this certificate at 2026-11-29 01:14:07 with the default 3 months: Nov 29 + 3 months = Mar 1.
  const v = validityPeriod({now: new Date(NSS.rsa.created.getTime() + 400)})
  const nss = Certificate.fromDer(NSS.rsa.der)
  assert.equal(v.notBefore.getTime(), nss.notBefore.getTime())
  assert.equal(v.notAfter.getTime(), nss.notAfter.getTime())
  assert.equal(defaultSerialNumber(NSS.rsa.created), NSS.rsa.serial)
  const warped = validityPeriod({now, months: 24, warpMonths: -1})
  assert.equal(iso(warped.notBefore), '2026-10-28 20:09:10Z')
  assert.equal(iso(warped.notAfter), '2028-10-28 20:09:10Z')
  assert.throws(() => validityPeriod({months: -1}), SigningError)
})

test('dates from 2050 are GeneralizedTime; version 1 certificates have no extensions', () => {
  const cert = buildCertificate({
    version: 1, serialNumber: 0n, subject: parseDn('CN=v1'), notBefore: new Date(Date.UTC(2049, 11, 31, 23, 59, 59)),
    notAfter: new Date(Date.UTC(2050, 0, 1)), publicKey: edKey.publicKey,
  }, {privateKey: edKey.privateKey})
  const text = opensslText(cert)
  assert.match(text, /Version: 1 \(0x0\)/)
  assert.match(text, /Not After : Jan {2}1 00:00:00 2050 GMT/)
  assert.match(openssl(['asn1parse', '-inform', 'DER'], cert.der), /UTCTIME\s+:491231235959Z[\s\S]*GENERALIZEDTIME\s+:20500101000000Z/)
  assert.equal(cert.version, 1)
  assert.equal(cert.notAfter.toISOString(), '2050-01-01T00:00:00.000Z')
})

test('builds are deterministic given their inputs (Ed25519 signatures too)', () => {
  const template: CertificateTemplate = {serialNumber: 77n, subject: parseDn('CN=same'), ...year, publicKey: edKey.publicKey, extensions: [subjectKeyIdentifierExtension(Buffer.from('0102', 'hex'))]}
  const a = buildCertificate(template, {privateKey: edKey.privateKey})
  const b = buildCertificate(template, {privateKey: edKey.privateKey})
  assert.ok(a.der.equals(b.der))
})

test('the builder refuses inconsistent requests', () => {
  const base: CertificateTemplate = {serialNumber: 5n, subject: parseDn('CN=x'), ...year, publicKey: ecKey.publicKey}
  const self: CertificateSigner = {privateKey: ecKey.privateKey}
  const ca = selfSigned('CN=Some CA', caKey)
  const refusals: Array<[CertificateTemplate, CertificateSigner, RegExp]> = [
    [{...base, serialNumber: -1n}, self, /serial number must not be negative/],
    [{...base, version: 1, extensions: [basicConstraintsExtension({ca: false})]}, self, /version 1 certificate cannot carry extensions/],
    [{...base, extensions: [basicConstraintsExtension({ca: false}), basicConstraintsExtension({ca: true})]}, self, /given twice/],
    [base, {privateKey: edKey.privateKey}, /self-signed certificate must be signed with its own key/],
    [base, {issuerCertificate: ca, privateKey: serverKey.privateKey}, /does not belong to the issuer "CN=Some CA"/],
    [{...base, notBefore: year.notAfter, notAfter: year.notBefore}, self, /expire before it becomes valid/],
    [base, {privateKey: ecKey.privateKey, pss: true}, /--pss-sign needs an RSA key/],
  ]
  for (const [template, signer, re] of refusals) {
    assert.throws(() => buildCertificate(template, signer), (e: unknown) => {
      assert.ok(e instanceof PkiError, String(e))
      assert.match(e.message, re)
      return true
    })
  }
})

test('garbage, truncated and wrong-type input is a CertificateParseError, never a raw exception', () => {
  const good = Certificate.fromDer(NSS.ecExtensions.der).der
  const request = CertificationRequest.fromDer(NSS.requestWithExtensions).der
  const cases: Array<[Buffer, RegExp]> = [
    [Buffer.alloc(0), /input is empty/],
    [Buffer.from('hello world'), /could not decode certificate/],
    [good.subarray(0, good.length - 1), /truncated/],
    [good.subarray(0, 40), /truncated/],
    [Buffer.concat([good, Buffer.from([0])]), /trailing data/],
    [request, /is a certificate request, not a certificate/],
    [exportPkcs8(ecKey.privateKey), /is a private key, not a certificate/],
    [Buffer.from('30800000', 'hex'), /indefinite length/],
    [Buffer.from('3003020101', 'hex'), /could not decode certificate/],
  ]
  for (const [input, re] of cases) {
    assert.throws(() => Certificate.fromDer(input), (e: unknown) => {
      assert.ok(e instanceof CertificateParseError, `CertificateParseError, got ${String(e)}`)
      assert.match(e.message, re)
      assert.ok(!e.message.includes('\n'))
      return true
    })
  }
  // Random corruption: either still a certificate, or a clean CertificateParseError.
  let refused = 0
  for (let i = 0; i < 300; i++) {
    const bad = Buffer.from(good)
    const at = Math.floor(Math.random() * bad.length)
    bad[at] = randomBytes(1)[0] as number
    try {
      const c = Certificate.fromDer(bad)
      if (!c.der.equals(good)) assert.ok(c.publicKey === null || !c.verifySignature(c.publicKey) || c.tbsDer.equals(Certificate.fromDer(good).tbsDer))
    } catch (e) {
      assert.ok(e instanceof CertificateParseError, `byte ${at}: ${String(e)}`)
      refused++
    }
  }
  assert.ok(refused > 0)
})

test('signatures over other data do not verify', () => {
  const cert = selfSigned('CN=sig', ecKey)
  const tampered = Buffer.from(cert.tbsDer)
  tampered[tampered.length - 1] = (tampered[tampered.length - 1] as number) ^ 1
  assert.ok(!verifyData(cert.signatureAlgorithm, ecKey.publicKey, tampered, cert.signature))
  assert.ok(!cert.verifySignature(edKey.publicKey))
})
