/**
 * The front-end proxy role end to end: one proxy and two back-end daemons on
 * loopback, each with its own store and ports, driven by Python's smtplib,
 * imaplib and raw sockets from chosen source addresses (127.0.0.2 and up).
 */
import assert from 'node:assert/strict'
import {spawn, spawnSync} from 'node:child_process'
import {existsSync, readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {after, before, test} from 'node:test'
import {ROOT, runTool, runToolAsync, tempDir} from '../helpers/cli.js'
import {configurePorts, freePorts, type Ports} from '../helpers/daemon.js'

const USER = 'alice'
const PASSWORD = 'alice-Pa55word'
const SECRET = 'front-and-back-Secret'
const CLIENT = '127.0.0.2'

interface Server {
  readonly dir: string
  readonly ports: Ports
}

const cleanups: (() => void)[] = []
const scope = {after: (fn: () => void) => void cleanups.push(fn)}
after(() => {
  for (const fn of cleanups.reverse()) fn()
})

/** A daemon with its own store and free ports, the given settings, and the test user. */
async function server(prefix: string, settings: readonly string[], role?: 'proxy'): Promise<Server> {
  const dir = tempDir(scope, prefix)
  const set = runTool('configutil', ['-f', dir, '-i', '-'], {input: `${['service.http.enable = no', ...settings].join('\n')}\n`})
  assert.equal(set.status, 0, set.stderr)
  for (let attempt = 1; ; attempt++) {
    const ports = await freePorts()
    configurePorts(dir, ports)
    const started = runTool('msgctl', ['start', '-d', dir, ...(role ? ['--role', role] : [])])
    if (started.status === 0) {
      scope.after(() => void spawnSync(join(ROOT, 'bin', 'msgctl'), ['stop', '-d', dir], {stdio: 'ignore', timeout: 30_000}))
      const add = runTool('msgctl', ['user', 'add', USER, '-d', dir, '--password-stdin'], {input: `${PASSWORD}\n`})
      assert.equal(add.status, 0, add.stderr)
      return {dir, ports}
    }
    if (attempt >= 3 || !/already in use/.test(started.stderr)) throw new Error(`msgctl start: ${started.stderr}`)
  }
}

function py<T>(action: string, args: Record<string, unknown>): T {
  const r = spawnSync('python3', [join(ROOT, 'test', 'e2e', 'proxy_clients.py'), action, JSON.stringify(args)], {encoding: 'utf8', timeout: 60_000})
  assert.equal(r.status, 0, r.stderr)
  // The result is the last line (send reports each message before it).
  return JSON.parse(r.stdout.trim().split('\n').at(-1)!) as T
}

interface Sent {
  acked: string[]
  failed: string[]
}
interface Inbox {
  messages: {subject: string; received: string}[]
}
interface RelayVerdict {
  rcpt: number
  text: string
}
interface RelayStatus {
  relay: string
  state: 'up' | 'avoided'
  messages: number
  lastError: string | null
}

const inbox = (s: Server): Inbox['messages'] => py<Inbox>('subjects', {port: s.ports.imap, user: USER, password: PASSWORD}).messages
const relayFrom = (s: Server, source: string): RelayVerdict => py<RelayVerdict>('relay', {port: s.ports.smtp, source})
const status = (s: Server): {role: string; relays: RelayStatus[]} => JSON.parse(runTool('msgctl', ['status', '-d', s.dir, '--json']).stdout)
const log = (s: Server): string => readFileSync(join(s.dir, 'msgctl.log'), 'utf8')

let a: Server
let b: Server
let proxy: Server
let ca: string

before(async () => {
  a = await server('msgctl-backend-a-', [`local.proxy.smtpproxypassword = ${SECRET}`])
  b = await server('msgctl-backend-b-', [`local.proxy.smtpproxypassword = ${SECRET}`])
  proxy = await server(
    'msgctl-proxy-',
    [
      `local.proxy.smtprelays = 127.0.0.1:${a.ports.smtp} 127.0.0.1:${b.ports.smtp}`,
      `local.proxy.smtpproxypassword = ${SECRET}`,
      `local.proxy.imapbackend = 127.0.0.1:${a.ports.imap}`,
      `local.proxy.popbackend = 127.0.0.1:${a.ports.pop}`,
      'local.proxy.failovertimeout = 5',
      'local.proxy.preauth = yes',
      'local.proxy.authservicettl = 6',
    ],
    'proxy',
  )
  ca = join(proxy.dir, 'ca.pem')
  writeFileSync(ca, runTool('certutil', ['-L', '-d', proxy.dir, '-n', 'msgctl Local CA', '-a']).stdout)
})

test('a proxy without relays or without their password refuses to start, saying what to set', async () => {
  // A mistyped role is a usage error, found before anything is created.
  const unborn = join(tempDir(scope, 'msgctl-proxy-role-'), 'store')
  const badRole = runTool('msgctl', ['start', '-d', unborn, '--role', 'bogus'])
  assert.equal(badRole.status, 2)
  assert.equal(badRole.stderr, 'msgctl: unknown role "bogus": use proxy or server (backend)\n')
  assert.equal(existsSync(unborn), false, 'no store is created for a refused start')
  const dir = tempDir(scope, 'msgctl-proxy-bare-')
  configurePorts(dir, await freePorts())
  assert.equal(runTool('configutil', ['-f', dir, '-o', 'local.proxy.role', '-v', 'proxy']).status, 0)
  const noRelays = runTool('msgctl', ['start', '-d', dir])
  assert.equal(noRelays.status, 1)
  assert.match(noRelays.stderr, /^msgctl: the proxy role needs back-end SMTP relays: configutil -o local\.proxy\.smtprelays/)
  assert.equal(noRelays.stderr.trim().split('\n').length, 1, noRelays.stderr)
  assert.equal(runTool('configutil', ['-f', dir, '-o', 'local.proxy.smtprelays', '-v', '127.0.0.1:1']).status, 0)
  assert.equal(runTool('configutil', ['-f', dir, '-o', 'local.proxy.role', '-v', 'server']).status, 0)
  const noPassword = runTool('msgctl', ['start', '-d', dir, '--role', 'proxy'])
  assert.equal(noPassword.status, 1)
  assert.match(noPassword.stderr, /local\.proxy\.smtpproxypassword/)
})

test('SMTP over TLS to the proxy reaches the two back ends round robin, and they see the real client address', async () => {
  // Started with --role proxy (the parameter says server): restart keeps the role in use.
  const restarted = runTool('msgctl', ['restart', '-d', proxy.dir])
  assert.equal(restarted.status, 0, restarted.stderr)
  assert.equal(status(proxy).role, 'proxy')

  const sent = py<Sent>('send', {port: proxy.ports.smtps, source: CLIENT, ca, user: USER, password: PASSWORD, count: 4, prefix: 'rr'})
  assert.deepEqual(sent.failed, [])
  const inA = inbox(a).filter((m) => m.subject.startsWith('rr-'))
  const inB = inbox(b).filter((m) => m.subject.startsWith('rr-'))
  assert.equal(inA.length, 2, 'half of them on back end A')
  assert.equal(inB.length, 2, 'half of them on back end B')
  assert.deepEqual([...inA, ...inB].map((m) => m.subject).sort(), sent.acked.sort())
  for (const m of [...inA, ...inB]) assert.match(m.received, /^Received: from \S+ \(\[127\.0\.0\.2\]\)/, 'the trace line names the client, not the proxy')
  for (const s of [a, b]) assert.match(log(s), /XPROXYEHLO from proxy 127\.0\.0\.1: client=127\.0\.0\.2 helo=\S+ auth=alice; may relay: yes/)

  const relays = status(proxy).relays
  assert.deepEqual(relays.map((r) => [r.relay, r.state, r.messages]), [[`127.0.0.1:${a.ports.smtp}`, 'up', 2], [`127.0.0.1:${b.ports.smtp}`, 'up', 2]])
  const text = runTool('msgctl', ['status', '-d', proxy.dir]).stdout
  assert.match(text, new RegExp(`relay: +127\\.0\\.0\\.1:${a.ports.smtp} up, 2 messages, last error none`))

  // IMAP through the proxy: logged in at the front, carried to back end A.
  assert.deepEqual(
    py<Inbox>('subjects', {port: proxy.ports.imap, user: USER, password: PASSWORD}).messages.map((m) => m.subject),
    inbox(a).map((m) => m.subject),
  )
})

test('a client that forges XPROXYEHLO without the password is refused and cut off', () => {
  const forged = py<{offered: boolean; answer: string[]; after: string[]}>('forge', {port: a.ports.smtp, source: '127.0.0.5', user: USER, password: 'not-the-secret'})
  assert.equal(forged.offered, true, 'the back end offers the extension (it has a password)')
  assert.match(forged.answer.join('\n'), /^535 5\.7\.8 /)
  assert.deepEqual(forged.after, [], 'the connection is closed')
  assert.match(log(a), /XPROXYEHLO refused from 127\.0\.0\.5: wrong proof/)
  assert.doesNotMatch(log(a), /client=10\.9\.8\.7/)
  // The front end never lets its clients speak the extension.
  const atProxy = py<{offered: boolean; answer: string[]}>('forge', {port: proxy.ports.smtp, source: '127.0.0.5', user: USER, password: SECRET})
  assert.equal(atProxy.offered, false)
  assert.match(atProxy.answer.join('\n'), /^500 /)
})

test('a POP login at the proxy lets that address relay for AuthServiceTTL and not after; others cannot', async () => {
  assert.equal(relayFrom(proxy, '127.0.0.3').rcpt, 554, 'no POP login yet')
  const pop = py<{replies: string[]}>('pop', {port: proxy.ports.pop, source: '127.0.0.3', user: USER, password: PASSWORD})
  // The login happened before the client returned: from here the window surely ends within the TTL.
  const poppedAt = Date.now()
  assert.match(pop.replies[2]!, /^\+OK/, pop.replies.join(' | '))
  assert.match(pop.replies[3]!, /^\+OK \d+ \d+$/, 'STAT answered by the back end')
  assert.equal(relayFrom(proxy, '127.0.0.3').rcpt, 250, 'right after the POP login')
  assert.equal(relayFrom(proxy, '127.0.0.4').rcpt, 554, 'another address without a POP login')
  await new Promise((r) => setTimeout(r, Math.max(0, poppedAt + 6500 - Date.now())))
  assert.equal(relayFrom(proxy, '127.0.0.3').rcpt, 554, 'after the TTL')

  // Even a front end that lets everyone relay cannot make a back end relay for a stranger.
  assert.equal(runTool('configutil', ['-f', proxy.dir, '-o', 'service.smtp.relayallowed', '-v', 'smtp: ALL']).status, 0)
  assert.equal(runTool('msgctl', ['reload', '-d', proxy.dir]).status, 0)
  const stranger = relayFrom(proxy, '127.0.0.4')
  assert.equal(stranger.rcpt, 554, stranger.text)
  assert.match(log(a) + log(b), /client=127\.0\.0\.4 helo=client\.example; may relay: no/)
})

test('stopping one back end moves the traffic to the other, and no acknowledged message is lost', async () => {
  // Paced, so that messages are in flight while A stops; once it has gone, eight more.
  const flag = join(proxy.dir, 'backend-a-stopped')
  const args = {port: proxy.ports.smtps, source: CLIENT, ca, user: USER, password: PASSWORD, count: 200, pause: 0.05, flag, after: 8, prefix: 'fo'}
  const sender = spawn('python3', [join(ROOT, 'test', 'e2e', 'proxy_clients.py'), 'send', JSON.stringify(args)])
  let out = ''
  const acked = () => (out.match(/^acked /gm) ?? []).length
  let stopped: Promise<number> | null = null
  sender.stdout.on('data', (d) => {
    out += d
    // A few messages in, back end A goes away; note how many were acknowledged once it is gone.
    if (stopped === null && acked() >= 4) {
      stopped = runToolAsync('msgctl', ['stop', '-d', a.dir]).then((r) => {
        assert.equal(r.status, 0, r.stderr)
        writeFileSync(flag, '')
        return acked()
      })
    }
  })
  const code = await new Promise<number | null>((resolve) => sender.on('close', resolve))
  assert.equal(code, 0)
  assert.ok(stopped, 'back end A was stopped during the run')
  const ackedWhenGone = await stopped
  const sent = JSON.parse(out.trim().split('\n').at(-1)!) as Sent
  assert.deepEqual(sent.failed, [], 'every message was acknowledged')
  assert.ok(sent.acked.length >= ackedWhenGone + 8, 'messages went on after A had gone')

  const relayA = status(proxy).relays.find((r) => r.relay === `127.0.0.1:${a.ports.smtp}`)!
  assert.equal(relayA.state, 'avoided')
  assert.ok(relayA.lastError, 'the status says why')

  // Back end A again, to count: every acknowledged message sits in exactly one back end.
  assert.equal(runTool('msgctl', ['start', '-d', a.dir]).status, 0)
  const inB = inbox(b).map((m) => m.subject)
  const delivered = [...inbox(a).map((m) => m.subject), ...inB].filter((s) => s.startsWith('fo-'))
  for (const subject of sent.acked) assert.equal(delivered.filter((s) => s === subject).length, 1, subject)
  // One more may have been on its way when the stop ended; all later ones can only be on B.
  for (const subject of sent.acked.slice(ackedWhenGone + 1)) assert.ok(inB.includes(subject), `${subject} went to B after A had stopped`)
})
