import assert from 'node:assert/strict'
import {X509Certificate} from 'node:crypto'
import {readFileSync, writeFileSync} from 'node:fs'
import {connect as tcpConnect} from 'node:net'
import {join} from 'node:path'
import {test} from 'node:test'
import {connect as tlsConnect} from 'node:tls'
import {runTool, runToolAsync} from '../helpers/cli.js'
import {daemonForTest} from '../helpers/daemon.js'

/**
 * How long the clients log in while the configuration changes under them: at
 * least LOAD_MS and MIN_RELOADS good reloads (each change made and undone at
 * least once, and a broken reload tried), at most MAX_LOAD_MS when the
 * machine is so busy that a reload cycle takes seconds.
 */
const LOAD_MS = 18_000
const MIN_RELOADS = 7
const MAX_LOAD_MS = 45_000
const CLIENTS = 16
const USER = 'loader'
const PASSWORD = 'Load-Pa55word'
/** The address the deny rule names; the load comes from 127.0.0.1. */
const DENIED = '127.0.0.9'
const CIPHER_LISTS = ['TLS_AES_128_GCM_SHA256,ECDHE-ECDSA-AES128-GCM-SHA256', 'TLS_AES_256_GCM_SHA384,ECDHE-ECDSA-AES256-GCM-SHA384'] as const
const NICKNAMES = ['Server-Cert', 'Server-Cert-2'] as const

interface Login {
  readonly fingerprint: string
  readonly cipher: string
}

/** One whole IMAPS visit: verified handshake, greeting, LOGIN, LOGOUT. Rejects with what went wrong. */
function loginOnce(port: number, ca: Buffer): Promise<Login> {
  return new Promise((resolve, reject) => {
    const s = tlsConnect({port, host: '127.0.0.1', servername: 'localhost', ca})
    let text = ''
    let step = 0
    let login: Login | null = null
    const fail = (why: string) => {
      clearTimeout(timer)
      s.destroy()
      reject(new Error(`${why}; got ${JSON.stringify(text.slice(-300))}`))
    }
    const timer = setTimeout(() => fail('no answer within 15 s'), 15_000)
    s.on('error', (err) => fail(err.message))
    s.on('close', () => (step < 3 ? fail('closed early') : undefined))
    s.on('secureConnect', () => {
      const cipher = s.getCipher()
      login = {fingerprint: s.getPeerCertificate().fingerprint256, cipher: cipher.standardName ?? cipher.name}
    })
    s.on('data', (d: Buffer) => {
      text += d.toString('latin1')
      if (step === 0 && /^\* OK.*\r\n/m.test(text)) {
        step = 1
        s.write(`a LOGIN ${USER} ${PASSWORD}\r\n`)
      }
      if (step === 1 && /^a (\w+).*\r\n/m.test(text)) {
        if (!/^a OK/m.test(text)) return fail('LOGIN refused')
        step = 2
        s.write('b LOGOUT\r\n')
      }
      if (step === 2 && /^b (\w+).*\r\n/m.test(text)) {
        if (!/^b OK/m.test(text)) return fail('LOGOUT refused')
        step = 3
        clearTimeout(timer)
        s.destroy()
        resolve(login!)
      }
    })
  })
}

/** The first line the plain IMAP port says to a client from `from` (a greeting, or a refusal). */
function firstLine(port: number, from: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = tcpConnect({port, host: '127.0.0.1', localAddress: from})
    let text = ''
    s.setTimeout(10_000, () => (s.destroy(), reject(new Error('no first line'))))
    s.on('error', reject)
    s.on('data', (d) => {
      text += d
      if (text.includes('\r\n')) {
        s.destroy()
        resolve(text.slice(0, text.indexOf('\r\n')))
      }
    })
  })
}

/** SHA-256 fingerprint of a certificate in the store, in node's AA:BB:... form. */
function fingerprintOf(dir: string, nickname: string): string {
  return new X509Certificate(runTool('certutil', ['-L', '-d', dir, '-n', nickname, '-a']).stdout).fingerprint256
}

/*
 * Property: a reload swaps configuration without disturbing clients. While
 * 16 clients log in over IMAPS again and again, the server certificate, the
 * IMAP deny filter and the cipher list change and `msgctl reload` runs about
 * every second; some reloads are broken (a certificate nickname that does not
 * exist). Every good reload succeeds, every broken one is refused while the
 * old snapshot keeps serving, no login the configuration permits fails, the
 * daemon process stays the same, and each change is seen by new connections.
 */
test('reload under load: certificate, filter and cipher changes every second lose no permitted login and never restart the daemon', async (t) => {
  const {dir, ports} = await daemonForTest(t, 'msgctl-reload-load-', ['service.imap.maxconnectionsperip = 0', 'service.imap.maxunauthenticatedperip = 0'])
  const pid = Number(readFileSync(join(dir, 'msgctl.pid'), 'utf8'))
  assert.equal(runTool('msgctl', ['user', 'add', USER, '-d', dir, '--password-stdin'], {input: `${PASSWORD}\n`}).status, 0)
  const ca = Buffer.from(runTool('certutil', ['-L', '-d', dir, '-n', 'msgctl Local CA', '-a']).stdout)

  // A second server certificate from the same local CA, made with the token password the daemon uses.
  const pwFile = join(dir, 'token.pw')
  writeFileSync(pwFile, `${/^Internal \(Software\) Token:(.*)$/m.exec(readFileSync(join(dir, 'sslpassword.conf'), 'utf8'))![1]}\n`, {mode: 0o600})
  const made = runTool('certutil', ['-S', '-d', dir, '-n', NICKNAMES[1], '-c', 'msgctl Local CA', '-t', 'u,u,u', '-s', 'CN=localhost,O=Second', '-k', 'ec', '-f', pwFile, '-z', '/etc/passwd', '-8', 'localhost', '-m', '4243'])
  assert.equal(made.status, 0, made.stderr)
  const expected = NICKNAMES.map((n) => fingerprintOf(dir, n))
  assert.notEqual(expected[0], expected[1])

  // The load: each client logs in on a new connection, over and over, until the driver is done.
  const failures: string[] = []
  const fingerprints = new Set<string>()
  const ciphers = new Set<string>()
  let logins = 0
  let loading = true
  const clients = Array.from({length: CLIENTS}, async (_, i) => {
    while (loading) {
      try {
        const l = await loginOnce(ports.imaps, ca)
        fingerprints.add(l.fingerprint)
        ciphers.add(l.cipher)
        logins++
      } catch (err) {
        failures.push(`client ${i} at ${new Date().toISOString()}: ${(err as Error).message}`)
      }
    }
  })

  // The driver: one change and a reload about every second; every fifth cycle also tries a broken reload first.
  const configutil = (name: string, value: string) => runToolAsync('configutil', ['-f', dir, '-o', name, '-v', value])
  const reload = () => runToolAsync('msgctl', ['reload', '-d', dir])
  const reloadProblems: string[] = []
  const filterProblems: string[] = []
  const state = {nickname: 0, denied: false, ciphers: 0}
  let good = 0
  let refused = 0
  const began = Date.now()
  try {
    for (let cycle = 0; (Date.now() < began + LOAD_MS || good < MIN_RELOADS || refused === 0) && Date.now() < began + MAX_LOAD_MS; cycle++) {
      const cycleBegan = Date.now()
      if (cycle % 5 === 4) {
        assert.equal((await configutil('encryption.rsa.nssslpersonalityssl', 'No-Such-Cert')).status, 0)
        const bad = await reload()
        if (bad.status === 0 || !/reload refused, still serving snapshot \d+: .*No-Such-Cert/.test(bad.stderr)) reloadProblems.push(`a broken reload was not refused: ${bad.status} ${bad.stderr}`)
        else refused++
        // Back to the certificate in use; the next good reload picks it up again.
        assert.equal((await configutil('encryption.rsa.nssslpersonalityssl', NICKNAMES[state.nickname])).status, 0)
      }
      const change = (['certificate', 'filter', 'ciphers'] as const)[cycle % 3]!
      if (change === 'certificate') {
        state.nickname = 1 - state.nickname
        assert.equal((await configutil('encryption.rsa.nssslpersonalityssl', NICKNAMES[state.nickname])).status, 0)
      } else if (change === 'filter') {
        state.denied = !state.denied
        assert.equal((await configutil('service.imap.domainnotallowed', state.denied ? `imap: ${DENIED}` : '')).status, 0)
      } else {
        state.ciphers = 1 - state.ciphers
        assert.equal((await configutil('encryption.nsssl3ciphers', CIPHER_LISTS[state.ciphers])).status, 0)
      }
      const r = await reload()
      if (r.status !== 0) reloadProblems.push(`reload after the ${change} change exited ${r.status}: ${r.stderr}`)
      else good++
      // The filter change took effect for new connections: the named address is refused, then admitted again.
      if (change === 'filter') {
        const line = await firstLine(ports.imap, DENIED)
        if (!(state.denied ? /^\* BYE/ : /^\* OK/).test(line)) filterProblems.push(`deny rule ${state.denied ? 'on' : 'off'}, ${DENIED} was greeted with ${line}`)
      }
      await new Promise((r) => setTimeout(r, Math.max(0, cycleBegan + 1000 - Date.now())))
    }
  } finally {
    loading = false
    await Promise.all(clients)
  }

  t.diagnostic(`${logins} logins by ${CLIENTS} clients, ${good} good reloads, ${refused} broken ones refused`)
  assert.deepEqual(reloadProblems, [], 'every good reload exits 0 and every broken one is refused')
  assert.deepEqual(filterProblems, [], 'new connections follow the filter of the latest snapshot')
  assert.deepEqual(failures, [], 'no login the configuration permits fails')
  assert.ok(good >= MIN_RELOADS, `every kind of change was made and undone at least once (${good} good reloads in ${MAX_LOAD_MS / 1000} s)`)
  assert.ok(refused >= 1, 'a broken reload was tried while the clients ran')
  assert.ok(logins >= CLIENTS * 5, `the clients really logged in throughout (${logins} logins)`)
  assert.deepEqual([...fingerprints].sort(), [...expected].sort(), 'new connections were served both certificates, and only those')
  assert.deepEqual([...ciphers].sort(), ['TLS_AES_128_GCM_SHA256', 'TLS_AES_256_GCM_SHA384'], 'both cipher lists took effect')

  const status = JSON.parse(runTool('msgctl', ['status', '-d', dir, '--json']).stdout) as {pid: number}
  assert.equal(status.pid, pid, 'the daemon that answers is the one that started')
  assert.equal(Number(readFileSync(join(dir, 'msgctl.pid'), 'utf8')), pid)
  const log = readFileSync(join(dir, 'msgctl.log'), 'utf8')
  assert.equal(log.match(/started pid \d+/g)?.length, 1, 'the daemon started once')
  assert.doesNotMatch(log, /internal error/i)
})
