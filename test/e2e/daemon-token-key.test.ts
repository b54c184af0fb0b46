import assert from 'node:assert/strict'
import {spawnSync} from 'node:child_process'
import {appendFileSync, readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {test} from 'node:test'
import {runTool, systemTool} from '../helpers/cli.js'
import {daemonForTest} from '../helpers/daemon.js'
import {pkcs11Tool, softhsmAvailable, softhsmToken} from '../helpers/softhsm.js'

/** The certificate openssl s_client is served (PEM), for one protocol version. */
function servedCertificate(port: number, version: '-tls1_2' | '-tls1_3', env: NodeJS.ProcessEnv): string {
  const r = spawnSync('openssl', ['s_client', '-connect', `127.0.0.1:${port}`, version, '-servername', 'localhost'], {input: '', encoding: 'utf8', env, timeout: 30_000})
  assert.match(r.stdout, new RegExp(`New, TLSv1\\.${version === '-tls1_2' ? '2' : '3'}, Cipher is`), r.stdout + r.stderr)
  return /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----\n/.exec(r.stdout)![0]
}

test('the server key on a SoftHSM token (encryption.rsa.nsssltoken): TLS 1.2 and 1.3 served with it, the key never leaves the token, a wrong PIN is a refused reload', async (t) => {
  if (!softhsmAvailable(t) || !systemTool(t, 'openssl') || !systemTool(t, 'pkcs11-tool')) return
  const tok = softhsmToken(t, 'SrvToken', '8642')
  const env = tok.env
  const {dir, ports} = await daemonForTest(t, 'msgctl-tokenkey-', [], env)
  assert.equal(runTool('modutil', ['-add', 'SoftHSM', '-libfile', tok.library, '-dbdir', dir, '-force'], {env}).status, 0)
  // The seed's sslpassword.conf gives the token's PIN beside the store's password.
  const passwords = join(dir, 'sslpassword.conf')
  appendFileSync(passwords, `SrvToken:${tok.pin}\n`)
  // The key is made on the token (-G -h), a request is signed there (-R -h), the store's CA issues the certificate (-C), which joins the store (-A).
  const certutil = (...args: string[]) => runTool('certutil', [...args, '-d', dir, '-f', passwords], {env})
  assert.equal(certutil('-G', '-h', 'SrvToken', '-k', 'ec', '-n', 'token-server').status, 0)
  const request = join(dir, 'token-server.csr')
  const certFile = join(dir, 'token-server.pem')
  assert.equal(certutil('-R', '-h', 'SrvToken', '-k', 'token-server', '-s', 'CN=localhost', '-a', '-o', request).status, 0)
  const issued = certutil('-C', '-c', 'msgctl Local CA', '-a', '-i', request, '-o', certFile, '-m', '77', '--extSAN', 'dns:localhost')
  assert.equal(issued.status, 0, issued.stderr)
  assert.equal(runTool('certutil', ['-A', '-n', 'token-server', '-t', 'u,u,u', '-a', '-i', certFile, '-d', dir], {env}).status, 0)
  const expected = runTool('certutil', ['-L', '-n', 'token-server', '-a', '-d', dir], {env}).stdout
  assert.match(expected, /^-----BEGIN CERTIFICATE-----/)

  const settings = 'encryption.rsa.nsssltoken = SrvToken\nencryption.rsa.nssslpersonalityssl = token-server\n'
  assert.equal(runTool('configutil', ['-f', dir, '-i', '-'], {input: settings}).status, 0)
  // The engine is loaded when the daemon starts, so the first switch to a token key needs a restart, and says so.
  const reload = runTool('msgctl', ['reload', '-d', dir], {env})
  assert.equal(reload.status, 1)
  assert.match(reload.stderr, /needs OpenSSL's PKCS #11 engine loaded when the daemon starts; restart it/)
  const restart = runTool('msgctl', ['restart', '-d', dir], {env})
  assert.equal(restart.status, 0, restart.stderr)
  assert.equal(runTool('msgctl', ['reload', '-d', dir], {env}).status, 0, 'reloads keep working with the token key')
  for (const version of ['-tls1_2', '-tls1_3'] as const) assert.equal(servedCertificate(ports.imaps, version, env), expected, version)

  // The key is on the token only: private, sensitive, never extractable; the store holds no copy.
  const objects = pkcs11Tool(tok, ['--list-objects', '--type', 'privkey'])
  assert.match(objects.stdout, /Private Key Object; EC\s+label:\s+token-server[\s\S]*?Access:\s+sensitive, always sensitive, never extractable/)
  assert.doesNotMatch(runTool('certutil', ['-K', '-d', dir, '-f', passwords], {env}).stdout, /token-server/)
  assert.doesNotMatch(readFileSync(join(dir, 'msgctl.log'), 'utf8'), new RegExp(`pin-value|${tok.pin}`), 'no PIN in the log')

  // A wrong PIN refuses the reload with the reason; the daemon keeps serving with the token key.
  writeFileSync(passwords, readFileSync(passwords, 'utf8').replace(`SrvToken:${tok.pin}`, 'SrvToken:0000'))
  const refused = runTool('msgctl', ['reload', '-d', dir], {env})
  assert.equal(refused.status, 1)
  assert.match(refused.stderr, /PIN .*for the token "SrvToken" is refused/)
  assert.doesNotMatch(refused.stderr, /0000/)
  assert.equal(servedCertificate(ports.imaps, '-tls1_3', env), expected)

  // A token no module holds: refused with the reason, the daemon serves on.
  assert.equal(runTool('configutil', ['-f', dir, '-o', 'encryption.rsa.nsssltoken', '-v', 'AbsentToken']).status, 0)
  appendFileSync(passwords, 'AbsentToken:1111\n')
  const absent = runTool('msgctl', ['reload', '-d', dir], {env})
  assert.equal(absent.status, 1)
  assert.match(absent.stderr, /The token "AbsentToken" cannot serve the key of "token-server": .*modutil -list/)
  assert.equal(servedCertificate(ports.imaps, '-tls1_2', env), expected)

  // Back to the store's key with a reload.
  assert.equal(runTool('configutil', ['-f', dir, '-i', '-'], {input: 'encryption.rsa.nsssltoken = internal\nencryption.rsa.nssslpersonalityssl = Server-Cert\n'}).status, 0)
  assert.equal(runTool('msgctl', ['reload', '-d', dir], {env}).status, 0)
  assert.notEqual(servedCertificate(ports.imaps, '-tls1_3', env), expected)
})
