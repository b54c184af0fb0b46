import assert from 'node:assert/strict'
import {spawn, spawnSync} from 'node:child_process'
import {readFileSync} from 'node:fs'
import {connect} from 'node:net'
import {join} from 'node:path'
import {test} from 'node:test'
import {BIN, ROOT, runTool, systemTool, tempDir} from '../helpers/cli.js'
import {daemonForTest, freePort} from '../helpers/daemon.js'
import {loadSteps, runTap, tapReplay} from '../helpers/ssltap_replay.js'

const SSLTAP = join(BIN, 'ssltap')
const FIX = join(ROOT, 'test', 'fixtures', 'ssltap')

/** Times and the kernel's ports differ between runs; nothing else may. */
const mask = (s: string): string => s.replace(/\[[A-Z][a-z]{2} [A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d \d{4}\]/g, '[T]').replace(/127\.0\.0\.1:\d+/g, 'HOST')

test('TLS 1.2 capture replayed through NSS ssltap and ours: raw, -s, -sx and -h output and cert.001 are identical', async (t) => {
  if (!systemTool(t, '/usr/bin/ssltap')) return
  const steps = loadSteps(join(FIX, 'tls12-session.json'))
  for (const flags of ['-s', '-sx', '-h', '']) {
    const nssDir = tempDir(t)
    const ourDir = tempDir(t)
    const args = [...(flags ? [flags] : []), '-p', '{port}', '{upstream}']
    const nss = await tapReplay('/usr/bin/ssltap', args, steps, nssDir, await freePort())
    const ours = await tapReplay(SSLTAP, args, steps, ourDir, await freePort())
    assert.equal(ours.status, 0)
    assert.equal(nss.status, 0)
    assert.equal(mask(ours.stdout), mask(nss.stdout), `stdout with ${flags}`)
    assert.equal(mask(ours.stderr), mask(nss.stderr), `stderr with ${flags}`)
    if (flags.startsWith('-s')) assert.deepEqual(readFileSync(join(ourDir, 'cert.001')), readFileSync(join(nssDir, 'cert.001')))
  }
})

interface Server {
  port: number
  der: Buffer
}

async function opensslServer(t: {after: (f: () => void) => void}, dir: string, version: string): Promise<Server> {
  const key = join(dir, 'key.pem')
  const cert = join(dir, 'cert.pem')
  const r = spawnSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', key, '-out', cert, '-days', '2', '-subj', '/CN=localhost'], {stdio: 'ignore'})
  assert.equal(r.status, 0)
  const der = spawnSync('openssl', ['x509', '-in', cert, '-outform', 'DER']).stdout
  const port = await freePort()
  const srv = spawn('openssl', ['s_server', '-accept', String(port), '-cert', cert, '-key', key, version, '-www'], {stdio: 'ignore'})
  t.after(() => srv.kill())
  await waitPort(port)
  return {port, der}
}

async function waitPort(port: number): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const ok = await new Promise<boolean>((r) => {
      const s = connect({port, host: '127.0.0.1'}, () => (s.destroy(), r(true)))
      s.on('error', () => r(false))
    })
    if (ok) return
    await new Promise((r) => setTimeout(r, 50))
  }
  throw new Error(`port ${port} never opened`)
}

/** Waits for ssltap's "ready" line: probing the port would use up its one session. */
function ready(child: import('node:child_process').ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    let seen = ''
    child.stderr!.on('data', (d: Buffer | string) => {
      seen += String(d)
      if (seen.includes('Proxy socket ready')) resolve()
    })
  })
}

function opensslClient(port: number, version: string): Promise<number | null> {
  return new Promise((resolve) => {
    const c = spawn('openssl', ['s_client', '-connect', `127.0.0.1:${port}`, '-servername', 'localhost', '-ign_eof', version], {stdio: ['pipe', 'ignore', 'ignore']})
    c.stdin.end('GET / HTTP/1.0\r\n\r\n')
    c.on('close', resolve)
  })
}

for (const [version, checks] of [
  ['-tls1_2', [/ClientHelloV3 \{/, /ServerHello \{\n {12}server_version = \{3, 3\}/, /type = 11 \(certificate\)/, /type {4}= 20 \(change_cipher_spec\)/, /< encrypted >/, /TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384/]],
  ['-tls1_3', [/ClientHelloV3 \{/, /selected 0x0304 TLS 1\.3/, /key_share \(51\)/, /TLS_AES_256_GCM_SHA384/, /type    = 23 \(application_data\)\n.*\n.*\n {12}< encrypted >/]],
] as const) {
  test(`openssl s_client ${version} through ssltap -s --full against openssl s_server`, async (t) => {
    if (!systemTool(t, '/usr/bin/openssl')) return
    const dir = tempDir(t)
    const server = await opensslServer(t, dir, version)
    const tapPort = await freePort()
    const tap = runTap(SSLTAP, ['-s', '--full', '-p', String(tapPort), `127.0.0.1:${server.port}`], dir)
    await ready(tap.child)
    await opensslClient(tapPort, version)
    const timer = setTimeout(() => tap.child.kill(), 10_000)
    const out = await tap.done
    clearTimeout(timer)
    assert.equal(out.status, 0, out.stderr)
    for (const re of checks) assert.match(out.stdout, re)
    if (version === '-tls1_2') assert.deepEqual(readFileSync(join(dir, 'cert.001')), server.der)
    assert.match(out.stderr, /Connection 1 Complete/)
  })
}

test('-l: garbage, a lying record length and a reset mid-record are reported; later clients are still served', async (t) => {
  const dir = tempDir(t)
  const echo = (await import('node:net')).createServer((s) => s.on('data', (d) => s.write(d)).on('error', () => {}))
  await new Promise<void>((r) => echo.listen(0, '127.0.0.1', r))
  t.after(() => echo.close())
  const upstream = (echo.address() as {port: number}).port
  const tapPort = await freePort()
  const tap = runTap(SSLTAP, ['-l', '-s', '-p', String(tapPort), `127.0.0.1:${upstream}`], dir)
  t.after(() => tap.child.kill())
  await ready(tap.child)
  const send = (bytes: Buffer, how: 'end' | 'reset'): Promise<void> =>
    new Promise((resolve) => {
      const s = connect({port: tapPort, host: '127.0.0.1'}, () => {
        s.write(bytes)
        setTimeout(() => (how === 'end' ? s.end() : s.resetAndDestroy()), 100)
      })
      s.on('data', () => {})
      s.on('close', () => resolve())
      s.on('error', () => resolve())
    })
  const garbage = Buffer.alloc(3000)
  for (let i = 0; i < garbage.length; i++) garbage[i] = (i * 7919) & 255
  await send(garbage, 'end')
  await send(Buffer.from([0x16, 3, 3, 0xff, 0xf0, 1, 0, 0]), 'reset')
  await send(Buffer.from([0x15, 3, 3, 0, 2, 2, 40]), 'end')
  await new Promise((r) => setTimeout(r, 300))
  tap.child.kill()
  const out = await tap.done
  assert.match(out.stdout, /Connection #1 /)
  assert.match(out.stdout, /Connection #3 /)
  assert.match(out.stdout, /fatal: handshake_failure/)
  assert.match(out.stdout + out.stderr, /ECONNRESET|Connection 2 (Complete|Closed)/)
  assert.doesNotMatch(out.stderr, /internal error/)
})

test('--starttls smtp --json: plaintext lines masked, then records as JSON', async (t) => {
  const dir = tempDir(t)
  const steps = loadSteps(join(FIX, 'starttls-split.json'))
  const out = await tapReplay(SSLTAP, ['--json', '--starttls', 'smtp', '-p', '{port}', '{upstream}'], steps, dir, await freePort())
  const events = out.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>)
  assert.deepEqual(events.filter((e) => e.event === 'line').map((e) => e.text), ['EHLO x', 'STARTTLS', '220 ok'])
  assert.ok(events.some((e) => e.event === 'starttls'))
  const records = events.filter((e) => e.event === 'record')
  assert.ok(records.some((r) => (r.handshake as {name: string}[] | undefined)?.[0]?.name === 'client_hello'))
  assert.ok(records.some((r) => r.descriptionName === 'close_notify'))
})

test('usage errors exit as NSS ssltap does', () => {
  assert.equal(runTool('ssltap', []).status, 2)
  const noPort = runTool('ssltap', ['localhost'])
  assert.equal(noPort.status, 3)
  assert.match(noPort.stderr, /You must specify the host AND port/)
  assert.equal(runTool('ssltap', ['localhost:0']).status, 4)
  assert.match(runTool('ssltap', ['-sx', 'localhost']).stderr, /Usage: ssltap \[-vhfsxl\]/)
})

test('--starttls imap -l against the daemon: a clear-text LOGIN is shown masked; after STARTTLS, TLS 1.3 is decoded', async (t) => {
  if (!systemTool(t, '/usr/bin/openssl')) return
  const {dir, ports} = await daemonForTest(t, 'msgctl-tap-daemon-')
  assert.equal(runTool('msgctl', ['user', 'add', 'tapper', '-d', dir, '--password-stdin'], {input: 'tap-Secret-9\n'}).status, 0)
  const tapPort = await freePort()
  const tap = runTap(SSLTAP, ['-l', '-s', '--full', '--starttls', 'imap', '-p', String(tapPort), `127.0.0.1:${ports.imap}`], dir)
  await ready(tap.child)
  // Python's imaplib, once in clear (the daemon allows it by default), once after STARTTLS.
  const py = spawnSync('python3', ['-c', `
import imaplib, ssl, sys
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT); ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE
for tls in (False, True):
    m = imaplib.IMAP4('127.0.0.1', int(sys.argv[1]), timeout=20)
    if tls: m.starttls(ssl_context=ctx)
    print(m.login('tapper', 'tap-Secret-9')[0])
    m.logout()
`, String(tapPort)], {encoding: 'utf8', timeout: 60_000})
  assert.equal(py.stdout, 'OK\nOK\n', py.stderr)
  await new Promise((r) => setTimeout(r, 300))
  tap.child.kill()
  const out = await tap.done
  assert.match(out.stdout, /LOGIN tapper /, 'the clear-text LOGIN is shown')
  assert.doesNotMatch(out.stdout, /tap-Secret-9/, 'with its password masked')
  assert.match(out.stdout, /STARTTLS/)
  assert.match(out.stdout, /ClientHelloV3 \{/)
  assert.match(out.stdout, /selected 0x0304 TLS 1\.3/)
})
