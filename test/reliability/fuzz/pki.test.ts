/**
 * PEM and DER input of the PKI core: certificates (certutil -A, client
 * certificates at login), requests (certutil -C), keys, names.
 *
 * Property for each decoder: any bytes, and mutated real samples, give a
 * value or the decoder's own typed error (CertificateParseError,
 * CertificationRequestParseError, PemError, KeyImportError, DnSyntaxError;
 * DerError for the low-level der.ts walk that callers wrap), with a clear
 * one-line message, within the time limit. A value that decodes can be used:
 * every accessor works and the DER round-trips.
 */
import assert from 'node:assert/strict'
import {execFileSync} from 'node:child_process'
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {test} from 'node:test'
import fc from 'fast-check'
import {
  Certificate, CertificateParseError, CertificationRequest, CertificationRequestParseError, DnSyntaxError, KeyImportError, PemError,
  UnsupportedAlgorithmError, decodeName, der, formatDn, importPkcs8, importSpki, parseDn, parseSubjectPublicKeyInfo, pemDecodeAll,
} from '../../../src/core/pki/index.js'
import {DerError, type DerNode} from '../../../src/core/pki/der.js'
import {sameDn} from '../../../src/core/auth/certmap/index.js'
import {NSS} from '../../unit/pki-helpers.js'
import {derInput, expectTyped, fuzzParams, MemoryWatch, mutatedText, outcomeOf, textInput} from './fuzz_config.js'

/** A leaf with many name types and extensions, a request and keys, made once by openssl. */
function opensslSamples(): {cert: Buffer; csr: Buffer; pkcs8: Buffer; spki: Buffer; pem: string} {
  const dir = mkdtempSync(join(tmpdir(), 'msgctl-fuzz-pki-'))
  try {
    const f = (n: string): string => join(dir, n)
    writeFileSync(f('ext'), 'subjectAltName=email:ann@example.test,DNS:mail.example.test,IP:192.0.2.1,URI:http://x/,dirName:dir\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=clientAuth,emailProtection\nbasicConstraints=CA:FALSE\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n[dir]\nCN=dir name\n')
    const run = (...args: string[]): void => void execFileSync('openssl', args, {stdio: 'ignore'})
    run('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', f('ca.key'), '-out', f('ca.pem'), '-subj', '/CN=Fuzz CA/O=msgctl', '-days', '2')
    run('req', '-new', '-newkey', 'rsa:1024', '-nodes', '-keyout', f('leaf.key'), '-out', f('leaf.csr'), '-subj', '/C=US/O=Ex, Inc./OU=Mail+OU=Web/CN=Ann Example/emailAddress=ann@example.test/UID=ann', '-addext', 'subjectAltName=email:ann@example.test', '-utf8')
    run('x509', '-req', '-in', f('leaf.csr'), '-CA', f('ca.pem'), '-CAkey', f('ca.key'), '-CAcreateserial', '-out', f('leaf.pem'), '-days', '2', '-extfile', f('ext'), '-outform', 'PEM')
    run('pkcs8', '-topk8', '-nocrypt', '-in', f('leaf.key'), '-outform', 'DER', '-out', f('leaf.p8'))
    run('pkey', '-in', f('leaf.key'), '-pubout', '-outform', 'DER', '-out', f('leaf.spki'))
    const pem = readFileSync(f('leaf.pem'), 'utf8')
    const csrPem = readFileSync(f('leaf.csr'), 'utf8')
    return {cert: pemDecodeAll(pem)[0]!.der, csr: pemDecodeAll(csrPem)[0]!.der, pkcs8: readFileSync(f('leaf.p8')), spki: readFileSync(f('leaf.spki')), pem: pem + readFileSync(f('ca.pem'), 'utf8') + csrPem}
  } finally {
    rmSync(dir, {recursive: true, force: true})
  }
}

const made = opensslSamples()
const CERTS = [made.cert, NSS.rsa.der, NSS.ecExtensions.der, NSS.pss.der, NSS.ecCa.der]
const CERT_INPUTS = [...CERTS, Buffer.from(made.pem), Buffer.from(made.cert.toString('base64'))]
const REQUESTS = [made.csr, Buffer.from(made.pem)]
const KEYS = [made.pkcs8, made.spki]
const CERT_ERRORS = [CertificateParseError, PemError]

/** Every accessor a command or the daemon may call on a decoded certificate. */
function useCertificate(cert: Certificate): void {
  void [cert.basicConstraints, cert.keyUsage, cert.extKeyUsage, cert.nsCertType, cert.subjectKeyIdentifier, cert.authorityKeyIdentifier, cert.subjectAltNames, cert.keyId, cert.isSelfIssued]
  void [cert.subject.text, cert.issuer.text, formatDn(cert.subject.rdns), cert.isValidAt(new Date())]
  const again = Certificate.fromDerOrPem(Buffer.from(cert.toPem()))
  assert.deepEqual(again.der, cert.der, 'PEM round trip keeps the DER')
  const key = cert.publicKey
  if (key !== null) expectTyped('Certificate.verifySignature', cert.der, () => cert.verifySignature(key), [UnsupportedAlgorithmError])
}

test('Certificate.fromDerOrPem: any bytes and mutated certificates give a usable Certificate or CertificateParseError/PemError', () => {
  const memory = new MemoryWatch()
  fc.assert(
    fc.property(derInput(CERT_INPUTS), (input) => {
      const cert = expectTyped('Certificate.fromDerOrPem', input, () => Certificate.fromDerOrPem(input), CERT_ERRORS)
      if (cert !== undefined) expectTyped('certificate accessors', input, () => useCertificate(cert), [])
      memory.check('Certificate')
    }),
    fuzzParams(20),
  )
})

test('CertificationRequest.fromDerOrPem: any bytes and mutated requests give a request or CertificationRequestParseError/PemError', () => {
  const memory = new MemoryWatch()
  fc.assert(
    fc.property(derInput(REQUESTS), (input) => {
      const csr = expectTyped('CertificationRequest.fromDerOrPem', input, () => CertificationRequest.fromDerOrPem(input), [CertificationRequestParseError, PemError])
      if (csr !== undefined) {
        expectTyped('request accessors', input, () => void [csr.subject.text, csr.extensions.map((e) => e.decoded), csr.attributes.length, csr.publicKey], [])
        expectTyped('CertificationRequest.verifySignature', input, () => csr.verifySignature(), [UnsupportedAlgorithmError])
      }
      memory.check('CertificationRequest')
    }),
    fuzzParams(10),
  )
})

/** Walk every constructed element, as the decoders do. */
function walk(node: DerNode, depth = 0): number {
  if (!node.constructed || depth > 50) return 1
  return der.childrenOf(node).reduce((n, c) => n + walk(c, depth + 1), 1)
}

test('der.ts: parseDer and childrenOf over any bytes give nodes or DerError; SPKI and Name decoders likewise', () => {
  const memory = new MemoryWatch()
  const names = CERTS.map((c) => Certificate.fromDer(c).subject.der)
  fc.assert(
    fc.property(derInput([...CERTS, ...KEYS, ...names]), (input) => {
      const top = expectTyped('parseDer', input, () => der.parseDer(input), [DerError])
      if (top !== undefined) expectTyped('childrenOf walk', input, () => walk(top), [DerError])
      expectTyped('parseSubjectPublicKeyInfo', input, () => parseSubjectPublicKeyInfo(input), [DerError])
      const name = expectTyped('decodeName', input, () => decodeName(input), [DerError])
      if (name !== undefined) expectTyped('formatDn', input, () => formatDn(name.rdns), [])
      memory.check('der')
    }),
    fuzzParams(20),
  )
})

test('importPkcs8 / importSpki: any bytes give a key or KeyImportError', () => {
  fc.assert(
    fc.property(derInput(KEYS), (input) => {
      expectTyped('importPkcs8', input, () => importPkcs8(input), [KeyImportError])
      expectTyped('importSpki', input, () => importSpki(input), [KeyImportError])
    }),
    fuzzParams(5),
  )
})

test('pemDecodeAll: any text gives blocks or PemError, in time linear in its length', () => {
  // BEGIN lines without an END: each used to rescan the rest of the text (256 KiB took seconds).
  const examples: [string][] = [['-----BEGIN A-----'.repeat(16_000)], ['-----BEGIN A-----\n'.repeat(8_000) + '-----END B-----']]
  fc.assert(
    fc.property(fc.oneof(textInput([made.pem], ['-----BEGIN ', '-----END ', 'CERTIFICATE', '-----', '\n', 'Proc-Type: 4', '\n\n', 'MIIB', '=', '=='], 2000), mutatedText([made.pem])), (text) => {
      expectTyped('pemDecodeAll', text, () => pemDecodeAll(text), [PemError])
    }),
    {...fuzzParams(5), examples},
  )
})

const DN_SAMPLES = ['CN=x,O=y,C=US', 'CN="Ann, Example",O=Ex\\, Inc.,E=ann@example.test', 'OU=Mail+OU=Web, O=usps, c=US', 'OID.2.5.4.3=z, UID=ann, DC=example, DC=test', 'CN=#0c03616263', 'cn = spaced , o = "quoted \\" value"']
const DN_TOKENS = ['CN', 'O', 'OU', 'C', 'E', 'MAIL', 'UID', 'DC', 'OID.', '2.5.4.3', '=', ',', ';', '+', '"', '\\', '#', ' ', '<', '>', 'US', 'x']

test('parseDn: any text gives a name whose display form parses back to the same name (as certmap matches names), or DnSyntaxError', () => {
  fc.assert(
    fc.property(textInput(DN_SAMPLES, DN_TOKENS), (text) => {
      const dn = outcomeOf('parseDn', text, () => parseDn(text), [DnSyntaxError])
      if (!dn.ok) return
      // A #hex value is taken as it is (no country-code or length rules), so its display form need not parse.
      if (/=\s*#/.test(text)) return
      // The display form is what certutil prints and what an admin pastes back into -s or certmap.conf.
      const again = outcomeOf('parseDn(formatDn(dn))', dn.value.text, () => parseDn(dn.value.text), [])
      // String types (PrintableString, UTF8String) are not in the display form; matching ignores them too.
      if (again.ok) assert.ok(sameDn(again.value, dn.value), `display form ${JSON.stringify(dn.value.text)} names something else than ${JSON.stringify(text)}`)
    }),
    fuzzParams(10),
  )
})
