import assert from 'node:assert/strict'
import {test} from 'node:test'
import {
  ExtensionSyntaxError, OID, authorityKeyIdentifierExtension, basicConstraintsExtension, decodeExtension, der, encodeExtension, extKeyUsageExtension,
  genericExtension, keyUsageExtension, nsCertTypeExtension, parseDn, parseDnsList, parseEmailList, parseExtGeneric, parseExtSan,
  subjectAltNameExtension, type ExtensionSpec,
} from '../../src/core/pki/index.js'
import {NSS} from './pki-helpers.js'

const hex = (spec: ExtensionSpec): string => spec.value.toString('hex')
const roundTrip = (spec: ExtensionSpec) => decodeExtension(der.parseDer(encodeExtension(spec)))

test('keyword extensions encode to the bytes NSS writes', () => {
  assert.equal(hex(keyUsageExtension('digitalSignature,keyEncipherment,critical')), NSS.ecExtensions.keyUsageValue)
  assert.equal(hex(nsCertTypeExtension('sslClient,sslServer,smime')), NSS.ecExtensions.nsCertTypeValue)
  assert.equal(hex(extKeyUsageExtension('serverAuth,clientAuth,critical')), NSS.ecExtensions.extKeyUsageValue)
  assert.equal(hex(keyUsageExtension('certSigning,crlSigning')), '03020106')
  assert.equal(hex(keyUsageExtension('digitalSignature')), '03020780')
  const san = [
    ...parseEmailList('a@b.c,d@e.f'),
    ...parseDnsList('www.x.y,x.y'),
    ...parseExtSan('ip:10.0.0.1,uri:http://x/,dn:CN=foo,registerid:1.2.3'),
  ]
  assert.equal(hex(subjectAltNameExtension(san)), NSS.ecExtensions.sanValue)
  assert.equal(hex(basicConstraintsExtension({ca: true, critical: true})), '30030101ff')
  assert.equal(hex(basicConstraintsExtension({ca: false})), '3000')
  assert.equal(hex(basicConstraintsExtension({ca: true, pathLength: 2})), '30060101ff020102')
  assert.equal(hex(basicConstraintsExtension({ca: true, pathLength: -1})), '30030101ff')
})

test('critical is a keyword anywhere in the list; empty items are skipped', () => {
  assert.equal(keyUsageExtension('critical,digitalSignature').critical, true)
  assert.equal(keyUsageExtension('digitalSignature').critical, false)
  assert.equal(hex(keyUsageExtension('digitalSignature,,keyAgreement')), hex(keyUsageExtension('keyAgreement,digitalSignature')))
  // DEFAULT FALSE criticality is left out of the DER.
  assert.equal(encodeExtension(keyUsageExtension('digitalSignature')).toString('hex'), '300b0603551d0f040403020780')
  assert.equal(encodeExtension(keyUsageExtension('digitalSignature,critical')).toString('hex'), '300e0603551d0f0101ff040403020780')
})

test('every certutil keyword decodes back to its meaning', () => {
  const ku = roundTrip(keyUsageExtension('digitalSignature,nonRepudiation,keyEncipherment,dataEncipherment,keyAgreement,certSigning,crlSigning'))
  assert.deepEqual(ku.decoded, {
    kind: 'keyUsage', bits: 0x7f,
    usages: ['digitalSignature', 'nonRepudiation', 'keyEncipherment', 'dataEncipherment', 'keyAgreement', 'keyCertSign', 'cRLSign'],
  })
  assert.equal(ku.name, 'Certificate Key Usage')
  const ns = roundTrip(nsCertTypeExtension('sslCA,smimeCA,objectSigningCA,objectSigning,sslClient,sslServer,smime'))
  assert.deepEqual(ns.decoded?.kind === 'nsCertType' ? ns.decoded.types : null, ['sslClient', 'sslServer', 'smime', 'objectSigning', 'sslCA', 'smimeCA', 'objectSigningCA'])
  assert.equal(ns.name, 'Certificate Type')
  const all = 'x509Any,stepUp,msTrustListSign,ipsecIKE,ipsecIKEEnd,ipsecIKEIntermediate,ipsecEnd,ipsecTunnel,ipsecUser,timeStamp,ocspResponder,codeSigning,emailProtection,serverAuth,clientAuth'
  const eku = roundTrip(extKeyUsageExtension(all))
  assert.deepEqual(eku.decoded?.kind === 'extKeyUsage' ? eku.decoded.purposes : null, [
    '2.5.29.37.0', '2.16.840.1.113730.4.1', '1.3.6.1.4.1.311.10.3.1', '1.3.6.1.5.5.7.3.17', '1.3.6.1.5.5.8.2.1', '1.3.6.1.5.5.8.2.2',
    '1.3.6.1.5.5.7.3.5', '1.3.6.1.5.5.7.3.6', '1.3.6.1.5.5.7.3.7', '1.3.6.1.5.5.7.3.8', '1.3.6.1.5.5.7.3.9', '1.3.6.1.5.5.7.3.3',
    '1.3.6.1.5.5.7.3.4', '1.3.6.1.5.5.7.3.1', '1.3.6.1.5.5.7.3.2',
  ])
  assert.equal(eku.name, 'Extended Key Usage')
})

test('--extSAN types, type inheritance and IP forms', () => {
  const names = parseExtSan('dns:a.example,b.example,EMAIL:x@y.z,rfc822:w@y.z,ip:::1,ipaddr:fe80::1,ip:192.168.1.2,uri:https://h/p,directory:CN=a;O=b,registerid:1.2.3.4')
  assert.deepEqual(names.map((n) => n.type), [
    'dNSName', 'dNSName', 'rfc822Name', 'rfc822Name', 'iPAddress', 'iPAddress', 'iPAddress', 'uniformResourceIdentifier', 'directoryName', 'registeredID',
  ])
  const ips = names.filter((n) => n.type === 'iPAddress').map((n) => (n.type === 'iPAddress' ? n.bytes.toString('hex') : ''))
  assert.deepEqual(ips, ['00000000000000000000000000000001', 'fe800000000000000000000000000001', 'c0a80102'])
  const dir = names[8]
  assert.equal(dir?.type === 'directoryName' ? dir.name.text : '', 'CN=a,O=b')
  const decoded = roundTrip(subjectAltNameExtension(names))
  assert.deepEqual(decoded.decoded?.kind === 'subjectAltName' ? decoded.decoded.names.map((n) => (n.type === 'iPAddress' ? n.value : n.type)) : [], [
    'dNSName', 'dNSName', 'rfc822Name', 'rfc822Name', '::1', 'fe80::1', '192.168.1.2', 'uniformResourceIdentifier', 'directoryName', 'registeredID',
  ])
})

test('bad keywords and names are refused with the list of valid ones', () => {
  const cases: Array<[() => unknown, RegExp]> = [
    [() => keyUsageExtension('DIGITALSIGNATURE'), /--keyUsage: unknown keyword "DIGITALSIGNATURE"; use digitalSignature, nonRepudiation, .*crlSigning, critical/],
    [() => keyUsageExtension('bogus'), /unknown keyword "bogus"/],
    [() => keyUsageExtension('critical'), /--keyUsage: no keywords given/],
    [() => nsCertTypeExtension('SSLSERVER'), /--nsCertType: unknown keyword "SSLSERVER"; use sslClient, sslServer, smime, objectSigning, sslCA, smimeCA, objectSigningCA, critical/],
    [() => extKeyUsageExtension('serverauth'), /--extKeyUsage: unknown keyword "serverauth"; use serverAuth, clientAuth, .*ipsecUser, critical/],
    [() => parseExtSan('x400:a'), /type "x400" is not supported; use dns, email/],
    [() => parseExtSan('edi:x'), /type "edi" is not supported/],
    [() => parseExtSan('other:1.2.3'), /type "other" is not supported/],
    [() => parseExtSan('nothing'), /"nothing" has no type; write type:name/],
    [() => parseExtSan('ip:300.1.1.1'), /invalid IP address "300\.1\.1\.1"/],
    [() => parseExtSan('dns:'), /empty name/],
    [() => parseExtSan('registerid:abc'), /not a dotted OID/],
    [() => parseExtSan('dn:nonsense'), /is not a directory name/],
    [() => parseEmailList(''), /-7: no e-mail addresses given/],
    [() => parseDnsList('a b'), /is not a DNS name/],
    [() => basicConstraintsExtension({ca: false, pathLength: 1}), /path length constraint needs a CA/],
    [() => parseExtGeneric('1.2.3:sometimes:file'), /should be critical or not-critical/],
    [() => parseExtGeneric('x.y:critical:file'), /not a dotted OID/],
    [() => parseExtGeneric('1.2.3:critical'), /should be OID:critical:FILE/],
    [() => genericExtension('1.2.3', false, Buffer.from('0405', 'hex')), /is not DER/],
  ]
  for (const [fn, re] of cases) {
    assert.throws(fn, (e: unknown) => {
      assert.ok(e instanceof ExtensionSyntaxError, String(e))
      assert.match(e.message, re)
      return true
    })
  }
})

test('--extGeneric: OID, criticality and file per item; the value is taken as given', () => {
  assert.deepEqual(parseExtGeneric('1.2.3.4:critical:/tmp/a.der,2.5.29.17:not-critical:c:\\x.der'), [
    {oid: '1.2.3.4', critical: true, file: '/tmp/a.der'},
    {oid: '2.5.29.17', critical: false, file: 'c:\\x.der'},
  ])
  const value = Buffer.from('300b82096c6f63616c686f7374', 'hex')
  const ext = roundTrip(genericExtension('2.5.29.17', false, value))
  assert.ok(ext.value.equals(value))
  assert.deepEqual(ext.decoded, {kind: 'subjectAltName', names: [{type: 'dNSName', value: 'localhost'}]})
})

test('key identifiers: subject and authority forms', () => {
  const kid = Buffer.from('0102030405', 'hex')
  const aki = roundTrip(authorityKeyIdentifierExtension({keyIdentifier: kid, issuer: parseDn('CN=Root'), serialNumber: 258n}))
  assert.deepEqual(aki.decoded?.kind === 'authorityKeyIdentifier' ? {
    keyIdentifier: aki.decoded.keyIdentifier?.toString('hex'),
    issuer: aki.decoded.authorityCertIssuer?.map((n) => (n.type === 'directoryName' ? n.name.text : '')),
    serial: aki.decoded.authorityCertSerialNumber,
  } : null, {keyIdentifier: '0102030405', issuer: ['CN=Root'], serial: 258n})
  assert.equal(aki.name, 'Certificate Authority Key Identifier')
  assert.throws(() => authorityKeyIdentifierExtension({}), ExtensionSyntaxError)
})

test('a malformed known extension is kept with a reason instead of failing the certificate', () => {
  const ext = decodeExtension(der.parseDer(encodeExtension({oid: OID.basicConstraints, critical: true, value: Buffer.from('0500', 'hex')})))
  assert.equal(ext.decoded, null)
  assert.match(ext.decodeError ?? '', /basicConstraints/)
  const unknown = decodeExtension(der.parseDer(encodeExtension({oid: '1.2.3.4', critical: false, value: Buffer.from('0500', 'hex')})))
  assert.equal(unknown.name, '1.2.3.4')
  assert.equal(unknown.decoded, null)
  assert.equal(unknown.decodeError, null)
})
