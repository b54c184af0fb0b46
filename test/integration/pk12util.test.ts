/**
 * pk12util against the real tools: our exports read by OpenSSL 3 and NSS
 * 3.87 pk12util, their exports imported by ours, `-l` compared byte for
 * byte with NSS's on the same files, and NSS's statuses for bad input.
 * Most exports use --iterations 2048 to keep the run short; one uses the
 * 600000 default.
 */
import assert from 'node:assert/strict'
import {execFileSync, spawnSync} from 'node:child_process'
import {sign, verify} from 'node:crypto'
import {existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {after, before, test} from 'node:test'
import {initToken, listCertificateSummaries, listPrivateKeys, loadPrivateKey, requireCertificate, unlockToken} from '../../src/core/certdb/index.js'
import {formatTrust} from '../../src/core/pki/index.js'
import {locateStore, Store} from '../../src/core/store/index.js'
import {BIN, ROOT, runTool, systemTool, type Result} from '../helpers/cli.js'

const NSS_PK12UTIL = '/usr/bin/pk12util'
const NSS_CERTUTIL = '/usr/bin/certutil'
const OPENSSL = '/usr/bin/openssl'

const W = mkdtempSync(join(tmpdir(), 'msgctl-pk12-'))
after(() => rmSync(W, {recursive: true, force: true}))

const OURS = join(W, 'ours')
const TOKEN_PW = 'Tok-en-1'
const TOKEN_PWFILE = join(W, 'token.pw')
const P12_PWFILE = join(W, 'p12.pw')
const FAST = ['--iterations', '2048']

const ours = (args: readonly string[]): Result => runTool('pk12util', args)
const certutil = (args: readonly string[]): Result => runTool('certutil', args)
const ok = (r: Result, what: string): Result => {
  assert.equal(r.status, 0, `${what}: ${r.stderr}${r.stdout}`)
  return r
}
/** A system tool, stdin empty (never a terminal). */
const sh = (cmd: string, args: readonly string[], opts: {cwd?: string} = {}): Result => {
  const r = spawnSync(cmd, args, {encoding: 'utf8', input: '', timeout: 60_000, ...(opts.cwd ? {cwd: opts.cwd} : {})})
  return {status: r.status, stdout: r.stdout, stderr: r.stderr}
}
const openssl = (...args: string[]): string => execFileSync(OPENSSL, args, {encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe']})

/** A fresh NSS database (real certutil) with an empty password. */
function nssDb(name: string): string {
  const dir = join(W, name)
  mkdirSync(dir)
  assert.equal(sh(NSS_CERTUTIL, ['-N', '-d', `sql:${dir}`, '--empty-password']).status, 0)
  return dir
}

/** Run `fn` on one of our stores, opened in this process. */
function withStore<T>(dir: string, fn: (store: Store) => T, create = false): T {
  const store = Store.open(locateStore(dir), {create})
  try {
    return fn(store)
  } finally {
    store.close()
  }
}

/** A fresh store of ours with an empty token password (made in-process: a certutil -N costs a node start). */
function ourDb(name: string): string {
  const dir = join(W, name)
  withStore(dir, (store) => initToken(store, ''), true)
  return dir
}

/** `certutil -L` rows of an NSS database, spaces collapsed. */
const tableRows = (listing: string): string[] => listing.split('\n').slice(4).filter((l) => l !== '').map((l) => l.replace(/ +/g, ' ').trim())

/** The same rows for one of our stores, read in-process. */
const ourRows = (dir: string): string[] =>
  withStore(dir, (store) => listCertificateSummaries(store).map((c) => `${c.nickname} ${formatTrust(c.trust, c.hasPrivateKey)}`.replace(/ +/g, ' ').trim()))

let haveTools = true

before(() => {
  haveTools = [NSS_PK12UTIL, NSS_CERTUTIL, OPENSSL].every((p) => spawnSync(p, ['-H'], {stdio: 'ignore'}).error === undefined)
  writeFileSync(TOKEN_PWFILE, `other token:nope\nNSS Certificate DB:${TOKEN_PW}\n`)
  writeFileSync(P12_PWFILE, 'p12-Pass\n')
  // Our store: an EC root and an RSA-2048 server certificate it issued, under a token password.
  ok(certutil(['-N', '-d', OURS, '-f', TOKEN_PWFILE]), 'certutil -N')
  ok(certutil(['-S', '-d', OURS, '-n', 'Test CA', '-s', 'CN=Test CA,O=Example Corp,C=US', '-x', '-t', 'CTu,CTu,CTu', '-k', 'ec', '-m', '1', '--basic-constraints', 'ca', '-f', TOKEN_PWFILE]), 'CA')
  ok(certutil(['-S', '-d', OURS, '-n', 'server-cert', '-s', 'CN=localhost,O=Example Corp,C=US', '-c', 'Test CA', '-t', 'u,u,u', '-k', 'rsa', '-g', '2048', '-m', '2', '-f', TOKEN_PWFILE]), 'server cert')
  if (!haveTools) return
  // OpenSSL's: an RSA CA and an EC leaf, exported three ways.
  const o = (f: string) => join(W, f)
  openssl('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', o('oca.key'), '-out', o('oca.pem'), '-subj', '/C=US/O=Example Corp/CN=OSSL CA', '-days', '30', '-addext', 'basicConstraints=critical,CA:TRUE')
  openssl('req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', o('bob.key'), '-out', o('bob.csr'), '-subj', '/C=US/O=Example Corp/CN=Bob')
  openssl('x509', '-req', '-in', o('bob.csr'), '-CA', o('oca.pem'), '-CAkey', o('oca.key'), '-set_serial', '7', '-days', '10', '-out', o('bob.pem'))
  const exp = (out: string, ...extra: string[]) => openssl('pkcs12', '-export', '-in', o('bob.pem'), '-inkey', o('bob.key'), '-certfile', o('oca.pem'), '-out', o(out), '-passout', 'pass:pw', ...extra)
  exp('openssl.p12', '-name', 'bob')
  exp('openssl-legacy.p12', '-name', 'bob', '-legacy')
  exp('openssl-3des.p12', '-name', 'bob', '-certpbe', 'PBE-SHA1-3DES', '-keypbe', 'PBE-SHA1-3DES', '-macalg', 'sha1')
  exp('openssl-noname.p12')
})

test('export with the defaults: openssl -info shows NSS 3.87\'s algorithms, -nodes gives the key and chain, mode 0600', (t) => {
  if (!systemTool(t, OPENSSL)) return
  const file = join(W, 'default.p12')
  const r = ok(ours(['-o', file, '-n', 'server-cert', '-d', OURS, '-k', TOKEN_PWFILE, '-W', 'pw']), 'export')
  assert.equal(r.stdout, 'pk12util: PKCS12 EXPORT SUCCESSFUL\n')
  assert.equal(statSync(file).mode & 0o777, 0o600)
  assert.deepEqual(readdirSync(W).filter((n) => n.includes('.tmp')), [], 'no temporary file left')
  const info = spawnSync(OPENSSL, ['pkcs12', '-info', '-in', file, '-passin', 'pass:pw', '-noout'], {encoding: 'utf8'})
  assert.equal(info.status, 0)
  assert.equal(info.stderr, [
    'MAC: sha256, Iteration 600000',
    'MAC length: 32, salt length: 16',
    'PKCS7 Data',
    'Shrouded Keybag: PBES2, PBKDF2, AES-256-CBC, Iteration 600000, PRF hmacWithSHA256',
    'PKCS7 Encrypted data: PBES2, PBKDF2, AES-128-CBC, Iteration 600000, PRF hmacWithSHA256',
    'Certificate bag',
    'Certificate bag',
    '',
  ].join('\n'))
  const pem = openssl('pkcs12', '-in', file, '-passin', 'pass:pw', '-nodes')
  assert.match(pem, /friendlyName: server-cert\n\s+localKeyID: ([0-9A-F]{2} ){20}\nKey Attributes: <No Attributes>\n-----BEGIN PRIVATE KEY-----/)
  assert.match(pem, /friendlyName: Test CA\nsubject=C = US, O = Example Corp, CN = Test CA/)
  const keyFile = join(W, 'default-key.pem')
  writeFileSync(keyFile, pem)
  const leaf = pem.slice(pem.indexOf('subject=C = US, O = Example Corp, CN = localhost'))
  const leafFile = join(W, 'default-leaf.pem')
  writeFileSync(leafFile, leaf)
  assert.equal(openssl('pkey', '-in', keyFile, '-pubout'), openssl('x509', '-in', leafFile, '-noout', '-pubkey'), 'the key is the certificate\'s')
  const localKeyId = /localKeyID: ([0-9A-F ]+)/.exec(pem)![1]!.replace(/ /g, '').trim()
  const sha1 = openssl('x509', '-in', leafFile, '-noout', '-fingerprint', '-sha1').split('=')[1]!.trim().replace(/:/g, '')
  assert.equal(localKeyId, sha1, 'localKeyID is the SHA-1 of the certificate, as NSS writes it')
})

test('legacy exports (3DES key, RC2-40 certificates, SHA-1 MAC; PKCS #5 v1 DES) read with openssl -legacy and import into NSS', (t) => {
  if (!systemTool(t, OPENSSL) || !systemTool(t, NSS_PK12UTIL)) return
  const file = join(W, 'legacy.p12')
  ok(ours(['-o', file, '-n', 'server-cert', '-d', OURS, '-K', TOKEN_PW, '-w', P12_PWFILE, ...FAST,
    '-c', 'PKCS #12 V2 PBE With SHA-1 And 3KEY Triple DES-CBC', '-C', 'PKCS #12 V2 PBE With SHA-1 And 40 Bit RC2 CBC', '-M', 'SHA-1']), 'legacy export')
  const info = spawnSync(OPENSSL, ['pkcs12', '-info', '-legacy', '-in', file, '-passin', 'pass:p12-Pass', '-noout'], {encoding: 'utf8'})
  assert.match(info.stderr, /MAC: sha1, Iteration 2048\n[\s\S]*Shrouded Keybag: pbeWithSHA1And3-KeyTripleDES-CBC, Iteration 2048[\s\S]*PKCS7 Encrypted data: pbeWithSHA1And40BitRC2-CBC, Iteration 2048/)
  // PKCS #5 v1 DES, which NSS still writes and reads its own way.
  const des = join(W, 'legacy-des.p12')
  ok(ours(['-o', des, '-n', 'server-cert', '-d', OURS, '-K', TOKEN_PW, '-w', P12_PWFILE, ...FAST, '-c', 'DES-CBC', '-C', 'PKCS #5 Password Based Encryption with MD5 and DES-CBC', '-M', 'MD5']), 'DES export')
  for (const [f, name] of [[file, 'nss-legacy'], [des, 'nss-des']]) {
    const db = nssDb(name!)
    assert.equal(sh(NSS_PK12UTIL, ['-i', f!, '-d', `sql:${db}`, '-W', 'p12-Pass', '-K', '']).stdout, 'pk12util: PKCS12 IMPORT SUCCESSFUL\n', f)
    assert.deepEqual(tableRows(sh(NSS_CERTUTIL, ['-L', '-d', `sql:${db}`]).stdout).sort(), ['Test CA ,,', 'server-cert u,u,u'])
  }
})

test('NSS pk12util -i imports our default export: nickname from friendlyName, key labelled, CA without trust', (t) => {
  if (!systemTool(t, NSS_PK12UTIL)) return
  const file = join(W, 'for-nss.p12')
  ok(ours(['-o', file, '-n', 'server-cert', '-d', `sql:${OURS}`, '-k', TOKEN_PWFILE, '-W', 'pw', ...FAST]), 'export')
  const db = nssDb('nss-import')
  const r = sh(NSS_PK12UTIL, ['-i', file, '-d', `sql:${db}`, '-W', 'pw', '-K', ''])
  assert.equal(r.status, 0, r.stderr)
  assert.deepEqual(tableRows(sh(NSS_CERTUTIL, ['-L', '-d', `sql:${db}`]).stdout).sort(), ['Test CA ,,', 'server-cert u,u,u'])
  assert.match(sh(NSS_CERTUTIL, ['-K', '-d', `sql:${db}`]).stdout, /< 0> rsa +[0-9a-f]{40} +server-cert\n/)
  assert.equal(sh(NSS_CERTUTIL, ['-V', '-d', `sql:${db}`, '-n', 'server-cert', '-u', 'V']).status, 255, 'the CA came without trust')
})

/** The imported key signs, and the imported certificate verifies that signature. */
function assertKeyMatches(dir: string, nickname: string): void {
  const store = Store.open(locateStore(dir))
  try {
    const stored = requireCertificate(store, nickname)
    assert.ok(stored.hasPrivateKey, `${nickname} has its key`)
    const key = loadPrivateKey(store, unlockToken(store, ''), stored.certificate.keyId)
    const data = Buffer.from('signed by the imported key')
    assert.ok(verify('sha256', data, stored.certificate.publicKey!, sign('sha256', data, key)))
  } finally {
    store.close()
  }
}

test('OpenSSL 3 exports (default, -legacy, 3DES/SHA-1, without -name) import into ours and the key signs for the certificate', (t) => {
  if (!systemTool(t, OPENSSL)) return
  for (const [file, nickname] of [['openssl.p12', 'bob'], ['openssl-legacy.p12', 'bob'], ['openssl-3des.p12', 'bob'], ['openssl-noname.p12', 'Bob - Example Corp']] as const) {
    const db = ourDb(`ours-${file}`)
    const r = ok(ours(['-i', join(W, file), '-d', db, '-W', 'pw']), file)
    assert.equal(r.stdout, (nickname === 'bob' ? '' : 'pk12util: no nickname for cert in PKCS12 file.\npk12util: using nickname: Bob - Example Corp\n') + 'pk12util: PKCS12 IMPORT SUCCESSFUL\n')
    assert.deepEqual(ourRows(db), [`${nickname} u,u,u`, 'OSSL CA - Example Corp ,,'])
    assertKeyMatches(db, nickname)
  }
})

test('NSS pk12util -o exports (default, and DES with NSS\'s PBKDF1 quirks) import into ours', (t) => {
  if (!systemTool(t, NSS_PK12UTIL) || !systemTool(t, OPENSSL)) return
  const db = nssDb('nss-export')
  ok(sh(NSS_PK12UTIL, ['-i', join(W, 'openssl.p12'), '-d', `sql:${db}`, '-W', 'pw', '-K', '']), 'seed the NSS db')
  const variants: [string, string[]][] = [
    ['nss-default.p12', []],
    // PKCS #5 v1 with NSS's own PBKDF1 quirks (BMPString password, IV from the end of the digest).
    ['nss-des.p12', ['-c', 'DES-CBC', '-C', 'PKCS #5 Password Based Encryption with MD5 and DES-CBC']],
  ]
  for (const [file, args] of variants) {
    ok(sh(NSS_PK12UTIL, ['-o', join(W, file), '-n', 'bob', '-d', `sql:${db}`, '-W', 'pw', '-K', '', ...args]), `NSS export ${file}`)
    const mine = ourDb(`ours-${file}`)
    assert.equal(ok(ours(['-i', join(W, file), '-d', mine, '-W', 'pw']), file).stdout, 'pk12util: PKCS12 IMPORT SUCCESSFUL\n')
    assert.deepEqual(ourRows(mine).sort(), ['OSSL CA - Example Corp ,,', 'bob u,u,u'])
    assertKeyMatches(mine, 'bob')
  }
})

test('-l prints exactly what NSS prints for the same file (ours, OpenSSL\'s, NSS\'s), and -r writes the same DER files', (t) => {
  if (!systemTool(t, NSS_PK12UTIL)) return
  // Files written by the tests above, with their passwords (NSS's DES export is left out: its layout is the legacy one's, and its 600000-round MAC is slow to check twice).
  const files = Object.entries({'default.p12': 'pw', 'legacy.p12': 'p12-Pass', 'openssl.p12': 'pw', 'openssl-legacy.p12': 'pw', 'openssl-noname.p12': 'pw', 'nss-default.p12': 'pw'})
    .map(([f, pw]) => [join(W, f), pw] as const).filter(([f]) => existsSync(f))
  assert.ok(files.length >= 5, `files from the tests above: ${files.join(' ')}`)
  for (const [file, pw] of files) {
    const theirs = sh(NSS_PK12UTIL, ['-l', file, '-W', pw])
    const mine = ours(['-l', file, '-W', pw])
    assert.equal(theirs.status, 0, `${file}: ${theirs.stderr}`)
    assert.equal(mine.stdout, theirs.stdout, file)
    assert.equal(mine.status, 0)
  }
  const theirDir = join(W, 'raw-nss')
  const myDir = join(W, 'raw-ours')
  mkdirSync(theirDir)
  mkdirSync(myDir)
  const file = join(W, 'openssl.p12')
  const theirs = sh(NSS_PK12UTIL, ['-l', file, '-W', 'pw', '-r'], {cwd: theirDir})
  const mine = sh(join(BIN, 'pk12util'), ['-l', file, '-W', 'pw', '-r'], {cwd: myDir})
  assert.equal(mine.stdout, theirs.stdout)
  assert.deepEqual(readdirSync(myDir).sort(), readdirSync(theirDir).sort())
  for (const f of readdirSync(theirDir)) {
    assert.deepEqual(readFileSync(join(myDir, f)), readFileSync(join(theirDir, f)), f)
    assert.equal(statSync(join(myDir, f)).mode & 0o777, 0o600)
  }
})

test('-l --json lists the bags as data', (t) => {
  if (!systemTool(t, OPENSSL)) return
  const r = ok(ours(['-l', join(W, 'openssl-legacy.p12'), '-W', 'pw', '--json']), '--json')
  const j = JSON.parse(r.stdout) as {mac: {algorithm: string}; bags: {type: string; friendlyName: string | null; hasPrivateKey?: boolean; subject?: string; encryption?: {scheme: string}}[]}
  assert.equal(j.mac.algorithm, 'SHA-1')
  assert.deepEqual(j.bags.map((b) => [b.type, b.friendlyName, b.hasPrivateKey ?? null]), [['certificate', 'bob', true], ['certificate', null, false], ['shroudedKey', 'bob', null]])
  assert.equal(j.bags[1]!.subject, 'CN=OSSL CA,O=Example Corp,C=US')
  assert.equal(j.bags[2]!.encryption!.scheme, 'PKCS #12 V2 PBE With SHA-1 And 3KEY Triple DES-CBC')
})

test('bad input: one line on stderr, NSS\'s status, the store untouched', (t) => {
  if (!systemTool(t, NSS_PK12UTIL)) return
  const good = join(W, 'openssl.p12')
  const truncated = join(W, 'truncated.p12')
  writeFileSync(truncated, readFileSync(good).subarray(0, 700))
  const garbage = join(W, 'garbage.p12')
  writeFileSync(garbage, Buffer.from('this is not a PKCS #12 file at all, just text\n'.repeat(20)))
  const notP12 = join(W, 'cert.der')
  writeFileSync(notP12, Buffer.from(readFileSync(join(W, 'bob.pem'), 'utf8').replace(/-----[^-]+-----|\s/g, ''), 'base64'))
  const empty = join(W, 'empty.p12')
  writeFileSync(empty, '')
  const db = ourDb('bad-input')
  const nss = nssDb('nss-bad-input')
  const before = ourRows(db)
  const BAD_PW = 'pk12util: PKCS12 decode not verified: SEC_ERROR_BAD_PASSWORD: The security password entered is incorrect.\n'
  const BAD_DER = 'pk12util: PKCS12 decoding failed: SEC_ERROR_BAD_DER: security library: improperly formatted DER-encoded message.\n'
  const cases: [string[], number, string][] = [
    [['-i', good, '-W', 'wrong'], 18, BAD_PW],
    [['-l', good, '-W', 'wrong'], 19, BAD_PW],
    [['-i', truncated, '-W', 'pw'], 18, BAD_DER],
    [['-l', truncated, '-W', 'pw'], 19, BAD_DER],
    [['-i', garbage, '-W', 'pw'], 18, BAD_DER],
    [['-l', garbage, '-W', 'pw'], 19, BAD_DER],
    [['-i', notP12, '-W', 'pw'], 18, BAD_DER],
    [['-l', empty, '-W', 'pw'], 17, 'pk12util: PKCS12 decode not verified: SEC_ERROR_BAD_DER: security library: improperly formatted DER-encoded message.\n'],
    [['-i', join(W, 'nonexistent.p12'), '-W', 'pw'], 10, `pk12util: File Open failed: ${join(W, 'nonexistent.p12')}: PR_FILE_NOT_FOUND_ERROR: File not found\n`],
  ]
  for (const [args, status, stderr] of cases) {
    const mine = ours([...args, '-d', db])
    assert.equal(mine.stderr, stderr, args.join(' '))
    assert.equal(mine.status, status, args.join(' '))
    assert.equal(mine.stdout, '')
    const theirs = sh(NSS_PK12UTIL, [...args, '-d', `sql:${nss}`, '-K', ''])
    assert.equal(theirs.status, status, `NSS's status for ${args.join(' ')}`)
  }
  assert.deepEqual(ourRows(db), before)
})

test('export failures leave no file behind and use NSS\'s statuses', (t) => {
  if (!systemTool(t, NSS_PK12UTIL)) return
  const out = join(W, 'never.p12')
  const cases: [string[], number, RegExp][] = [
    [['-n', 'nosuch'], 24, /^pk12util: find user certs from nickname failed: SEC_ERROR_UNKNOWN_CERT: The requested certificate could not be found\.\n$/],
    [['-n', 'server-cert', '-c', 'BOGUS'], 30, /^pk12util: Algorithm: "BOGUS": SEC_ERROR_INVALID_ALGORITHM: security library: invalid algorithm\.\n$/],
    [['-n', 'server-cert', '-M', 'SHA1'], 30, /^pk12util: Algorithm: "SHA1": SEC_ERROR_INVALID_ALGORITHM/],
    [['-n', 'server-cert', '-K', 'wrong'], 13, /^pk12util: Failed to authenticate to PKCS11 slot: SEC_ERROR_BAD_PASSWORD/],
    [['-n', 'server-cert'], 13, /stdin is not a terminal.*-K PASSWORD or -k FILE\n$/],
    [['-n', 'server-cert', '-h', 'SoftHSM slot 0', '-K', TOKEN_PW], 13, /^pk12util: Invalid slot "SoftHSM slot 0": external tokens are not available to pk12util yet/],
  ]
  for (const [args, status, stderr] of cases) {
    const r = ours(['-o', out, '-d', OURS, '-W', 'pw', ...args])
    assert.equal(r.status, status, `${args.join(' ')}: ${r.stderr}`)
    assert.match(r.stderr, stderr)
    assert.equal(r.stderr.split('\n').length, 2, 'one line')
    assert.equal(existsSync(out), false)
  }
  ok(ours(['-o', out, '-d', OURS, '-k', TOKEN_PWFILE, '-W', '', '-n', 'Test CA', ...FAST]), 'the CA has its key in our store; an empty password')
  assert.match(openssl('pkcs12', '-in', out, '-passin', 'pass:', '-nodes'), /friendlyName: Test CA\n\s+localKeyID/)
  rmSync(out)
  const noDir = ours(['-o', join(W, 'no', 'such', 'dir.p12'), '-n', 'server-cert', '-d', OURS, '-k', TOKEN_PWFILE, '-W', 'pw'])
  assert.equal(noDir.status, 10)
  assert.match(noDir.stderr, /^pk12util: Initialization failed: .*PR_FILE_NOT_FOUND_ERROR: File not found\n$/)
  const noP12Pw = ours(['-o', out, '-n', 'server-cert', '-d', OURS, '-k', TOKEN_PWFILE])
  assert.equal(noP12Pw.status, 1)
  assert.match(noP12Pw.stderr, /stdin is not a terminal to ask on; give the PKCS12 file password with -W PASSWORD or -w FILE\n$/)
  assert.equal(existsSync(out), false)
  // The names -h accepts are unit-tested (pkcs12-token.test.ts); one goes through the command here.
  ok(ours(['-o', out, '-n', 'server-cert', '-d', OURS, '-k', TOKEN_PWFILE, '-W', 'pw', '-h', 'Internal (Software) Token', ...FAST, '-C', 'NONE']), '-h internal name')
  const noDb = ours(['-i', join(W, 'openssl.p12'), '-d', join(W, 'no-such-dir'), '-W', 'pw'])
  assert.equal(noDb.status, 255)
  assert.equal(noDb.stderr, 'pk12util: function failed: SEC_ERROR_BAD_DATABASE: security library: bad database.\n')
})

test('usage: NSS\'s text and status 2 for no mode, two modes, or -o without -n', (t) => {
  if (!systemTool(t, NSS_PK12UTIL)) return
  const nssUsage = sh(NSS_PK12UTIL, [])
  assert.equal(nssUsage.status, 2)
  for (const args of [[], ['-i', 'a.p12', '-l', 'b.p12'], ['-o', 'x.p12', '-d', OURS]]) {
    const r = ours(args)
    assert.equal(r.status, 2, args.join(' '))
    assert.equal(r.stderr, nssUsage.stderr)
  }
})

test('import: chains without trust, re-import keeps names, a key links to a certificate already present, a clash is named and never overwrites', (t) => {
  if (!systemTool(t, OPENSSL)) return
  const db = ourDb('clash')
  // "bob" already names another subject; Bob's CA is already present without its p12 name.
  ok(certutil(['-S', '-d', db, '-n', 'bob', '-s', 'CN=Other,O=Elsewhere', '-x', '-t', ',,', '-k', 'ec']), 'other bob')
  ok(certutil(['-A', '-d', db, '-n', 'my CA', '-t', ',,', '-i', join(W, 'oca.pem')]), 'CA first')
  const r = ok(ours(['-i', join(W, 'openssl.p12'), '-d', db, '-W', 'pw']), 'import with a clash')
  assert.equal(r.stdout, 'pk12util: using nickname: Bob - Example Corp\npk12util: PKCS12 IMPORT SUCCESSFUL\n')
  assert.equal(r.stderr, 'pk12util: the nickname "bob" is already used by a different certificate ("CN=Other,O=Elsewhere"); "CN=Bob,O=Example Corp,C=US" is stored as "Bob - Example Corp"\n')
  assert.deepEqual(ourRows(db), ['bob u,u,u', 'my CA ,,', 'Bob - Example Corp u,u,u'])
  const again = ok(ours(['-i', join(W, 'openssl-noname.p12'), '-d', db, '-W', 'pw']), 're-import')
  assert.equal(again.stdout, 'pk12util: PKCS12 IMPORT SUCCESSFUL\n', 'certificates already present keep their nicknames')
  assert.equal(ourRows(db).length, 3)

  // The certificate first (certutil -A), the key later from the p12: they link.
  const linked = ourDb('link')
  ok(certutil(['-A', '-d', linked, '-n', 'Bob cert', '-t', ',,', '-i', join(W, 'bob.pem')]), 'leaf first')
  ok(ours(['-i', join(W, 'openssl.p12'), '-d', linked, '-W', 'pw', '--ca-trust', 'CT,C,C']), 'key later')
  assert.deepEqual(ourRows(linked), ['Bob cert u,u,u', 'OSSL CA - Example Corp CT,C,C'])
  assertKeyMatches(linked, 'Bob cert')
})

test('an import that fails half-way applies nothing', (t) => {
  if (!systemTool(t, OPENSSL)) return
  // Two different certificates from one issuer with one serial: the second cannot be stored.
  const o = (f: string) => join(W, f)
  openssl('req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', o('twin.key'), '-out', o('twin.csr'), '-subj', '/CN=Twin')
  openssl('x509', '-req', '-in', o('twin.csr'), '-CA', o('oca.pem'), '-CAkey', o('oca.key'), '-set_serial', '7', '-days', '10', '-out', o('twin.pem'))
  writeFileSync(o('chain.pem'), readFileSync(o('oca.pem'), 'utf8') + readFileSync(o('twin.pem'), 'utf8'))
  openssl('pkcs12', '-export', '-in', o('bob.pem'), '-inkey', o('bob.key'), '-certfile', o('chain.pem'), '-name', 'bob', '-out', o('twins.p12'), '-passout', 'pass:pw')
  const db = ourDb('half')
  const r = ours(['-i', o('twins.p12'), '-d', db, '-W', 'pw'])
  assert.equal(r.status, 19, r.stderr)
  assert.match(r.stderr, /^pk12util: PKCS12 decode import bags failed: .*serial number 7.*\n$/)
  assert.deepEqual(ourRows(db), [])
  assert.deepEqual(withStore(db, listPrivateKeys), [])
})

test('token passwords: -k with a token:password line, -K, a wrong one (13), none without a terminal (13)', () => {
  const db = join(W, 'pwdb')
  withStore(db, (store) => initToken(store, TOKEN_PW), true)
  const file = join(W, 'pw-test.p12')
  ok(ours(['-o', file, '-n', 'server-cert', '-d', OURS, '-k', TOKEN_PWFILE, '-w', P12_PWFILE, ...FAST, '-C', 'NONE']), 'export')
  const wrong = ours(['-i', file, '-d', db, '-K', 'nope', '-w', P12_PWFILE])
  assert.equal(wrong.status, 13)
  assert.equal(wrong.stderr, 'pk12util: Failed to authenticate to PKCS11 slot: SEC_ERROR_BAD_PASSWORD: The security password entered is incorrect.\n')
  const none = ours(['-i', file, '-d', db, '-w', P12_PWFILE])
  assert.equal(none.status, 13)
  assert.match(none.stderr, /^pk12util: Failed to authenticate to "NSS Certificate DB": it has a password and stdin is not a terminal to ask on; give it with -K PASSWORD or -k FILE\n$/)
  const noFile = ours(['-i', file, '-d', db, '-k', join(W, 'missing.pw'), '-w', P12_PWFILE])
  assert.equal(noFile.status, 13)
  assert.equal(noFile.stderr, `pk12util: No password file "${join(W, 'missing.pw')}" exists.\n`)
  assert.deepEqual(ourRows(db), [])
  ok(ours(['-i', file, '-d', db, '-k', TOKEN_PWFILE, '-w', P12_PWFILE]), 'import with -k')
  assert.deepEqual(ourRows(db), ['Test CA ,,', 'server-cert u,u,u'])
  const noP12Pw = ours(['-i', file, '-d', db, '-K', TOKEN_PW])
  assert.equal(noP12Pw.status, 1)
})

interface Session {
  status: number
  output: string
  error: string | null
}

/** Run our pk12util on a pseudo-terminal, typing each answer after its prompt appears. */
function onTerminal(args: string[], script: [expect: string, answer: string][]): Session {
  const r = spawnSync('python3', [join(ROOT, 'test', 'helpers', 'pty_driver.py'), '30', join(BIN, 'pk12util'), ...args], {
    input: JSON.stringify(script),
    encoding: 'utf8',
    timeout: 50_000,
  })
  assert.equal(r.status, 0, `pty driver: ${r.stderr}`)
  return JSON.parse(r.stdout) as Session
}

test('on a terminal, pk12util asks for the token password and the file password (twice to export), as NSS does', (t) => {
  if (!systemTool(t, OPENSSL)) return
  const file = join(W, 'tty.p12')
  const out = onTerminal(['-o', file, '-n', 'server-cert', '-d', OURS, ...FAST], [
    ['Enter Password or Pin for "NSS Certificate DB":', 'not-it\r'],
    ['Incorrect password/PIN entered.', ''],
    ['Enter Password or Pin for "NSS Certificate DB":', `${TOKEN_PW}\r`],
    ['Enter password for PKCS12 file: ', 'Tty-Pass\r'],
    ['Re-enter password: ', 'typo\r'],
    ['Passwords do not match. Try again.', ''],
    ['Enter password for PKCS12 file: ', 'Tty-Pass\r'],
    ['Re-enter password: ', 'Tty-Pass\r'],
  ])
  assert.equal(out.error, null, out.output)
  assert.equal(out.status, 0, out.output)
  assert.match(out.output, /pk12util: PKCS12 EXPORT SUCCESSFUL/)
  assert.doesNotMatch(out.output, /Tty-Pass|not-it/, 'passwords are not echoed')
  assert.match(openssl('pkcs12', '-in', file, '-passin', 'pass:Tty-Pass', '-nokeys'), /friendlyName: server-cert/)
  const db = ourDb('tty-import')
  const imp = onTerminal(['-i', file, '-d', db], [['Enter password for PKCS12 file: ', 'Tty-Pass\r']])
  assert.equal(imp.status, 0, imp.output)
  assert.match(imp.output, /pk12util: PKCS12 IMPORT SUCCESSFUL/)
  assert.deepEqual(ourRows(db), ['Test CA ,,', 'server-cert u,u,u'])
})
