import assert from 'node:assert/strict'
import {test} from 'node:test'
import {
  CERTIFICATE_LABELS, Certificate, PemError, REQUEST_LABELS, decodeDerOrPem, identifyDer, looksLikeDer, pemDecode, pemDecodeAll, pemEncode,
} from '../../src/core/pki/index.js'
import {NSS} from './pki-helpers.js'

const cert = NSS.rsa.der

test('pemEncode writes 64-column base64 between BEGIN/END lines and round-trips', () => {
  const pem = pemEncode('CERTIFICATE', cert)
  const lines = pem.split('\n')
  assert.equal(lines[0], '-----BEGIN CERTIFICATE-----')
  assert.ok(pem.endsWith('-----END CERTIFICATE-----\n'))
  for (const l of lines.slice(1, -2)) assert.ok(l.length <= 64)
  assert.equal(lines[1]?.length, 64)
  assert.ok(pemDecode(pem, CERTIFICATE_LABELS).der.equals(cert))
})

test('PEM with CRLF and text around it (openssl -text output) decodes', () => {
  const pem = pemEncode('CERTIFICATE', cert).replace(/\n/g, '\r\n')
  const text = `Certificate:\r\n    Data:\r\n        Version: 3 (0x2)\r\n${pem}trailing words\r\n`
  const got = decodeDerOrPem(Buffer.from(text), CERTIFICATE_LABELS, 'certificate')
  assert.equal(got.format, 'pem')
  assert.equal(got.label, 'CERTIFICATE')
  assert.ok(got.der.equals(cert))
})

test('NSS NEW CERTIFICATE REQUEST blocks with their preamble are accepted as requests', () => {
  const got = decodeDerOrPem(Buffer.from(NSS.requestPem), REQUEST_LABELS, 'certificate request')
  assert.equal(got.label, 'NEW CERTIFICATE REQUEST')
  assert.equal(identifyDer(got.der), 'certificate request')
})

test('DER, PEM and bare base64 are told apart', () => {
  assert.equal(decodeDerOrPem(cert, CERTIFICATE_LABELS, 'certificate').format, 'der')
  const bare = decodeDerOrPem(Buffer.from(cert.toString('base64') + '\n'), CERTIFICATE_LABELS, 'certificate')
  assert.equal(bare.format, 'base64')
  assert.ok(bare.der.equals(cert))
  assert.ok(looksLikeDer(cert))
  assert.ok(!looksLikeDer(cert.subarray(0, 100)))
  assert.ok(!looksLikeDer(Buffer.from('hello')))
})

test('several blocks: the first of the wanted kind is used; labels are checked', () => {
  const key = pemEncode('PRIVATE KEY', Buffer.from('300500030100', 'hex'))
  const both = key + pemEncode('CERTIFICATE', cert)
  assert.deepEqual(pemDecodeAll(both).map((b) => b.label), ['PRIVATE KEY', 'CERTIFICATE'])
  assert.ok(pemDecode(both, CERTIFICATE_LABELS).der.equals(cert))
  assert.throws(() => pemDecode(key, CERTIFICATE_LABELS), /expected a PEM block labelled CERTIFICATE .*found PRIVATE KEY/)
})

test('bad input is a PemError with one clear line', () => {
  const cases: Array<[Buffer, RegExp]> = [
    [Buffer.alloc(0), /certificate input is empty/],
    [Buffer.from('just some words, not a certificate\n'), /neither DER nor PEM/],
    [Buffer.from('-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n'), /not base64/],
    [Buffer.from('-----BEGIN CERTIFICATE-----\n\n-----END CERTIFICATE-----\n'), /is empty/],
    [Buffer.from('-----BEGIN CERTIFICATE-----\nAAAA\n-----END X509 CRL-----\n'), /no "-----BEGIN CERTIFICATE-----" block|ends with/],
    [Buffer.from('-----BEGIN CERTIFICATE-----\nQUJD=RA==\n-----END CERTIFICATE-----\n'), /malformed base64/],
  ]
  for (const [input, re] of cases) {
    assert.throws(() => decodeDerOrPem(input, CERTIFICATE_LABELS, 'certificate'), (e: unknown) => {
      assert.ok(e instanceof PemError, String(e))
      assert.match(e.message, re)
      assert.ok(!e.message.includes('\n'))
      return true
    })
  }
})

test('identifyDer names the kind of a DER blob', () => {
  assert.equal(identifyDer(cert), 'certificate')
  assert.equal(identifyDer(NSS.requestWithExtensions), 'certificate request')
  assert.equal(identifyDer(Buffer.from('3003020101', 'hex')), null)
  assert.equal(identifyDer(Buffer.from('garbage')), null)
  // A whole certificate's PEM parses through Certificate.fromDerOrPem too.
  assert.equal(Certificate.fromDerOrPem(Buffer.from(pemEncode('CERTIFICATE', cert))).subject.text, NSS.rsa.subject)
})
