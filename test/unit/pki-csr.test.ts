import assert from 'node:assert/strict'
import {readFileSync} from 'node:fs'
import {after, test} from 'node:test'
import {
  Certificate, CertificationRequest, CertificationRequestParseError, OID, PEM_LABEL, basicConstraintsExtension, buildCertificate,
  buildCertificationRequest, generateKeyPair, keyUsageExtension, parseDn, parseDnsList, parseExtSan, subjectAltNameExtension, validityPeriod,
} from '../../src/core/pki/index.js'
import {NSS, Scratch, openssl, opensslAll} from './pki-helpers.js'

const scratch = new Scratch()
after(() => scratch.cleanup())

const [rsa, ec, ed] = await Promise.all([
  generateKeyPair({type: 'rsa', bits: 1024}),
  generateKeyPair({type: 'ec', curve: 'nistp384'}),
  generateKeyPair({type: 'ed25519'}),
])

test('requests we build pass openssl req -verify and show their extensions', () => {
  for (const [label, key] of [['rsa', rsa], ['ec', ec], ['ed25519', ed]] as const) {
    const req = buildCertificationRequest({
      subject: parseDn(`CN=req-${label}.example.com,O=Example Corp,C=US`),
      privateKey: key.privateKey,
      extensions: [subjectAltNameExtension(parseExtSan('dns:req.example.com,ip:192.0.2.1')), keyUsageExtension('digitalSignature')],
    })
    for (const pemLabel of [PEM_LABEL.certificateRequest, PEM_LABEL.newCertificateRequest]) {
      const file = scratch.file(`req-${label}.pem`, req.toPem(pemLabel))
      const out = opensslAll(['req', '-in', file, '-verify', '-noout', '-text', '-nameopt', 'RFC2253'])
      assert.match(out, /verify OK/, `${label} ${pemLabel}`)
      assert.match(out, new RegExp(`Subject: CN=req-${label}\\.example\\.com,O=Example Corp,C=US`))
      assert.match(out, /Requested Extensions:[\s\S]*DNS:req\.example\.com, IP Address:192\.0\.2\.1[\s\S]*Digital Signature/)
    }
    assert.ok(req.verifySignature())
    assert.equal(req.version, 0)
    assert.deepEqual(req.extensions.map((e) => e.oid), [OID.subjectAltName, OID.keyUsage])
    assert.deepEqual(req.attributes.map((a) => a.oid), [OID.extensionRequest])
  }
  // Without extensions the attribute set is empty ([0] with no content), as NSS writes it.
  const plain = buildCertificationRequest({subject: parseDn('CN=plain'), privateKey: ec.privateKey, hash: 'SHA512'})
  assert.match(openssl(['asn1parse', '-inform', 'DER'], plain.der), /cont \[ 0 \]/)
  assert.equal(plain.signatureAlgorithm.name, 'X9.62 ECDSA signature with SHA512')
  assert.equal(plain.attributes.length, 0)
})

test('requests from openssl req -new parse and verify, attributes included', () => {
  const cnf = scratch.file('req.cnf', [
    '[req]', 'distinguished_name=dn', 'attributes=attrs', 'req_extensions=ext', 'prompt=no',
    '[dn]', 'CN=openssl.example.com', 'O=Example Corp',
    '[attrs]', 'challengePassword=sekrit',
    '[ext]', 'subjectAltName=DNS:openssl.example.com,email:a@example.com', 'extendedKeyUsage=clientAuth',
  ].join('\n'))
  for (const [label, args] of [['rsa', ['-newkey', 'rsa:1024']], ['ec', ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256']], ['ed25519', ['-newkey', 'ed25519']]] as const) {
    const out = scratch.path(`o-${label}.csr`)
    openssl(['req', '-new', ...args, '-nodes', '-keyout', scratch.path(`o-${label}.key`), '-config', cnf, '-out', out])
    const req = CertificationRequest.fromDerOrPem(readFileSync(out))
    assert.equal(req.subject.text, 'O=Example Corp,CN=openssl.example.com')
    assert.ok(req.verifySignature(), label)
    assert.deepEqual(req.attributes.map((a) => a.oid).sort(), [OID.challengePassword, OID.extensionRequest].sort())
    assert.deepEqual(req.extension(OID.extKeyUsage)?.decoded, {kind: 'extKeyUsage', purposes: ['1.3.6.1.5.5.7.3.2']})
    const san = req.extension(OID.subjectAltName)?.decoded
    assert.deepEqual(san?.kind === 'subjectAltName' ? san.names : null, [
      {type: 'dNSName', value: 'openssl.example.com'}, {type: 'rfc822Name', value: 'a@example.com'},
    ])
  }
})

test('requests from NSS certutil -R parse and verify, with and without the text preamble', () => {
  const pem = CertificationRequest.fromDerOrPem(Buffer.from(NSS.requestPem))
  assert.equal(pem.subject.text, 'CN=req.example.com')
  assert.equal(pem.subjectPublicKeyInfo.bits, 1024)
  assert.ok(pem.verifySignature())
  assert.equal(pem.extensions.length, 0)

  const withExt = CertificationRequest.fromDer(NSS.requestWithExtensions)
  assert.ok(withExt.verifySignature())
  assert.equal(withExt.extension(OID.subjectAltName)?.value.toString('hex'), '3011820f7265712e6578616d706c652e636f6d')
  assert.equal(withExt.extension(OID.keyUsage)?.value.toString('hex'), '03020780')
  // Our encoders produce the same extension bytes from the same options (-8 and --keyUsage).
  const ours = buildCertificationRequest({
    subject: parseDn('CN=req.example.com'), privateKey: ec.privateKey,
    extensions: [subjectAltNameExtension(parseDnsList('req.example.com')), keyUsageExtension('digitalSignature')],
  })
  const nssAttr = withExt.attributes[0]?.values[0]
  assert.ok(nssAttr !== undefined && ours.attributes[0]?.values[0]?.equals(nssAttr))
})

test('a certificate issued from a request carries its key and chains to the CA (certutil -C)', () => {
  const caCert = buildCertificate({
    serialNumber: 1n, subject: parseDn('CN=Req CA'), ...validityPeriod({months: 12}), publicKey: rsa.publicKey,
    extensions: [basicConstraintsExtension({ca: true, critical: true}), keyUsageExtension('certSigning,crlSigning,critical')],
  }, {privateKey: rsa.privateKey})
  const req = CertificationRequest.fromDerOrPem(Buffer.from(NSS.requestPem))
  const issued = buildCertificate({
    serialNumber: 2n, subject: req.subject, ...validityPeriod({months: 3}), publicKey: req.subjectPublicKeyInfo.der, extensions: [...req.extensions],
  }, {issuerCertificate: caCert, privateKey: rsa.privateKey})
  assert.ok(issued.subjectPublicKeyInfo.der.equals(req.subjectPublicKeyInfo.der))
  const ca = scratch.file('reqca.pem', caCert.toPem())
  const leaf = scratch.file('reqleaf.pem', issued.toPem())
  assert.equal(opensslAll(['verify', '-CAfile', ca, leaf]).trim(), `${leaf}: OK`)
})

test('tampered, garbage and wrong-type requests', () => {
  const req = buildCertificationRequest({subject: parseDn('CN=t'), privateKey: ed.privateKey})
  const bad = Buffer.from(req.der)
  // PrintableString "t" in the subject becomes "u".
  const at = bad.indexOf(Buffer.from('130174', 'hex')) + 2
  assert.ok(at > 2)
  bad[at] = 'u'.charCodeAt(0)
  assert.ok(!CertificationRequest.fromDer(bad).verifySignature())
  const cases: Array<[Buffer, RegExp]> = [
    [Buffer.alloc(0), /input is empty/],
    [Buffer.from('zzzz'), /could not decode certificate request/],
    [req.der.subarray(0, 20), /truncated/],
    [Certificate.fromDer(NSS.rsa.der).der, /is a certificate, not a certificate request/],
  ]
  for (const [input, re] of cases) {
    assert.throws(() => CertificationRequest.fromDer(input), (e: unknown) => {
      assert.ok(e instanceof CertificationRequestParseError, String(e))
      assert.match(e.message, re)
      return true
    })
  }
})
