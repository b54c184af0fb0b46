/**
 * certutil output renderers (src/cli/render) against NSS 3.87 certutil:
 * certificates made by certutil itself and by openssl (for extension and
 * serial variety) are listed by both, and the outputs compared byte for byte.
 */
import {test, describe, before, after} from 'node:test'
import assert from 'node:assert/strict'
import {execFileSync} from 'node:child_process'
import {existsSync, mkdtempSync, rmSync, writeFileSync, readFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {randomBytes} from 'node:crypto'
import {Certificate, formatTrust, nssKeyTypeName, parseTrustString, storedTrust, trustBlockLines} from '../../src/core/pki/index.js'
import {CERT_LIST_HEADER, renderCertList} from '../../src/cli/render/certutil_list.js'
import {formatKeyId, renderKeyList, renderKeyListRow, type KeyListRow} from '../../src/cli/render/certutil_keys.js'
import {renderCertificate} from '../../src/cli/render/certutil_pretty.js'
import {nssHexDump} from '../../src/cli/render/hex.js'
import {smallIntegerText} from '../../src/cli/render/der_any.js'
import {renderChain} from '../../src/cli/render/certutil_chain.js'
import {renderValidity} from '../../src/cli/render/certutil_validate.js'

const CERTUTIL = '/usr/bin/certutil'
const TOKEN = 'NSS Certificate DB'

describe('renderers without NSS', () => {
  test('-L header and rows', () => {
    assert.equal(renderCertList([]), '\nCertificate Nickname' + ' '.repeat(41) + 'Trust Attributes\n' + ' '.repeat(61) + 'SSL,S/MIME,JAR/XPI\n\n')
    assert.equal(renderCertList([]), CERT_LIST_HEADER)
    assert.equal(renderCertList([{nickname: 'srv', trust: ',,'}]), CERT_LIST_HEADER + 'srv' + ' '.repeat(57) + ' ,,   \n')
    const long = 'n'.repeat(70)
    assert.equal(renderCertList([{nickname: long, trust: 'CTu,Cu,Cu'}]), CERT_LIST_HEADER + long + ' CTu,Cu,Cu\n')
  })
  test('-K rows', () => {
    const id = Buffer.from('c88a851f1ac565c99b36121b552b05f6ce622635', 'hex')
    assert.equal(renderKeyListRow(0, {type: 'rsa', keyId: id, nickname: 'NSS Certificate DB:Test CA'}),
      '< 0> rsa      c88a851f1ac565c99b36121b552b05f6ce622635   NSS Certificate DB:Test CA\n')
    assert.equal(renderKeyListRow(12, {type: 'ec', keyId: id, nickname: 'x', orphan: true}),
      '<12> ec       c88a851f1ac565c99b36121b552b05f6ce622635   (orphan)\n')
    assert.equal(formatKeyId(Buffer.from('abc')), '"abc"')
    assert.equal(renderKeyList([], 'NSS Certificate DB'),
      'certutil: Checking token "NSS Certificate DB" in slot "NSS User Private Key and Certificate Services"\n')
  })
  test('byte dumps and small integers', () => {
    assert.equal(nssHexDump(Buffer.from('abcd'), '  '), '  61:62:63:64\n  abcd\n')
    assert.equal(nssHexDump(Buffer.from('abcde'), '  '), '  abcde\n')
    assert.equal(nssHexDump(Buffer.from([0x61, 0]), '  '), '  61:00\n')
    assert.equal(nssHexDump(Buffer.alloc(0), '  '), '  (empty)\n')
    assert.equal(nssHexDump(Buffer.from('x'.repeat(61)), ''), 'x'.repeat(61) + '\n')
    assert.equal(nssHexDump(Buffer.alloc(17, 0xff), ''), 'ff:'.repeat(15) + 'ff:\nff\n')
    assert.equal(smallIntegerText(Buffer.from([0xff])), '-1 (0xffffffff)')
    assert.equal(smallIntegerText(Buffer.from([0x00, 0x80])), '128 (0x80)')
    assert.equal(smallIntegerText(Buffer.from([0, 0x80, 0, 0, 0])), null)
  })
  test('-O chain and -V messages', () => {
    assert.equal(renderChain([{nickname: 'Test CA', subject: 'CN=Test CA,O=Example Corp,C=US'}, {nickname: 'server-cert', subject: 'CN=localhost'}]),
      '"Test CA" [CN=Test CA,O=Example Corp,C=US]\n\n  "server-cert" [CN=localhost]\n\n')
    assert.equal(renderChain([{nickname: null, subject: 'CN=x'}]), '"(null)" [CN=x]\n\n')
    assert.deepEqual(renderValidity({valid: true}), {stdout: 'certutil: certificate is valid\n', stderr: '', exitCode: 0})
    assert.deepEqual(renderValidity({valid: false, error: 'Peer\'s Certificate has expired.'}),
      {stdout: 'certutil: certificate is invalid: Peer\'s Certificate has expired.\n', stderr: '', exitCode: 255})
    assert.deepEqual(renderValidity({valid: false, error: 'ignored', log: [{name: 'server-cert', error: 'Peer\'s Certificate has expired.'}]}),
      {stdout: '', stderr: 'server-cert : Peer\'s Certificate has expired.\n', exitCode: 255})
  })
})

interface Made {
  readonly nick: string
  /** the -t given */
  readonly trust: string
  readonly hasKey: boolean
}

describe('renderers against NSS certutil', () => {
  let dir = ''
  let db = ''
  let noise = ''
  const made: Made[] = []
  const available = existsSync(CERTUTIL)

  const certutil = (args: string[], input = ''): Buffer =>
    execFileSync(CERTUTIL, [...args, '-d', db], {input, timeout: 60_000, stdio: ['pipe', 'pipe', 'pipe']})
  const openssl = (args: string[]): void => {
    execFileSync('openssl', args, {timeout: 60_000, stdio: ['ignore', 'pipe', 'pipe']})
  }
  const importPem = (nick: string, pem: string, trust: string): void => {
    certutil(['-A', '-n', nick, '-t', trust, '-i', pem, '-a'])
    made.push({nick, trust, hasKey: false})
  }
  const opensslCert = (nick: string, trust: string, args: string[], extensions?: string): void => {
    const out = join(dir, `${nick}.pem`)
    const key = join(dir, 'ossl-key.pem')
    if (!existsSync(key)) openssl(['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:1024', '-out', key])
    const cfg = join(dir, `${nick}.cnf`)
    writeFileSync(cfg, readFileSync(process.env.OPENSSL_CONF ?? '/etc/ssl/openssl.cnf', 'latin1') + `\n[v3x]\n${extensions ?? 'basicConstraints=CA:FALSE'}\n`)
    openssl(['req', '-x509', '-key', key, '-days', '30', '-config', cfg, '-extensions', 'v3x', '-out', out, ...args])
    importPem(nick, out, trust)
  }

  before(() => {
    if (!available) return
    dir = mkdtempSync(join(tmpdir(), 'msgctl-render-'))
    db = `sql:${dir}`
    noise = join(dir, 'noise')
    writeFileSync(noise, randomBytes(64))
    certutil(['-N', '--empty-password'])
    const s = (nick: string, trust: string, args: string[], input = ''): void => {
      certutil(['-S', '-n', nick, '-t', trust, '-z', noise, ...args], input)
      made.push({nick, trust, hasKey: true})
    }
    s('Test CA', 'CTu,CTu,CTu', ['-x', '-s', 'CN=Test CA,O=Example Corp,C=US', '-m', '1', '-2', '--keyUsage', 'certSigning,crlSigning'], 'y\n\nn\n')
    s('server-cert', 'u,u,u', ['-c', 'Test CA', '-s', 'CN=localhost,O=Example Corp,C=US', '-m', '2', '-8', 'localhost',
      '--extKeyUsage', 'serverAuth,clientAuth', '--keyUsage', 'digitalSignature,keyEncipherment'])
    s('alice', 'P,,', ['-c', 'Test CA', '-s', 'CN=Alice,E=alice@example.com,O=Example Corp,C=US', '-k', 'ec', '-q', 'nistp256', '-m', '3',
      '-7', 'alice@example.com', '--extKeyUsage', 'emailProtection,clientAuth'])
    s('sub CA', 'c,C,T', ['-c', 'Test CA', '-s', 'CN=Sub CA', '-k', 'ec', '-q', 'nistp384', '-2', '--nsCertType', 'sslCA,smimeCA,critical'], 'y\n3\ny\n')
    s('default serial', 'p,p,p', ['-x', '-s', 'CN=default serial', '-g', '1024'])
    certutil(['-G', '-k', 'ec', '-q', 'nistp256', '-z', noise])
    if (execFileSync('sh', ['-c', 'command -v openssl || true'], {encoding: 'latin1'}).trim() === '') return
    opensslCert('big serial', ',,', ['-subj', '/C=US/O=Ex/CN=big', '-set_serial', '0x0102030405060708090a0b0c0d0e0f1011'])
    opensslCert('neg serial', 'C,,', ['-subj', '/CN=neg', '-set_serial', '-129'])
    opensslCert('printable serial', 'T,,', ['-subj', '/CN=printable', '-set_serial', '0x6162636465'])
    opensslCert('ext', ',,', ['-subj', '/C=US/O=Ex/CN=ext', '-set_serial', '255'], [
      'basicConstraints=critical,CA:TRUE,pathlen:2', 'subjectKeyIdentifier=hash', 'authorityKeyIdentifier=keyid:always',
      'subjectAltName=DNS:a.example,IP:10.1.2.3,IP:2001:db8::1,URI:http://x.example/,email:m@x.example,dirName:dn1,RID:1.2.3.4,otherName:1.2.3.4;UTF8:hi',
      'issuerAltName=DNS:issuer.example',
      'nsCertType=server,client,email,objsign,sslCA,emailCA,objCA', 'certificatePolicies=1.2.3.4',
      'crlDistributionPoints=URI:http://crl.example/x.crl', 'authorityInfoAccess=OCSP;URI:http://ocsp.example/',
      'extendedKeyUsage=timeStamping,OCSPSigning,codeSigning,1.3.6.1.5.5.7.3.17,msCTLSign,anyExtendedKeyUsage,2.16.840.1.113730.4.1',
      'keyUsage=critical,digitalSignature,nonRepudiation,keyEncipherment,dataEncipherment,keyAgreement,keyCertSign,cRLSign,encipherOnly,decipherOnly',
      '[dn1]', 'CN=Dir Name', 'O=Org',
    ].join('\n'))
    opensslCert('aki issuer', ',,', ['-subj', '/CN=aki', '-set_serial', '10'], 'basicConstraints=CA:FALSE\nauthorityKeyIdentifier=keyid,issuer:always')
    const x = (s: string): string => [...Buffer.from(s)].map((b) => b.toString(16).padStart(2, '0')).join(':')
    const octets = (s: string): string => `DER:04:${Buffer.from(s).length.toString(16).padStart(2, '0')}:${x(s)}`
    opensslCert('unknown', ',,', ['-subj', '/CN=unknown', '-set_serial', '9'], [
      '1.2.3.1=DER:04:05:68:65:6c:6c:6f', '1.2.3.2=DER:02:01:05', '1.2.3.3=DER:02:09:01:02:03:04:05:06:07:08:09',
      '1.2.3.5=ASN1:IA5String:abc', '1.2.3.6=DER:30:06:02:01:07:0c:01:41', '1.2.3.7=DER:01:01:ff', '1.2.3.8=DER:06:03:2a:03:04',
      '1.2.3.9=DER:05:00', '1.2.3.10=DER:03:03:06:a0:00', '1.2.3.11=DER:a0:03:02:01:01', '1.2.3.12=critical,DER:31:03:02:01:09',
      '1.2.3.13=DER:04:14:00:01:02:03:04:05:06:07:08:09:0a:0b:0c:0d:0e:0f:10:11:12:13', '1.2.3.14=ASN1:PRINTABLESTRING:Hello There',
      '1.2.3.15=ASN1:UTCTIME:260101120000Z', '1.2.3.17=DER:02:01:ff', '1.2.3.18=DER:30:00', '1.2.3.19=DER:04:00',
      '1.2.3.20=DER:04:04:61:62:63:00', '1.2.3.21=DER:04:01:61', `1.2.3.22=${octets('x'.repeat(61))}`, `1.2.3.23=${octets('y'.repeat(62))}`,
      `1.2.3.24=${octets('the quick brown fox jumps over the lazy dog and then some more words here')}`, '1.2.3.25=DER:04:05:20:20:20:20:20',
      '1.2.3.26=DER:04:06:61:62:20:20:63:64', '1.2.3.27=DER:0c:04:61:c3:a9:62',
    ].join('\n'))
    const v1 = join(dir, 'v1.pem')
    const csr = join(dir, 'v1.csr')
    openssl(['req', '-new', '-key', join(dir, 'ossl-key.pem'), '-subj', '/CN=v1', '-out', csr])
    openssl(['x509', '-req', '-in', csr, '-key', join(dir, 'ossl-key.pem'), '-days', '3', '-set_serial', '0', '-out', v1])
    importPem('v1', v1, ',,')
    const ecKey = join(dir, 'ec384.key')
    openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-384', '-out', ecKey])
    const ec = join(dir, 'ec384.pem')
    openssl(['req', '-x509', '-key', ecKey, '-subj', '/CN=ec384', '-days', '3', '-set_serial', '128', '-out', ec])
    importPem('ec384', ec, ',,')
  })
  after(() => {
    if (dir !== '') rmSync(dir, {recursive: true, force: true})
  })

  const guard = (t: {skip: (m: string) => void}): boolean => {
    if (available) return true
    if (process.env.CI) assert.fail(`${CERTUTIL} is missing: NSS certutil (libnss3-tools) is required in CI`)
    console.error(`\n!!! SKIPPING NSS comparison tests: ${CERTUTIL} not found (install libnss3-tools) !!!\n`)
    t.skip(`${CERTUTIL} not found; NSS comparisons skipped`)
    return false
  }

  test('-L -n: every certificate, byte for byte', (t) => {
    if (!guard(t)) return
    assert.ok(made.length >= 5)
    for (const m of made) {
      const der = certutil(['-L', '-n', m.nick, '-r'])
      const expected = certutil(['-L', '-n', m.nick]).toString('latin1')
      const got = renderCertificate(Certificate.fromDer(der), trustBlockLines(storedTrust(parseTrustString(m.trust)), m.hasKey))
      assert.equal(got, expected, `certutil -L -n "${m.nick}"`)
    }
  })

  test('-L: the table, byte for byte', (t) => {
    if (!guard(t)) return
    const expected = certutil(['-L']).toString('latin1')
    const names = expected.split('\n').slice(4, -1).map((l) => l.slice(0, 60).trimEnd())
    assert.deepEqual([...names].sort(), made.map((m) => m.nick).sort())
    const rows = names.map((n) => {
      const m = made.find((x) => x.nick === n) as Made
      return {nickname: n, trust: formatTrust(storedTrust(parseTrustString(m.trust)), m.hasKey)}
    })
    assert.equal(renderCertList(rows), expected)
  })

  test('-K: the key list, byte for byte', (t) => {
    if (!guard(t)) return
    const expected = certutil(['-K']).toString('latin1')
    const nssIds = expected.split('\n').slice(1, -1).map((l) => l.slice(14, 54))
    const withKeys: KeyListRow[] = made.filter((m) => m.hasKey).map((m) => {
      const c = Certificate.fromDer(certutil(['-L', '-n', m.nick, '-r']))
      return {type: nssKeyTypeName(c.subjectPublicKeyInfo.type), keyId: c.keyId, nickname: `${TOKEN}:${m.nick}`}
    })
    const orphanLine = expected.split('\n').find((l) => l.endsWith('(orphan)'))
    assert.ok(orphanLine !== undefined, 'the -G key is listed as an orphan')
    const orphan: KeyListRow = {type: 'ec', keyId: Buffer.from(orphanLine.slice(14, 54), 'hex'), nickname: null}
    const all = [...withKeys, orphan]
    const ordered = nssIds.map((id) => all.find((k) => k.keyId.toString('hex') === id) as KeyListRow)
    assert.equal(ordered.length, all.length)
    assert.equal(renderKeyList(ordered, TOKEN), expected)
  })
})
