import assert from 'node:assert/strict'
import {execFileSync, spawn} from 'node:child_process'
import {KeyObject} from 'node:crypto'
import {writeFileSync} from 'node:fs'
import type {AddressInfo} from 'node:net'
import {join} from 'node:path'
import {test} from 'node:test'
import {createServer, type Server} from 'node:tls'
import {getSetting} from '../../src/core/config/settings.js'
import {Store, locateStore} from '../../src/core/store/index.js'
import {
  buildTlsSettings,
  loadServerCredentials,
  readSslPasswordFile,
  ServerCredentialsError,
  TlsSettingsError,
  type ServerCredentialOptions,
  type ServerCredentials,
  type TlsSettings,
} from '../../src/daemon/tls/index.js'
import {runTool, systemTool, tempDir} from '../helpers/cli.js'

const PASSWORD = 'tls-test-pw'

interface Fixture {
  readonly dir: string
  readonly store: Store
  readonly caPem: string
  readonly clientCert: string
  readonly clientKey: string
}

function certutil(args: readonly string[]): string {
  const r = runTool('certutil', args)
  assert.equal(r.status, 0, `certutil ${args.join(' ')}: ${r.stderr}`)
  return r.stdout
}

/**
 * A store made with our certutil exactly as an admin would: a CA, Server-Cert
 * signed by it, a client certificate issued for an openssl request and also
 * added without its key as "Keyless". Every certutil run happens before the
 * test opens the store, so the test never holds it while a tool writes.
 */
function makeFixture(t: {after: (fn: () => void) => void}, caTrust?: string): Fixture {
  const dir = tempDir(t, 'msgctl-tls-')
  const db = join(dir, 'config')
  const pwfile = join(dir, 'pw')
  writeFileSync(pwfile, `${PASSWORD}\n`)
  certutil(['-N', '-d', db, '-f', pwfile])
  certutil(['-S', '-d', db, '-n', 'CA', '-x', '-t', 'CTu,CTu,CTu', '-s', 'CN=Test CA', '-k', 'ec', '-f', pwfile, '-z', '/etc/passwd', '-m', '1'])
  certutil(['-S', '-d', db, '-n', 'Server-Cert', '-c', 'CA', '-t', 'u,u,u', '-s', 'CN=localhost', '-k', 'ec', '-f', pwfile, '-z', '/etc/passwd', '-m', '2'])
  const caPem = certutil(['-L', '-d', db, '-n', 'CA', '-a'])
  writeFileSync(join(dir, 'ca.pem'), caPem)

  const clientKey = join(dir, 'client.key')
  const csr = join(dir, 'client.csr')
  const clientCert = join(dir, 'client.crt')
  execFileSync('openssl', ['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', clientKey, '-subj', '/CN=client', '-out', csr], {stdio: 'ignore'})
  certutil(['-C', '-d', db, '-c', 'CA', '-i', csr, '-o', clientCert, '-a', '-f', pwfile, '-m', '3'])
  certutil(['-A', '-d', db, '-n', 'Keyless', '-t', ',,', '-i', clientCert])
  if (caTrust) certutil(['-M', '-d', db, '-n', 'CA', '-t', caTrust])

  writeFileSync(join(db, 'sslpassword.conf'), `Internal (Software) Token:${PASSWORD}\n`, {mode: 0o600})
  const store = Store.open(locateStore(db))
  t.after(() => store.close())
  return {dir, store, caPem, clientCert, clientKey}
}

function options(f: Fixture, overrides: Partial<ServerCredentialOptions> = {}): ServerCredentialOptions {
  const passwords = readSslPasswordFile(f.store.location.dir)
  return {nickname: 'Server-Cert', token: 'internal', passwordFor: (token) => passwords?.passwordFor(token) ?? null, ...overrides}
}

/** The registry's defaults and the store's values, with overrides on top. */
function config(store: Store, overrides: Record<string, string> = {}): (name: string) => string {
  return (name) => overrides[name] ?? getSetting(store, name).value
}

function expectProblem(fn: () => unknown, problem: string, message: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof ServerCredentialsError, String(e))
    assert.equal(e.problem, problem)
    assert.match(e.message, message)
    return true
  })
}

interface Running {
  readonly port: number
  readonly clientErrors: Error[]
  close(): Promise<void>
}

/** A TLS server on a loopback port that greets and hangs up; always closed by the test. */
async function serve(t: {after: (fn: () => Promise<void>) => void}, settings: TlsSettings): Promise<Running> {
  const server: Server = createServer(settings.serverOptions, (socket) => {
    socket.on('error', () => {})
    socket.end(`hello ${socket.getProtocol()} authorized=${socket.authorized}\n`)
  })
  const clientErrors: Error[] = []
  server.on('tlsClientError', (e) => clientErrors.push(e))
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done))
  let closed = false
  const close = async () => {
    if (closed) return
    closed = true
    await new Promise<void>((done) => server.close(() => done()))
  }
  t.after(close)
  return {port: (server.address() as AddressInfo).port, clientErrors, close}
}

interface ClientResult {
  readonly status: number | null
  readonly out: string
}

/** openssl s_client, asynchronously (the server runs in this process), reading until the server hangs up; killed after 20 s. */
function sClient(port: number, args: readonly string[]): Promise<ClientResult> {
  return new Promise((done, fail) => {
    const child = spawn('openssl', ['s_client', '-connect', `127.0.0.1:${port}`, '-servername', 'localhost', '-ign_eof', ...args], {stdio: ['pipe', 'pipe', 'pipe']})
    let out = ''
    child.stdout.on('data', (d) => (out += d))
    child.stderr.on('data', (d) => (out += d))
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000)
    child.on('error', fail)
    child.on('close', (status) => {
      clearTimeout(timer)
      done({status, out})
    })
    child.stdin.end()
  })
}

function credentials(f: Fixture): ServerCredentials {
  return loadServerCredentials(f.store, options(f))
}

test('credentials load from the store with the sslpassword.conf password', (t) => {
  if (!systemTool(t, 'openssl')) return
  const f = makeFixture(t)
  const c = credentials(f)
  assert.equal(c.certificate.subject.text, 'CN=localhost')
  assert.ok(c.key instanceof KeyObject)
  assert.equal(c.key.type, 'private')
  assert.equal(c.key.asymmetricKeyType, 'ec')
  // The self-signed root is left out of the chain sent.
  assert.equal(c.chain.length, 1)
  assert.equal(c.certChainPem, c.certificate.toPem())
  // CTu on the CA includes T: it is the one client-certificate CA.
  assert.deepEqual(c.clientCaPem, [f.caPem])
  assert.equal(c.notAfter.getTime(), c.certificate.notAfter.getTime())
  assert.deepEqual(c.warnings, [])
  // NSS's token:nickname form for the internal token.
  assert.equal(loadServerCredentials(f.store, options(f, {nickname: 'internal:Server-Cert'})).certificate.subject.text, 'CN=localhost')
})

test('each refusal is a typed error an admin can act on', (t) => {
  if (!systemTool(t, 'openssl')) return
  const f = makeFixture(t)
  expectProblem(() => loadServerCredentials(f.store, options(f, {passwordFor: () => 'not-the-password'})), 'wrong-password', /sslpassword\.conf gives for the internal token is wrong/)
  expectProblem(() => loadServerCredentials(f.store, options(f, {passwordFor: () => null})), 'no-password', /sslpassword\.conf gives none for it; add the line "Internal \(Software\) Token:PASSWORD"/)
  expectProblem(() => loadServerCredentials(f.store, options(f, {nickname: 'Mail-Cert'})), 'no-certificate', /no certificate named "Mail-Cert" .*certutil -L .*certutil -S .*encryption\.rsa\.nssslpersonalityssl/)
  // An external token no module holds (token keys are tested with SoftHSM in test/e2e/daemon-token-key).
  expectProblem(() => loadServerCredentials(f.store, options(f, {token: 'Sun Metaslot'})), 'no-password', /gives no PIN for the token "Sun Metaslot"; add the line "Sun Metaslot:PIN"/)
  expectProblem(() => loadServerCredentials(f.store, options(f, {token: 'Sun Metaslot', passwordFor: () => '1234'})), 'token-unusable', /The token "Sun Metaslot" cannot serve the key of "Server-Cert": .*modutil -list/)
  expectProblem(() => loadServerCredentials(f.store, options(f, {now: new Date(Date.now() + 400 * 86_400_000)})), 'expired', /"Server-Cert" expired on .*renewed certificate/)
  expectProblem(() => loadServerCredentials(f.store, options(f, {now: new Date(Date.now() - 86_400_000)})), 'not-yet-valid', /not valid until/)
  // The client certificate, added without its key.
  expectProblem(() => loadServerCredentials(f.store, options(f, {nickname: 'Keyless'})), 'no-private-key', /"Keyless" has no private key .*pk12util -i/)
})

test('a certificate close to its end still loads, with a warning', (t) => {
  if (!systemTool(t, 'openssl')) return
  const f = makeFixture(t)
  const c = credentials(f)
  const soon = new Date(c.notAfter.getTime() - 5 * 86_400_000)
  const w = loadServerCredentials(f.store, options(f, {now: soon})).warnings
  assert.equal(w.length, 1)
  assert.match(w[0]!, /expires on .* \(in 5 days\)/)
})

test('openssl s_client verifies the server over TLS 1.3 and TLS 1.2, and TLS 1.1 is refused by the server', async (t) => {
  if (!systemTool(t, 'openssl')) return
  const f = makeFixture(t)
  const settings = buildTlsSettings(config(f.store), credentials(f))
  assert.deepEqual(settings.warnings, [])
  assert.equal(settings.policy.minVersion, 'TLSv1.2')
  const server = await serve(t, settings)
  const ca = join(f.dir, 'ca.pem')

  const v13 = await sClient(server.port, ['-CAfile', ca, '-verify_return_error', '-tls1_3'])
  assert.match(v13.out, /Verify return code: 0 \(ok\)/, v13.out)
  assert.match(v13.out, /New, TLSv1\.3, Cipher is TLS_AES_128_GCM_SHA256/, v13.out)
  assert.match(v13.out, /hello TLSv1\.3/, v13.out)

  const v12 = await sClient(server.port, ['-CAfile', ca, '-verify_return_error', '-tls1_2'])
  assert.match(v12.out, /Verify return code: 0 \(ok\)/, v12.out)
  // The key is EC, so the first ECDSA suite of the built-in order wins.
  assert.match(v12.out, /New, TLSv1\.2, Cipher is ECDHE-ECDSA-AES128-GCM-SHA256/, v12.out)

  // SECLEVEL=0 lets the client offer TLS 1.1, so the refusal is the server's.
  const v11 = await sClient(server.port, ['-CAfile', ca, '-tls1_1', '-cipher', 'DEFAULT:@SECLEVEL=0'])
  assert.notEqual(v11.status, 0, v11.out)
  assert.match(v11.out, /alert protocol version/, v11.out)
  assert.match(v11.out, /New, \(NONE\), Cipher is \(NONE\)/, v11.out)
  assert.ok(server.clientErrors.some((e) => /unsupported protocol/i.test(e.message)), server.clientErrors.map((e) => e.message).join('; '))
  await server.close()
})

test('a CA with trust T makes the server ask for a client certificate; off and no T do not', async (t) => {
  if (!systemTool(t, 'openssl')) return
  const f = makeFixture(t)
  const ca = join(f.dir, 'ca.pem')

  const allowed = buildTlsSettings(config(f.store), credentials(f))
  assert.equal(allowed.policy.clientAuth, 'allowed')
  assert.equal(allowed.serverOptions.requestCert, true)
  assert.equal(allowed.serverOptions.rejectUnauthorized, false)
  const s1 = await serve(t, allowed)
  const asked = await sClient(s1.port, ['-CAfile', ca, '-verify_return_error'])
  assert.match(asked.out, /Acceptable client certificate CA names\n.*CN ?= ?Test CA/, asked.out)
  // "allowed": a client without a certificate still gets in, unauthorised.
  assert.match(asked.out, /hello TLSv1\.3 authorized=false/, asked.out)
  await s1.close()

  const off = buildTlsSettings(config(f.store, {'encryption.nssslclientauth': 'off'}), credentials(f))
  assert.equal(off.serverOptions.requestCert, false)
  const s2 = await serve(t, off)
  const notAsked = await sClient(s2.port, ['-CAfile', ca, '-verify_return_error', '-tls1_2'])
  assert.match(notAsked.out, /No client certificate CA names sent/, notAsked.out)
  await s2.close()

})

test('without T on any CA, allowed asks for no certificate and required is refused', (t) => {
  if (!systemTool(t, 'openssl')) return
  const f = makeFixture(t, 'C,C,C')
  const noT = credentials(f)
  assert.deepEqual(noT.clientCaPem, [])
  assert.equal(buildTlsSettings(config(f.store), noT).serverOptions.requestCert, false)
  assert.throws(() => buildTlsSettings(config(f.store, {'encryption.nssslclientauth': 'required'}), noT), (e: unknown) => {
    assert.ok(e instanceof TlsSettingsError)
    assert.match(e.message, /no CA in the store is trusted for client certificates.*certutil -M/)
    return true
  })
})

test('required: a client certificate from the trusted CA gets in, a client without one does not', async (t) => {
  if (!systemTool(t, 'openssl')) return
  const f = makeFixture(t)
  const ca = join(f.dir, 'ca.pem')
  const settings = buildTlsSettings(config(f.store, {'encryption.nssslclientauth': 'required'}), credentials(f))
  assert.equal(settings.serverOptions.rejectUnauthorized, true)
  const server = await serve(t, settings)

  const withCert = await sClient(server.port, ['-CAfile', ca, '-verify_return_error', '-cert', f.clientCert, '-key', f.clientKey])
  assert.match(withCert.out, /hello TLSv1\.3 authorized=true/, withCert.out)

  const without = await sClient(server.port, ['-CAfile', ca, '-verify_return_error'])
  assert.doesNotMatch(without.out, /hello/, without.out)
  assert.match(without.out, /alert certificate required|alert handshake failure/, without.out)
  await server.close()
})

test('settings follow the configuration: minimum version, cipher list, session timeout', async (t) => {
  if (!systemTool(t, 'openssl')) return
  const f = makeFixture(t)
  const ca = join(f.dir, 'ca.pem')
  const c = credentials(f)

  const low = buildTlsSettings(config(f.store, {'encryption.tlsminversion': 'TLSv1.1', 'encryption.nsssl2': 'yes'}), c)
  assert.equal(low.policy.minVersion, 'TLSv1.2')
  assert.ok(low.warnings.some((w) => /TLSv1\.1, but nothing below TLSv1\.2/.test(w)), low.warnings.join('\n'))
  assert.ok(low.warnings.some((w) => /SSL 2\.0 is never offered/.test(w)), low.warnings.join('\n'))
  assert.throws(() => buildTlsSettings(config(f.store, {'encryption.nsssl3': 'no'}), c), TlsSettingsError)

  // Only RSA suites for TLS 1.2 with an EC key: TLS 1.3 still works, and the warning says why TLS 1.2 cannot.
  const rsaOnly = buildTlsSettings(config(f.store, {'encryption.nsssl3ciphers': 'ECDHE-RSA-AES128-GCM-SHA256,rsa_rc4_128_md5'}), c)
  assert.ok(rsaOnly.warnings.some((w) => w.startsWith('rsa_rc4_128_md5 is RC4')), rsaOnly.warnings.join('\n'))
  assert.ok(rsaOnly.warnings.some((w) => /key is EC .* add ECDHE-ECDSA-AES128-GCM-SHA256/.test(w)), rsaOnly.warnings.join('\n'))

  // TLS 1.3 only: the minimum version follows, and a TLS 1.2 client is turned away.
  const only13 = buildTlsSettings(config(f.store, {'encryption.nsssl3ciphers': 'TLS_AES_256_GCM_SHA384'}), c)
  assert.equal(only13.policy.minVersion, 'TLSv1.3')
  const s13 = await serve(t, only13)
  const r13 = await sClient(s13.port, ['-CAfile', ca, '-verify_return_error', '-tls1_3'])
  assert.match(r13.out, /New, TLSv1\.3, Cipher is TLS_AES_256_GCM_SHA384/, r13.out)
  const r12 = await sClient(s13.port, ['-CAfile', ca, '-tls1_2'])
  assert.doesNotMatch(r12.out, /New, TLSv1\.2/, r12.out)
  await s13.close()

  // Session resumption: on by default, off with a timeout of 0 (TLS 1.2, where s_client -reconnect shows it).
  for (const [timeout, reused] of [['300', true], ['0', false]] as const) {
    const s = buildTlsSettings(config(f.store, {'encryption.nsssl3sessiontimeout': timeout, 'encryption.nssslclientauth': 'off'}), c)
    assert.equal(s.policy.sessionTimeout, Number(timeout))
    const srv = await serve(t, s)
    const r = await sClient(srv.port, ['-CAfile', ca, '-tls1_2', '-reconnect'])
    assert.equal(/^Reused, TLSv1\.2/m.test(r.out), reused, `timeout ${timeout}:\n${r.out}`)
    await srv.close()
  }
})
