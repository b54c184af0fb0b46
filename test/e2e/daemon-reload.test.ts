import assert from 'node:assert/strict'
import {spawn, spawnSync} from 'node:child_process'
import {readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {test} from 'node:test'
import {connect} from 'node:tls'
import {ROOT, runTool, tempDir} from '../helpers/cli.js'
import {configurePorts, freePorts, startDaemon} from '../helpers/daemon.js'

/** SHA-256 of the certificate a fresh TLS connection is given. */
function servedCertificate(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = connect({port, host: '127.0.0.1', servername: 'localhost', rejectUnauthorized: false}, () => {
      resolve(s.getPeerCertificate().fingerprint256.replace(/:/g, '').toLowerCase())
      s.destroy()
    })
    s.on('error', reject)
  })
}

test('reload: a new Server-Cert serves new connections, old sessions go on, a wrong key password is refused', async (t) => {
  const dir = tempDir(t, 'msgctl-reload-')
  const ports = await freePorts()
  configurePorts(dir, ports)
  const msgctl = (args: string[], input = '') => runTool('msgctl', [...args, '-d', dir], {input})
  const started = startDaemon(t, dir)
  assert.equal(started.status, 0, started.stderr)
  assert.equal(msgctl(['user', 'add', 'bob', '--password-stdin'], 'bob-Pa55word\n').status, 0)
  const ca = join(dir, 'ca.pem')
  writeFileSync(ca, runTool('certutil', ['-L', '-d', dir, '-n', 'msgctl Local CA', '-a']).stdout)
  const first = await servedCertificate(ports.imaps)

  // A session opened before the reload.
  const held = spawn('python3', [join(ROOT, 'test', 'e2e', 'hold_imap_session.py'), 'localhost', String(ports.imaps), ca, 'bob', 'bob-Pa55word'], {stdio: ['pipe', 'pipe', 'pipe']})
  t.after(() => held.kill())
  let out = ''
  let err = ''
  held.stdout.on('data', (d) => (out += d))
  held.stderr.on('data', (d) => (err += d))
  const waitFor = async (re: RegExp) => {
    const deadline = Date.now() + 30_000
    while (!re.test(out)) {
      if (Date.now() > deadline || held.exitCode !== null) throw new Error(`held session: ${out} ${err}`)
      await new Promise((r) => setTimeout(r, 50))
    }
  }
  await waitFor(/^ready ([0-9a-f]+)/m)
  assert.equal(/^ready ([0-9a-f]+)/m.exec(out)![1], first)

  // Replace Server-Cert with certutil, using the token password from sslpassword.conf.
  const sslpw = readFileSync(join(dir, 'sslpassword.conf'), 'utf8')
  const pwFile = join(dir, 'token.pw')
  writeFileSync(pwFile, `${/^Internal \(Software\) Token:(.*)$/m.exec(sslpw)![1]}\n`, {mode: 0o600})
  assert.equal(runTool('certutil', ['-D', '-d', dir, '-n', 'Server-Cert']).status, 0)
  const made = runTool('certutil', ['-S', '-d', dir, '-n', 'Server-Cert', '-c', 'msgctl Local CA', '-t', 'u,u,u', '-s', 'CN=localhost,O=Reloaded', '-k', 'ec', '-f', pwFile, '-z', '/etc/passwd', '-8', 'localhost', '-m', '4242'])
  assert.equal(made.status, 0, made.stderr)
  const reload = msgctl(['reload'])
  assert.equal(reload.status, 0, reload.stderr)
  assert.match(reload.stdout, /reloaded: snapshot \d+/)
  const second = await servedCertificate(ports.imaps)
  assert.notEqual(second, first, 'new connections get the new certificate')
  const expected = spawnSync('openssl', ['x509', '-noout', '-fingerprint', '-sha256'], {input: runTool('certutil', ['-L', '-d', dir, '-n', 'Server-Cert', '-a']).stdout, encoding: 'utf8'})
  assert.equal(second, /=([0-9A-F:]+)/.exec(expected.stdout)![1]!.replace(/:/g, '').toLowerCase())

  held.stdin.write('go\n')
  await waitFor(/^after-reload ok \d+/m)

  // A wrong token password: refused, and the last good snapshot keeps serving.
  writeFileSync(join(dir, 'sslpassword.conf'), 'Internal (Software) Token:not-the-password\n', {mode: 0o600})
  const bad = msgctl(['reload'])
  assert.equal(bad.status, 1)
  assert.match(bad.stderr, /reload refused, still serving snapshot \d+: .*password/i)
  assert.equal(await servedCertificate(ports.imaps), second)
  const status = JSON.parse(msgctl(['status', '--json']).stdout) as {snapshot: {certificate: {sha256: string}}}
  assert.equal(status.snapshot.certificate.sha256, second)
})
