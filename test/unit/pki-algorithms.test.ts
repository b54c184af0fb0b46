import assert from 'node:assert/strict'
import {randomBytes} from 'node:crypto'
import {test} from 'node:test'
import {
  EXTENSION_NAMES, OID, OptionValueError, SigningError, UnsupportedAlgorithmError, chooseSignatureAlgorithm, curveDisplayName, decodeRsaPssParameters,
  der, describeSignatureAlgorithm, encodeAlgorithmIdentifier, encodeRsaPssParameters, extKeyUsageName, generateKeyPair, oidName, parseHashName,
  signData, verifyData,
} from '../../src/core/pki/index.js'

const [rsa, pssKey, ec, ed] = await Promise.all([
  generateKeyPair({type: 'rsa', bits: 1024}),
  generateKeyPair({type: 'rsa-pss', bits: 1024, hash: 'SHA384'}),
  generateKeyPair({type: 'ec', curve: 'nistp521'}),
  generateKeyPair({type: 'ed25519'}),
])

test('-Z hash names: exact NSS spellings; MD2/MD4/MD5 refused as insecure', () => {
  for (const h of ['SHA1', 'SHA224', 'SHA256', 'SHA384', 'SHA512']) assert.equal(parseHashName(h), h)
  for (const [input, message] of [
    ['md2', 'md2 is not a recognized type.'],
    ['MD5X', 'MD5X is not a recognized type.'],
    ['sha256', 'sha256 is not a recognized type.'],
    ['MD5', 'MD5 signatures are disabled because they are not secure; use SHA256 (or SHA1, SHA224, SHA384, SHA512).'],
  ] as const) {
    assert.throws(() => parseHashName(input), (e: unknown) => {
      assert.ok(e instanceof OptionValueError)
      assert.equal(e.option, '-Z')
      assert.equal(e.message, message)
      return true
    })
  }
})

test('NSS display names of extensions, purposes and curves', () => {
  assert.equal(EXTENSION_NAMES[OID.subjectAltName], 'Certificate Subject Alt Name')
  assert.equal(EXTENSION_NAMES[OID.extKeyUsage], 'Extended Key Usage')
  assert.equal(EXTENSION_NAMES[OID.keyUsage], 'Certificate Key Usage')
  assert.equal(EXTENSION_NAMES[OID.basicConstraints], 'Certificate Basic Constraints')
  assert.equal(EXTENSION_NAMES[OID.subjectKeyIdentifier], 'Certificate Subject Key ID')
  assert.equal(EXTENSION_NAMES[OID.authorityKeyIdentifier], 'Certificate Authority Key Identifier')
  assert.equal(EXTENSION_NAMES[OID.nsCertType], 'Certificate Type')
  assert.equal(extKeyUsageName('1.3.6.1.5.5.7.3.1'), 'TLS Web Server Authentication Certificate')
  assert.equal(extKeyUsageName('1.3.6.1.5.5.7.3.4'), 'E-Mail Protection Certificate')
  assert.equal(extKeyUsageName('1.3.6.1.5.5.7.3.8'), 'Time Stamping Certifcate')
  assert.equal(extKeyUsageName('2.16.840.1.113730.4.1'), 'Strong Crypto Export Approved')
  assert.equal(extKeyUsageName('1.2.3'), '1.2.3')
  assert.equal(curveDisplayName(OID.secp384r1), 'SECG elliptic curve secp384r1 (aka NIST P-384)')
  assert.equal(curveDisplayName(OID.secp521r1), 'SECG elliptic curve secp521r1 (aka NIST P-521)')
  assert.equal(oidName(OID.rsaEncryption), 'PKCS #1 RSA Encryption')
  assert.equal(oidName(OID.mgf1), 'PKCS #1 MGF1 Mask Generation Function')
  assert.equal(oidName('1.2.3.4.5'), undefined)
})

test('the default signature algorithm per key, and what -Z and --pss-sign change', () => {
  const data = randomBytes(100)
  const cases: Array<[ReturnType<typeof chooseSignatureAlgorithm>, {privateKey: import('node:crypto').KeyObject; publicKey: import('node:crypto').KeyObject}, string]> = [
    [chooseSignatureAlgorithm(rsa.privateKey), rsa, 'PKCS #1 SHA-256 With RSA Encryption'],
    [chooseSignatureAlgorithm(rsa.privateKey, {hash: 'SHA1'}), rsa, 'PKCS #1 SHA-1 With RSA Encryption'],
    [chooseSignatureAlgorithm(rsa.privateKey, {pss: true, hash: 'SHA224'}), rsa, 'PKCS #1 RSA-PSS Signature'],
    [chooseSignatureAlgorithm(pssKey.privateKey), pssKey, 'PKCS #1 RSA-PSS Signature'],
    [chooseSignatureAlgorithm(ec.privateKey), ec, 'X9.62 ECDSA signature with SHA256'],
    [chooseSignatureAlgorithm(ec.privateKey, {hash: 'SHA512'}), ec, 'X9.62 ECDSA signature with SHA512'],
    [chooseSignatureAlgorithm(ed.privateKey, {hash: 'SHA1'}), ed, 'Ed25519 Signature'],
  ]
  for (const [alg, key, name] of cases) {
    assert.equal(alg.name, name)
    const sig = signData(alg, key.privateKey, data)
    assert.ok(verifyData(alg, key.publicKey, data, sig), name)
    assert.ok(!verifyData(alg, key.publicKey, Buffer.concat([data, Buffer.from([0])]), sig), name)
    // Re-reading the AlgorithmIdentifier gives the same algorithm.
    const again = describeSignatureAlgorithm({oid: alg.oid, parameters: alg.parameters, der: alg.der})
    assert.equal(again.kind, alg.kind)
    assert.equal(again.hash, alg.hash)
  }
  // A PSS-restricted key signs with its own hash unless -Z says otherwise; OpenSSL then refuses.
  assert.equal(chooseSignatureAlgorithm(pssKey.privateKey).pss?.hash, 'SHA384')
  assert.equal(chooseSignatureAlgorithm(pssKey.privateKey).pss?.saltLength, 48)
  assert.throws(() => signData(chooseSignatureAlgorithm(pssKey.privateKey, {hash: 'SHA256'}), pssKey.privateKey, data), SigningError)
  // RSA PKCS#1 v1.5 parameters are NULL; ECDSA and Ed25519 have none.
  assert.equal(chooseSignatureAlgorithm(rsa.privateKey).der.toString('hex'), '300d06092a864886f70d01010b0500')
  assert.equal(chooseSignatureAlgorithm(ec.privateKey).der.toString('hex'), '300a06082a8648ce3d040302')
  assert.equal(chooseSignatureAlgorithm(ed.privateKey).der.toString('hex'), '300506032b6570')
  // A signature checked with a key of the wrong kind is simply not valid.
  const ecAlg = chooseSignatureAlgorithm(ec.privateKey)
  assert.ok(!verifyData(ecAlg, rsa.publicKey, data, signData(ecAlg, ec.privateKey, data)))
})

test('RSASSA-PSS parameters: NSS layout, and the SHA-1 defaults when absent', () => {
  const p = {hash: 'SHA384', mgf1Hash: 'SHA384', saltLength: 48, trailerField: 1} as const
  // The parameters NSS wrote for --pss-sign -Z SHA384.
  assert.equal(encodeRsaPssParameters(p).toString('hex'),
    '3034a00f300d06096086480165030402020500a11c301a06092a864886f70d010108300d06096086480165030402020500a203020130')
  assert.deepEqual(decodeRsaPssParameters(encodeRsaPssParameters(p)), p)
  assert.deepEqual(decodeRsaPssParameters(null), {hash: 'SHA1', mgf1Hash: 'SHA1', saltLength: 20, trailerField: 1})
  assert.deepEqual(decodeRsaPssParameters(Buffer.from('3000', 'hex')), {hash: 'SHA1', mgf1Hash: 'SHA1', saltLength: 20, trailerField: 1})
})

test('MD5 and unknown signature algorithms are reported as unsupported, not as bad signatures', () => {
  const md5 = describeSignatureAlgorithm({oid: OID.md5WithRSAEncryption, parameters: der.nullValue(), der: encodeAlgorithmIdentifier(OID.md5WithRSAEncryption, der.nullValue())})
  assert.equal(md5.name, 'PKCS #1 MD5 With RSA Encryption')
  assert.equal(md5.kind, null)
  assert.throws(() => verifyData(md5, rsa.publicKey, Buffer.from('x'), Buffer.alloc(128)), UnsupportedAlgorithmError)
  const unknown = describeSignatureAlgorithm({oid: '1.2.3.4', parameters: null, der: encodeAlgorithmIdentifier('1.2.3.4', null)})
  assert.equal(unknown.name, '1.2.3.4')
  assert.throws(() => signData(unknown, rsa.privateKey, Buffer.from('x')), UnsupportedAlgorithmError)
})

test('DER primitives: INTEGER, OID, named bits, times', () => {
  const ints: Array<[bigint, string]> = [[0n, '020100'], [127n, '02017f'], [128n, '02020080'], [-1n, '0201ff'], [-128n, '020180'], [-129n, '0202ff7f'], [256n, '02020100']]
  for (const [v, h] of ints) {
    assert.equal(der.integer(v).toString('hex'), h)
    assert.equal(der.decodeInteger(der.parseDer(Buffer.from(h, 'hex'))), v)
  }
  for (let i = 0; i < 200; i++) {
    const v = BigInt('0x' + randomBytes(1 + (i % 24)).toString('hex')) * (i % 2 === 0 ? 1n : -1n)
    assert.equal(der.decodeInteger(der.parseDer(der.integer(v))), v)
  }
  for (const oid of ['1.2.840.113549.1.1.11', '2.5.29.37.0', '0.9.2342.19200300.100.1.25', '2.999.3', '2.25.329800735698586629295641978511506172918']) {
    assert.equal(der.decodeOid(der.parseDer(der.oid(oid))), oid)
  }
  assert.equal(der.oid('1.2.840.10045.3.1.7').toString('hex'), '06082a8648ce3d030107')
  assert.equal(der.namedBits(0b101).toString('hex'), '030205a0')
  assert.equal(der.namedBits(0x80 | 0x100).toString('hex'), '0303070180')
  assert.equal(der.time(new Date(Date.UTC(2049, 11, 31, 23, 59, 59))).toString('latin1').slice(2), '491231235959Z')
  assert.equal(der.time(new Date(Date.UTC(2050, 0, 1))).toString('latin1').slice(2), '20500101000000Z')
  assert.equal(der.time(new Date(Date.UTC(1950, 0, 1))).toString('latin1').slice(2), '500101000000Z')
  assert.throws(() => der.parseDer(Buffer.from('3005020101', 'hex')), /truncated/)
  assert.throws(() => der.decodeTime(der.parseDer(Buffer.from('170d3236313233323030303030305a', 'hex'))), /not a valid time/)
})
