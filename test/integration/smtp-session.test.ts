/**
 * The SMTP session driven by Python's smtplib (and a raw socket for bad
 * input) over loopback, through the daemon's own connection code, storing
 * into a real mail store file.
 */
import assert from 'node:assert/strict'
import {execFile} from 'node:child_process'
import {statSync} from 'node:fs'
import {connect, type Socket} from 'node:net'
import {join} from 'node:path'
import {test} from 'node:test'
import {openMailStore} from '../../src/daemon/mailstore/index.js'
import type {MailStore} from '../../src/daemon/mailstore/types.js'
import type {Directory, OutboundQueue, ServiceSettings, Transport} from '../../src/daemon/session_types.js'
import {createSmtpSession, DeliveryWorker, SqliteOutboundQueue, type DeliveryWorkerOptions} from '../../src/daemon/smtp/index.js'
import {tempDir} from '../helpers/cli.js'
import {cramMd5Response, digestMd5Response, ScramClient} from '../helpers/sasl_clients.js'
import {makeClientCertTls, testDirectory, testSettings, unavailableDirectory, withPeerCertificate} from '../helpers/session_fixtures.js'
import {makeTestTls, startSessionServer, type SessionServer} from '../helpers/session_server.js'
import type {TlsServerSettings} from '../../src/daemon/socket_transport.js'

type T = {after: (fn: () => void | Promise<void>) => void}

const directory = testDirectory({ann: 'ann pw', bob: 'bob-secret'})

const baseSettings = testSettings({hostname: 'mx.example.test', maxMessageSize: 20_000})

/** An outbound queue that keeps what it is given in memory (the real one has its own tests below in this file's sibling). */
class RecordingQueue implements OutboundQueue {
  readonly entries: Array<{from: string; to: readonly string[]; message: Buffer}> = []
  enqueue(envelope: {from: string; to: readonly string[]}, message: Buffer): string {
    this.entries.push({...envelope, message})
    return `Q${this.entries.length}`
  }
}

interface Fixture {
  server: SessionServer
  store: MailStore
  queue: RecordingQueue
  port: number
}

interface FixtureOptions {
  tls?: TlsServerSettings | null
  directory?: Directory
  /** What the session sees of the connection (a client certificate, say). */
  transport?: (socket: Transport) => Transport
}

async function fixture(t: T, settings: Partial<ServiceSettings> = {}, options: FixtureOptions = {}): Promise<Fixture> {
  const store = openMailStore(join(tempDir(t, 'msgctl-smtp-'), 'mail.db'))
  const queue = new RecordingQueue()
  const full = {...baseSettings, ...settings}
  const users = options.directory ?? directory
  const wrap = options.transport ?? ((socket: Transport) => socket)
  const server = await startSessionServer((socket) => createSmtpSession({transport: wrap(socket), settings: full, mail: store, directory: users, outbound: queue}), {tls: options.tls ?? null})
  t.after(async () => {
    await server.close()
    store.close()
  })
  return {server, store, queue, port: server.port}
}

/** Run a Python snippet with PORT set; it prints one JSON value. */
function python(code: string, env: Record<string, string>): Promise<any> {
  return new Promise((resolve, reject) => {
    execFile('python3', ['-c', code], {env: {...process.env, ...env}, timeout: 30_000}, (error, stdout, stderr) => {
      if (error) return reject(new Error(`${error.message}\n${stderr}`))
      try {
        resolve(JSON.parse(stdout))
      } catch {
        reject(new Error(`not JSON: ${stdout}\n${stderr}`))
      }
    })
  })
}

const PY_PRELUDE = `
import smtplib, json, os, base64, ssl
port = int(os.environ['PORT'])
def attempt(fn):
    try:
        r = fn()
        return {'ok': True, 'value': r if not isinstance(r, bytes) else r.decode('latin1')}
    except smtplib.SMTPResponseException as e:
        return {'ok': False, 'code': e.smtp_code, 'text': e.smtp_error.decode('latin1')}
    except smtplib.SMTPRecipientsRefused as e:
        return {'ok': False, 'refused': {k: [v[0], v[1].decode('latin1')] for k, v in e.recipients.items()}}
    except smtplib.SMTPException as e:
        return {'ok': False, 'error': type(e).__name__ + ': ' + str(e)}
`

/** The message bytes after the one Received trace field at the top. */
function afterTrace(stored: Buffer): {trace: string; rest: Buffer} {
  const text = stored.toString('latin1')
  assert.ok(text.startsWith('Received: '), 'starts with a Received line')
  let end = text.indexOf('\r\n') + 2
  while (text[end] === '\t' || text[end] === ' ') end = text.indexOf('\r\n', end) + 2
  return {trace: text.slice(0, end), rest: stored.subarray(end)}
}

test('smtplib delivers to a local user; the stored message is the sent bytes after one Received line', async (t) => {
  const f = await fixture(t)
  const body = Buffer.concat([
    Buffer.from('From: x@remote.test\r\nTo: ann@example.test\r\nSubject: dots\r\n\r\n.leading dot\r\n..two dots\r\n.\r\nmiddle\r\n'),
    Buffer.from([0xc3, 0xa9, 0xff, 0x80, 0x0d, 0x0a]),
    Buffer.from('end\r\n'),
  ])
  const r = await python(
    PY_PRELUDE +
      `
s = smtplib.SMTP('127.0.0.1', port)
code, banner = s.connect('127.0.0.1', port) if False else (None, None)
ehlo = s.ehlo('client.remote.test')
feats = s.esmtp_features
body = base64.b64decode(os.environ['BODY'])
res = attempt(lambda: s.sendmail('x@remote.test', ['ann@example.test', 'Bob@EXAMPLE.test', 'ann@example.test'], body, mail_options=['BODY=8BITMIME']))
last = s.noop()
s.quit()
print(json.dumps({'ehlo': ehlo[0], 'features': feats, 'send': res, 'noop': [last[0], last[1].decode()]}))
`,
    {PORT: String(f.port), BODY: body.toString('base64')},
  )
  assert.equal(r.ehlo, 250)
  for (const k of ['pipelining', 'size', '8bitmime', 'enhancedstatuscodes', 'auth', 'help']) assert.ok(k in r.features, `EHLO offers ${k}`)
  assert.equal(r.features.size, '20000')
  assert.equal(r.features.auth.trim(), 'PLAIN LOGIN')
  assert.ok(!('starttls' in r.features), 'no STARTTLS without TLS settings')
  assert.deepEqual(r.send, {ok: true, value: {}})
  assert.deepEqual(r.noop, [250, '2.0.0 Ok'])
  for (const user of ['ann', 'bob']) {
    const list = f.store.listMessages(user, 'INBOX')
    assert.equal(list.length, 1, `${user} got exactly one copy`)
    const {trace, rest} = afterTrace(f.store.readMessage(user, 'INBOX', list[0]!.uid))
    assert.deepEqual(rest, body)
    assert.match(trace, /^Received: from client\.remote\.test \(\[127\.0\.0\.1\]\)\r\n\tby mx\.example\.test \(msgctl\) with ESMTP id [0-9A-F]{12};\r\n\t\w{3}, \d\d \w{3} \d{4} /)
  }
  assert.equal(f.queue.entries.length, 0)
})

test('relay is refused 554 5.7.1 without login and queued after AUTH; unknown local user 550 5.1.1', async (t) => {
  const f = await fixture(t)
  const r = await python(
    PY_PRELUDE +
      `
out = {}
s = smtplib.SMTP('127.0.0.1', port)
s.ehlo('c.test')
out['relay_anon'] = attempt(lambda: s.sendmail('ann@example.test', ['joe@far.test'], b'Subject: r\\r\\n\\r\\nhi\\r\\n'))
s.rset()
out['unknown'] = attempt(lambda: s.sendmail('ann@example.test', ['nobody@example.test'], b'Subject: r\\r\\n\\r\\nhi\\r\\n'))
s.rset()
out['login'] = attempt(lambda: s.login('ann', 'ann pw')[0])
out['relay_auth'] = attempt(lambda: s.sendmail('ann@example.test', ['joe@far.test', 'bob@example.test', 'Zed@Other.test'], b'Subject: r\\r\\n\\r\\nrelayed\\r\\n'))
s.quit()
print(json.dumps(out))
`,
    {PORT: String(f.port)},
  )
  assert.deepEqual(r.relay_anon, {ok: false, refused: {'joe@far.test': [554, '5.7.1 <joe@far.test>: Relay access denied']}})
  assert.deepEqual(r.unknown, {ok: false, refused: {'nobody@example.test': [550, '5.1.1 <nobody@example.test>: no such user here']}})
  assert.deepEqual(r.login, {ok: true, value: 235})
  assert.deepEqual(r.relay_auth, {ok: true, value: {}})
  assert.equal(f.queue.entries.length, 1)
  const entry = f.queue.entries[0]!
  assert.equal(entry.from, 'ann@example.test')
  assert.deepEqual(entry.to, ['joe@far.test', 'Zed@Other.test'])
  const {trace, rest} = afterTrace(entry.message)
  assert.match(trace, / with ESMTPA id /)
  assert.equal(rest.toString(), 'Subject: r\r\n\r\nrelayed\r\n')
  assert.equal(f.store.listMessages('bob', 'INBOX').length, 1)
})

test('relayAllowed clients may relay without login; submission requires AUTH before MAIL', async (t) => {
  const relay = await fixture(t, {relayAllowed: true})
  const submission = await fixture(t, {submission: true})
  const code = `
out = {}
s = smtplib.SMTP('127.0.0.1', port)
s.ehlo('c.test')
out['mail'] = attempt(lambda: s.sendmail('a@far.test', ['b@far2.test'], b'Subject: r\\r\\n\\r\\nx\\r\\n'))
s.rset()
out['login'] = attempt(lambda: s.login('bob', 'bob-secret')[0])
out['after'] = attempt(lambda: s.sendmail('bob@example.test', ['b@far2.test'], b'Subject: r\\r\\n\\r\\nx\\r\\n'))
print(json.dumps(out))
`
  const a = await python(PY_PRELUDE + code, {PORT: String(relay.port)})
  assert.deepEqual(a.mail, {ok: true, value: {}})
  const b = await python(PY_PRELUDE + code, {PORT: String(submission.port)})
  assert.deepEqual(b.mail, {ok: false, code: 530, text: '5.7.0 Authentication required'})
  assert.deepEqual(b.after, {ok: true, value: {}})
  assert.equal(submission.queue.entries.length, 1)
})

test('SIZE: announced too big is 552 at MAIL; sent too big is drained and 552 after DATA; session goes on', async (t) => {
  const f = await fixture(t, {maxMessageSize: 1000})
  const r = await python(
    PY_PRELUDE +
      `
out = {}
s = smtplib.SMTP('127.0.0.1', port)
s.ehlo('c.test')
out['announced'] = attempt(lambda: s.sendmail('a@far.test', ['ann@example.test'], b'Subject: big\\r\\n\\r\\n' + b'x' * 5000 + b'\\r\\n'))
s.rset()
# Lie about the size: the limit is still enforced while reading.
s.does_esmtp = False
out['streamed'] = attempt(lambda: s.sendmail('a@far.test', ['ann@example.test'], b'Subject: big\\r\\n\\r\\n' + (b'y' * 70 + b'\\r\\n') * 2000))
out['small'] = attempt(lambda: s.sendmail('a@far.test', ['ann@example.test'], b'Subject: ok\\r\\n\\r\\nsmall\\r\\n'))
s.quit()
print(json.dumps(out))
`,
    {PORT: String(f.port)},
  )
  assert.equal(r.announced.code, 552)
  assert.match(r.announced.text, /^5\.3\.4 /)
  assert.equal(r.streamed.code, 552)
  assert.match(r.streamed.text, /^5\.3\.4 /)
  assert.deepEqual(r.small, {ok: true, value: {}})
  assert.equal(f.store.listMessages('ann', 'INBOX').length, 1)
})

test('AUTH: failure is 535 5.7.8 after about a second, then success; three failures close', async (t) => {
  const f = await fixture(t)
  const r = await python(
    PY_PRELUDE +
      `
import time
out = {}
s = smtplib.SMTP('127.0.0.1', port)
s.ehlo('c.test')
t0 = time.time()
out['bad'] = attempt(lambda: s.login('ann', 'wrong'))
out['bad_seconds'] = time.time() - t0
out['good'] = attempt(lambda: s.login('ann', 'ann pw')[0])
out['again'] = s.docmd('AUTH', 'PLAIN ' + base64.b64encode(b'\\0ann\\0ann pw').decode())[0]
s.quit()
s = smtplib.SMTP('127.0.0.1', port)
s.ehlo('c.test')
codes = []
for i in range(3):
    codes.append(s.docmd('AUTH', 'PLAIN ' + base64.b64encode(b'\\0ann\\0nope').decode()))
codes.append(s.getreply())
out['three'] = [[c, m.decode()] for c, m in codes]
try:
    s.noop()
    out['closed'] = False
except smtplib.SMTPServerDisconnected:
    out['closed'] = True
# LOGIN without an initial response, and a cancel.
s = smtplib.SMTP('127.0.0.1', port)
s.ehlo('c.test')
steps = [s.docmd('AUTH', 'LOGIN')]
steps.append(s.docmd(base64.b64encode(b'bob').decode()))
steps.append(s.docmd(base64.b64encode(b'bob-secret').decode()))
out['login_steps'] = [[c, m.decode()] for c, m in steps]
s.quit()
s = smtplib.SMTP('127.0.0.1', port)
s.ehlo('c.test')
out['cancel'] = [list(s.docmd('AUTH', 'LOGIN'))[0], list(s.docmd('*'))[0]]
out['bad_b64'] = list(s.docmd('AUTH', 'PLAIN !!!!'))[0]
out['unknown_mech'] = list(s.docmd('AUTH', 'CRAM-MD5'))[0]
s.quit()
print(json.dumps(out))
`,
    {PORT: String(f.port)},
  )
  assert.equal(r.bad.code, 535, JSON.stringify(r.bad))
  assert.match(r.bad.text, /^5\.7\.8 /)
  assert.ok(r.bad_seconds >= 0.9, `delay ${r.bad_seconds}`)
  assert.deepEqual(r.good, {ok: true, value: 235})
  assert.equal(r.again, 503)
  assert.deepEqual(r.three.map((c: [number, string]) => c[0]), [535, 535, 535, 421])
  assert.equal(r.closed, true)
  assert.deepEqual(r.login_steps, [
    [334, 'VXNlcm5hbWU6'],
    [334, 'UGFzc3dvcmQ6'],
    [235, '2.7.0 Authentication successful'],
  ])
  assert.deepEqual(r.cancel, [334, 501])
  assert.equal(r.bad_b64, 501)
  assert.equal(r.unknown_mech, 504)
})

test('STARTTLS: AUTH only after TLS when plaintextmincipher asks for it; the session starts over', async (t) => {
  const tls = makeTestTls()
  t.after(() => tls.cleanup())
  const f = await fixture(t, {plaintextMinCipher: 128}, {tls: tls.settings})
  const r = await python(
    PY_PRELUDE +
      `
out = {}
s = smtplib.SMTP('127.0.0.1', port)
s.ehlo('c.test')
out['before'] = dict(s.esmtp_features)
out['auth_before'] = s.docmd('AUTH', 'PLAIN ' + base64.b64encode(b'\\0ann\\0ann pw').decode())[0]
ctx = ssl.create_default_context(cafile=os.environ['CA'])
out['starttls'] = s.starttls(context=ctx)[0]
out['mail_no_ehlo'] = s.docmd('MAIL', 'FROM:<a@b.test>')[0]
s.ehlo('c.test')
out['after'] = dict(s.esmtp_features)
out['login'] = attempt(lambda: s.login('ann', 'ann pw')[0])
out['send'] = attempt(lambda: s.sendmail('ann@example.test', ['bob@example.test'], b'Subject: tls\\r\\n\\r\\nsecret\\r\\n'))
out['starttls_again'] = s.docmd('STARTTLS')[0]
s.quit()
print(json.dumps(out))
`,
    {PORT: String(f.port), CA: tls.certFile},
  )
  assert.ok('starttls' in r.before)
  assert.ok(!('auth' in r.before), 'no AUTH advertised before TLS')
  assert.equal(r.auth_before, 538)
  assert.equal(r.starttls, 220)
  assert.equal(r.mail_no_ehlo, 503, 'EHLO forgotten after STARTTLS')
  assert.ok(!('starttls' in r.after))
  assert.equal(r.after.auth.trim(), 'PLAIN LOGIN')
  assert.deepEqual(r.login, {ok: true, value: 235})
  assert.deepEqual(r.send, {ok: true, value: {}})
  assert.equal(r.starttls_again, 503)
  const {trace} = afterTrace(f.store.readMessage('bob', 'INBOX', 1))
  assert.match(trace, / with ESMTPSA id /)
})

/** A raw line client for input no library would send. */
class RawClient {
  #socket: Socket
  #buffer = ''
  #waiters: Array<() => void> = []
  closed = false

  private constructor(socket: Socket) {
    this.#socket = socket
    socket.setEncoding('latin1')
    socket.on('data', (d: string) => {
      this.#buffer += d
      this.#wake()
    })
    socket.on('close', () => {
      this.closed = true
      this.#wake()
    })
    socket.on('error', () => {})
  }

  static open(port: number): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const s = connect(port, '127.0.0.1', () => resolve(new RawClient(s)))
      s.once('error', reject)
    })
  }

  #wake(): void {
    for (const w of this.#waiters.splice(0)) w()
  }

  send(data: string | Buffer): void {
    this.#socket.write(data)
  }

  /** One complete SMTP reply (all its lines), or null if the server closed. */
  async reply(): Promise<string | null> {
    for (;;) {
      const m = /^(?:\d{3}-[^\n]*\n)*\d{3}(?: [^\n]*)?\r?\n/.exec(this.#buffer)
      if (m) {
        this.#buffer = this.#buffer.slice(m[0].length)
        return m[0]
      }
      if (this.closed) return null
      await new Promise<void>((resolve) => this.#waiters.push(resolve))
    }
  }

  async replies(n: number): Promise<string[]> {
    const out: string[] = []
    for (let i = 0; i < n; i++) out.push((await this.reply()) ?? 'CLOSED')
    return out
  }

  close(): void {
    this.#socket.destroy()
  }
}

/** "code enhanced" of each reply's last line ("250 2.1.0"), or just the code when it has no enhanced status. */
const codes = (replies: string[]): string[] =>
  replies.map((r) => {
    const m = /^(\d{3}) (\d\.\d{1,3}\.\d{1,3})?/.exec(r.split('\r\n').filter(Boolean).at(-1)!)
    return m ? [m[1], m[2]].filter(Boolean).join(' ') : r
  })

test('STARTTLS whose handshake fails: logged once, the connection closed, nothing more said in clear', async (t) => {
  const tls = makeTestTls()
  t.after(() => tls.cleanup())
  const f = await fixture(t, {}, {tls: tls.settings})
  const c = await RawClient.open(f.port)
  t.after(() => c.close())
  await c.reply()
  c.send('EHLO c.test\r\n')
  await c.reply()
  c.send('STARTTLS\r\n')
  assert.match((await c.reply())!, /^220 2\.0\.0 /)
  // Not a ClientHello: the server's handshake fails on it.
  c.send('EHLO still-in-clear.test\r\n')
  assert.equal(await c.reply(), null, 'closed without another reply')
  assert.equal(f.server.log.filter((l) => / STARTTLS failed: /.test(l)).length, 1, f.server.log.join('\n'))
})

test('bad input gets error replies and the session keeps working', async (t) => {
  const f = await fixture(t)
  const c = await RawClient.open(f.port)
  t.after(() => c.close())
  assert.match((await c.reply())!, /^220 mx\.example\.test ESMTP msgctl ready\r\n$/)
  c.send('MAIL FROM:<a@b.test>\r\n')
  c.send('DATA\r\n')
  c.send('XYZZY\r\n')
  c.send('\x00\x01\x02garbage\r\n')
  c.send('NO\x00OP\r\n')
  c.send('HELO ' + 'h'.repeat(600) + '\r\n')
  c.send('y'.repeat(100_000) + '\r\n')
  c.send('\r\n')
  c.send('EHLO c.test\r\n')
  assert.deepEqual(codes(await c.replies(9)), ['503 5.5.1', '503 5.5.1', '500 5.5.2', '500 5.5.2', '500 5.5.2', '500 5.5.2', '500 5.5.2', '500 5.5.2', '250'])
  c.send('RCPT TO:<ann@example.test>\r\nDATA\r\nMAIL FROM:<a@b.test> FOO=1\r\nMAIL FROM:<a@b.test> SIZE=abc\r\nMAIL FROM:<<<>\r\n')
  assert.deepEqual(codes(await c.replies(5)), ['503 5.5.1', '503 5.5.1', '555 5.5.4', '501 5.5.4', '501 5.1.7'])
  c.send('MAIL FROM:<>\r\nMAIL FROM:<a@b.test>\r\nRCPT TO:<>\r\nRCPT TO:<ann@example.test> NOTIFY=NEVER\r\nDATA\r\nRCPT TO:<postmaster>\r\n')
  assert.deepEqual(codes(await c.replies(6)), ['250 2.1.0', '503 5.5.1', '501 5.1.3', '555 5.5.4', '554 5.5.1', '550 5.1.1'])
  c.send('VRFY ann\r\nHELP\r\nNOOP\r\nRSET\r\nDATA\r\n')
  assert.deepEqual(codes(await c.replies(5)), ['252 2.5.0', '214 2.0.0', '250 2.0.0', '250 2.0.0', '503 5.5.1'])
  // A pipelined transaction with a message whose lines need unstuffing, then more commands in the same write.
  c.send('MAIL FROM:<a@b.test>\r\nRCPT TO:<ann@example.test>\r\nDATA\r\n')
  assert.deepEqual(codes(await c.replies(3)), ['250 2.1.0', '250 2.1.5', '354'])
  c.send('Subject: raw\r\n\r\n..dot\r\nbare\nlf\r\n.\r\nNOOP\r\n')
  const [queued, noop] = await c.replies(2)
  assert.match(queued!, /^250 2\.0\.0 Ok: queued as [0-9A-F]{12}\r\n$/)
  assert.equal(noop, '250 2.0.0 Ok\r\n')
  const {rest} = afterTrace(f.store.readMessage('ann', 'INBOX', 1))
  assert.equal(rest.toString(), 'Subject: raw\r\n\r\n.dot\r\nbare\nlf\r\n')
  c.send('QUIT\r\n')
  assert.equal(await c.reply(), '221 2.0.0 Bye\r\n')
  assert.equal(await c.reply(), null)
})

test('too many recipients: 452 4.5.3 after 100', async (t) => {
  const f = await fixture(t)
  const c = await RawClient.open(f.port)
  t.after(() => c.close())
  await c.reply()
  c.send('EHLO c.test\r\nMAIL FROM:<a@b.test>\r\n' + 'RCPT TO:<ann@example.test>\r\n'.repeat(101))
  const replies = codes(await c.replies(103))
  assert.equal(replies.filter((r) => r === '250 2.1.5').length, 100)
  assert.equal(replies[102], '452 4.5.3')
})

test('idle timeout: 421 4.4.2 and close', async (t) => {
  const f = await fixture(t, {idleTimeoutMs: 300})
  const c = await RawClient.open(f.port)
  t.after(() => c.close())
  await c.reply()
  assert.equal(await c.reply(), '421 4.4.2 mx.example.test Error: timeout exceeded\r\n')
  assert.equal(await c.reply(), null)
})

test('a failing store answers 451 4.3.0 and the session stays usable', async (t) => {
  const f = await fixture(t)
  const c = await RawClient.open(f.port)
  t.after(() => c.close())
  await c.reply()
  c.send('EHLO c.test\r\nMAIL FROM:<a@b.test>\r\nRCPT TO:<ann@example.test>\r\nDATA\r\n')
  await c.replies(4)
  f.store.close()
  c.send('Subject: x\r\n\r\nx\r\n.\r\nNOOP\r\n')
  assert.deepEqual(codes(await c.replies(2)), ['451 4.3.0', '250 2.0.0'])
})

// ---- SASL beyond PLAIN and LOGIN: the core mechanisms through the shared adapter.

/** Every mechanism the core has, as a configuration with has_plain_passwords and certmap would allow. */
const EVERY_MECHANISM = ['SCRAM-SHA-256', 'SCRAM-SHA-1', 'DIGEST-MD5', 'CRAM-MD5', 'PLAIN', 'LOGIN', 'EXTERNAL']
const cleartextDirectory = testDirectory({ann: 'ann pw', bob: 'bob-secret'}, {cleartext: true})

/** The base64 payload of a 334 reply. */
const challengeOf = (reply: string | null): Buffer => {
  const m = /^334 (\S*)\r\n$/.exec(reply ?? '')
  assert.ok(m, `334 expected, got ${JSON.stringify(reply)}`)
  return Buffer.from(m[1]!, 'base64')
}
const line = (bytes: Buffer | string): string => `${Buffer.from(bytes).toString('base64')}\r\n`

test('AUTH CRAM-MD5 with smtplib; EHLO lists every configured mechanism usable now', async (t) => {
  const f = await fixture(t, {saslMechanisms: EVERY_MECHANISM}, {directory: cleartextDirectory})
  const r = await python(
    PY_PRELUDE +
      `
s = smtplib.SMTP('127.0.0.1', port)
s.ehlo('c.test')
out = {'auth': s.esmtp_features['auth']}
# smtplib prefers CRAM-MD5 when offered.
out['login'] = attempt(lambda: s.login('bob', 'bob-secret')[0])
s.quit()
print(json.dumps(out))
`,
    {PORT: String(f.port)},
  )
  assert.equal(r.auth.trim(), 'SCRAM-SHA-256 SCRAM-SHA-1 DIGEST-MD5 CRAM-MD5 PLAIN LOGIN', 'no EXTERNAL without a client certificate')
  assert.deepEqual(r.login, {ok: true, value: 235})
  assert.ok(f.server.log.some((l) => /AUTH CRAM-MD5 user=bob$/.test(l)), f.server.log.join('\n'))
})

test('AUTH DIGEST-MD5, SCRAM-SHA-256 and CRAM-MD5 as raw exchanges: success, wrong secrets, cancel', async (t) => {
  const f = await fixture(t, {saslMechanisms: EVERY_MECHANISM}, {directory: cleartextDirectory})
  const open = async (): Promise<RawClient> => {
    const c = await RawClient.open(f.port)
    t.after(() => c.close())
    await c.reply()
    c.send('EHLO c.test\r\n')
    await c.reply()
    return c
  }
  // DIGEST-MD5: challenge, response, rspauth as one more 334, the empty answer, 235.
  const d = await open()
  d.send('AUTH DIGEST-MD5\r\n')
  const {response, rspauth} = digestMd5Response('ann', 'ann pw', challengeOf(await d.reply()), 'smtp')
  d.send(line(response))
  assert.equal(challengeOf(await d.reply()).toString(), rspauth)
  d.send('\r\n')
  assert.equal(await d.reply(), '235 2.7.0 Authentication successful\r\n')
  d.send('AUTH PLAIN =\r\n')
  assert.deepEqual(codes([(await d.reply())!]), ['503 5.5.1'])

  // SCRAM-SHA-256 with the client-first message as initial response; the server-final goes out as a 334.
  const s = await open()
  const scram = new ScramClient('sha256', 'ann', 'ann pw')
  s.send(`AUTH SCRAM-SHA-256 ${scram.clientFirst().toString('base64')}\r\n`)
  s.send(line(scram.clientFinal(challengeOf(await s.reply()))))
  assert.equal(challengeOf(await s.reply()).toString(), scram.expectedServerFinal())
  s.send('\r\n')
  assert.equal(await s.reply(), '235 2.7.0 Authentication successful\r\n')
  assert.ok(f.server.log.some((l) => /AUTH SCRAM-SHA-256 user=ann$/.test(l)))

  // Wrong secrets are 535 5.7.8 after the delay, and count towards the three that close the connection.
  const w = await open()
  const liar = new ScramClient('sha256', 'ann', 'not it')
  const started = Date.now()
  w.send(`AUTH SCRAM-SHA-256 ${liar.clientFirst().toString('base64')}\r\n`)
  w.send(line(liar.clientFinal(challengeOf(await w.reply()))))
  assert.deepEqual(codes([(await w.reply())!]), ['535 5.7.8'])
  assert.ok(Date.now() - started >= 900, 'constant failure delay')
  w.send('AUTH CRAM-MD5\r\n')
  w.send(line(cramMd5Response('ann', 'wrong', challengeOf(await w.reply()))))
  assert.deepEqual(codes([(await w.reply())!]), ['535 5.7.8'])
  w.send('AUTH DIGEST-MD5\r\n')
  w.send(line(digestMd5Response('ann', 'wrong', challengeOf(await w.reply()), 'smtp').response))
  assert.deepEqual(codes(await w.replies(2)), ['535 5.7.8', '421 4.7.0'])
  assert.equal(await w.reply(), null)

  // CRAM-MD5: right answer after a cancelled attempt; an initial response is a protocol error.
  const c = await open()
  c.send('AUTH CRAM-MD5\r\n')
  assert.match(challengeOf(await c.reply()).toString(), /^<\d+\.\d+@mx\.example\.test>$/)
  c.send('*\r\n')
  assert.deepEqual(codes([(await c.reply())!]), ['501 5.7.0'])
  c.send('AUTH CRAM-MD5\r\n')
  c.send(line(cramMd5Response('ann', 'ann pw', challengeOf(await c.reply()))))
  assert.equal(await c.reply(), '235 2.7.0 Authentication successful\r\n')
  // EXTERNAL is configured but needs a verified client certificate: refused at once, not counted as a failure.
  const e = await open()
  e.send('AUTH EXTERNAL =\r\nAUTH EXTERNAL\r\nAUTH X-UNKNOWN\r\n')
  assert.deepEqual(codes(await e.replies(3)), ['504 5.5.4', '504 5.5.4', '504 5.5.4'])
})

test('AUTH: a directory that cannot answer gives 454 4.7.0 at once, not 535', async (t) => {
  const down = unavailableDirectory()
  const f = await fixture(t, {saslMechanisms: EVERY_MECHANISM}, {directory: down})
  const c = await RawClient.open(f.port)
  t.after(() => c.close())
  await c.reply()
  c.send('EHLO c.test\r\n')
  await c.reply()
  const started = Date.now()
  c.send(`AUTH PLAIN ${Buffer.from('\0ann\0ann pw').toString('base64')}\r\nAUTH CRAM-MD5\r\n`)
  assert.deepEqual(codes([(await c.reply())!]), ['454 4.7.0'])
  c.send(line(cramMd5Response('ann', 'ann pw', challengeOf(await c.reply()))))
  c.send(`AUTH PLAIN ${Buffer.from('\0ann\0ann pw').toString('base64')}\r\n`)
  assert.deepEqual(codes(await c.replies(2)), ['454 4.7.0', '454 4.7.0'])
  assert.ok(Date.now() - started < 900, 'no failure delay for an unavailable directory')
  c.send('NOOP\r\n')
  assert.deepEqual(codes([(await c.reply())!]), ['250 2.0.0'], 'not counted as failures: the connection stays open')
})

test('AUTH EXTERNAL: only when the transport reports a verified client certificate; never in clear', async (t) => {
  const tls = makeTestTls()
  t.after(() => tls.cleanup())
  const der = Buffer.from('3003020101', 'hex') // what the transport would hand over: the certificate's DER
  const mapped = testDirectory({ann: 'ann pw'}, {cleartext: true, mapCertificate: (cert) => (cert.equals(der) ? 'ann' : null)})
  const withCert = await fixture(t, {saslMechanisms: EVERY_MECHANISM, plaintextMinCipher: 128}, {tls: tls.settings, directory: mapped, transport: (s) => withPeerCertificate(s, der)})
  const withoutCert = await fixture(t, {saslMechanisms: EVERY_MECHANISM, plaintextMinCipher: 128}, {tls: tls.settings, directory: mapped})
  const r = await python(
    PY_PRELUDE +
      `
ctx = ssl.create_default_context(cafile=os.environ['CA'])
def session(p):
    s = smtplib.SMTP('127.0.0.1', int(p))
    s.ehlo('c.test')
    out = {'clear': s.esmtp_features.get('auth', ''), 'clear_external': s.docmd('AUTH', 'EXTERNAL =')[0]}
    s.starttls(context=ctx)
    s.ehlo('c.test')
    out['tls'] = s.esmtp_features.get('auth', '')
    return s, out
out = {}
s, out['with'] = session(os.environ['WITH'])
out['with']['authzid_other'] = list(s.docmd('AUTH', 'EXTERNAL ' + base64.b64encode(b'bob').decode()))[0]
out['with']['external'] = list(s.docmd('AUTH', 'EXTERNAL ='))[0]
out['with']['relay'] = attempt(lambda: s.sendmail('ann@example.test', ['someone@far.test'], b'Subject: x\\r\\n\\r\\nx\\r\\n'))
s.quit()
s, out['continuation'] = session(os.environ['WITH'])
out['continuation']['steps'] = [list(s.docmd('AUTH', 'EXTERNAL')), list(s.docmd(''))[0]]
s.quit()
s, out['without'] = session(os.environ['WITHOUT'])
out['without']['external'] = [s.docmd('AUTH', 'EXTERNAL =')[0], s.docmd('AUTH', 'EXTERNAL')[0], s.noop()[0]]
s.quit()
for k in out:
    if 'steps' in out[k]: out[k]['steps'][0][1] = out[k]['steps'][0][1].decode()
print(json.dumps(out))
`,
    {WITH: String(withCert.port), WITHOUT: String(withoutCert.port), PORT: '0', CA: tls.certFile},
  )
  for (const k of ['with', 'without']) {
    // In clear there is no certificate, and passwords wait for TLS.
    assert.equal(r[k].clear.trim(), 'SCRAM-SHA-256 SCRAM-SHA-1 DIGEST-MD5 CRAM-MD5', k)
    assert.equal(r[k].clear_external, 504, k)
  }
  assert.equal(r.with.tls.trim(), 'SCRAM-SHA-256 SCRAM-SHA-1 DIGEST-MD5 CRAM-MD5 PLAIN LOGIN EXTERNAL')
  assert.equal(r.with.authzid_other, 535, 'the certificate maps to ann, who may not act as bob')
  assert.equal(r.with.external, 235)
  assert.deepEqual(r.with.relay, {ok: true, value: {}}, 'authenticated clients may relay')
  assert.equal(withCert.queue.entries.length, 1)
  assert.deepEqual(r.continuation.steps, [[334, ''], 235])
  assert.ok(withCert.server.log.some((l) => /AUTH EXTERNAL user=ann$/.test(l)))
  assert.equal(r.without.tls.trim(), 'SCRAM-SHA-256 SCRAM-SHA-1 DIGEST-MD5 CRAM-MD5 PLAIN LOGIN')
  assert.deepEqual(r.without.external, [504, 504, 250], 'refused at once, and not counted as failures')
})

test(
  'AUTH EXTERNAL with real client certificates: CA-signed is offered and accepted, self-signed is not',
  async (t) => {
    const tls = makeClientCertTls()
    t.after(() => tls.cleanup())
    const mapped = testDirectory({ann: 'ann pw'}, {mapCertificate: (der) => (der.equals(tls.client.der) ? 'ann' : null)})
    const f = await fixture(t, {saslMechanisms: ['PLAIN', 'EXTERNAL']}, {tls: tls.settings, directory: mapped})
    const r = await python(
      PY_PRELUDE +
        `
def session(cert):
    s = smtplib.SMTP('127.0.0.1', port)
    s.ehlo('c.test')
    ctx = ssl.create_default_context(cafile=os.environ['CA'])
    if cert: ctx.load_cert_chain(os.environ[cert + '_CERT'], os.environ[cert + '_KEY'])
    s.starttls(context=ctx)
    s.ehlo('c.test')
    out = {'auth': s.esmtp_features.get('auth', '').strip(), 'external': s.docmd('AUTH', 'EXTERNAL =')[0]}
    s.quit()
    return out
print(json.dumps({'client': session('CLIENT'), 'stranger': session('STRANGER'), 'none': session(None)}))
`,
      {PORT: String(f.port), CA: tls.caFile, CLIENT_CERT: tls.client.certFile, CLIENT_KEY: tls.client.keyFile, STRANGER_CERT: tls.stranger.certFile, STRANGER_KEY: tls.stranger.keyFile},
    )
    assert.deepEqual(r.stranger, {auth: 'PLAIN', external: 504}, 'a certificate that chains to no trusted CA identifies no one')
    assert.deepEqual(r.none, {auth: 'PLAIN', external: 504})
    assert.deepEqual(r.client, {auth: 'PLAIN EXTERNAL', external: 235})
  },
)

// ---- The outbound queue and its delivery worker, with a second SMTP session as the smart host.

interface Relay {
  front: number
  store: MailStore
  queue: SqliteOutboundQueue
  queueFile: string
  far: MailStore
  farPort: number
  log: string[]
  worker: (options?: Partial<DeliveryWorkerOptions>) => DeliveryWorker
}

const farDirectory: Directory = {verifyPassword: async () => null, lookup: (u) => (u.toLowerCase() === 'joe' ? 'joe' : null)}

async function relayFixture(t: T): Promise<Relay> {
  const dir = tempDir(t, 'msgctl-queue-')
  const store = openMailStore(join(dir, 'mail.db'))
  const far = openMailStore(join(dir, 'far.db'))
  const queueFile = join(dir, 'queue.db')
  const queue = new SqliteOutboundQueue(queueFile)
  const front = await startSessionServer((transport) => createSmtpSession({transport, settings: baseSettings, mail: store, directory, outbound: queue}))
  const farSettings = {...baseSettings, hostname: 'smarthost.far.test', localDomains: ['far.test']}
  const smart = await startSessionServer((transport) => createSmtpSession({transport, settings: farSettings, mail: far, directory: farDirectory, outbound: null}))
  const log: string[] = []
  const workers: DeliveryWorker[] = []
  t.after(async () => {
    for (const w of workers) await w.stop()
    await front.close()
    await smart.close()
    queue.close()
    store.close()
    far.close()
  })
  return {
    front: front.port,
    store,
    queue,
    queueFile,
    far,
    farPort: smart.port,
    log,
    worker: (options = {}) => {
      const w = new DeliveryWorker({
        queue,
        smartHosts: [`127.0.0.1:${smart.port}`],
        hostname: 'mx.example.test',
        localDomains: baseSettings.localDomains,
        directory,
        mail: store,
        log: (l) => log.push(l),
        timeoutMs: 5000,
        ...options,
      })
      workers.push(w)
      return w
    },
  }
}

const SEND_AS_ANN = `
s = smtplib.SMTP('127.0.0.1', port)
s.ehlo('c.test')
s.login('ann', 'ann pw')
res = attempt(lambda: s.sendmail('ann@example.test', os.environ['TO'].split(','), base64.b64decode(os.environ['BODY'])))
s.quit()
print(json.dumps(res))
`

test('outbound: relayed mail reaches the smart host over real SMTP, byte-identical after the trace lines', async (t) => {
  const r = await relayFixture(t)
  const body = Buffer.concat([Buffer.from('Subject: out\r\n\r\n.dot line\r\n'), Buffer.from([0xe2, 0x82, 0xac]), Buffer.from('\r\n.\r\n..\r\nend\r\n')])
  const sent = await python(PY_PRELUDE + SEND_AS_ANN, {PORT: String(r.front), TO: 'joe@far.test', BODY: body.toString('base64')})
  assert.deepEqual(sent, {ok: true, value: {}})
  assert.deepEqual(r.queue.size(), {messages: 1, recipients: 1})
  await r.worker().runOnce()
  assert.deepEqual(r.queue.size(), {messages: 0, recipients: 0}, r.log.join('\n'))
  const got = r.far.readMessage('joe', 'INBOX', 1)
  const outer = afterTrace(got)
  assert.match(outer.trace, /by smarthost\.far\.test \(msgctl\) with ESMTP id/)
  const inner = afterTrace(outer.rest)
  assert.match(inner.trace, /by mx\.example\.test \(msgctl\) with ESMTPA id/)
  assert.deepEqual(inner.rest, body)
  assert.ok(r.log.some((l) => /<joe@far\.test> delivered: 250 2\.0\.0 Ok: queued as/.test(l)))
})

test('outbound: a 5xx from the smart host bounces to the local sender; the queue empties', async (t) => {
  const r = await relayFixture(t)
  const body = Buffer.from('Subject: to nobody\r\nMessage-ID: <orig@example.test>\r\n\r\nhello\r\n')
  const sent = await python(PY_PRELUDE + SEND_AS_ANN, {PORT: String(r.front), TO: 'nobody@far.test,joe@far.test', BODY: body.toString('base64')})
  assert.deepEqual(sent, {ok: true, value: {}})
  await r.worker().runOnce()
  assert.deepEqual(r.queue.size(), {messages: 0, recipients: 0})
  assert.equal(r.far.listMessages('joe', 'INBOX').length, 1, 'the good recipient still gets it')
  const inbox = r.store.listMessages('ann', 'INBOX')
  assert.equal(inbox.length, 1)
  const bounce = r.store.readMessage('ann', 'INBOX', inbox[0]!.uid).toString('latin1')
  assert.match(bounce, /^From: Mail Delivery System <MAILER-DAEMON@mx\.example\.test>\r\n/)
  assert.match(bounce, /\r\nTo: <ann@example\.test>\r\n/)
  assert.match(bounce, /Content-Type: multipart\/report; report-type=delivery-status;/)
  assert.match(bounce, /\r\nFinal-Recipient: rfc822; nobody@far\.test\r\nAction: failed\r\nStatus: 5\.1\.1\r\nDiagnostic-Code: smtp; 550 5\.1\.1 <nobody@far\.test>: no such user here\r\n/)
  assert.ok(!bounce.includes('Final-Recipient: rfc822; joe@far.test'))
  assert.match(bounce, /Message-ID: <orig@example\.test>/, 'original header included')
  assert.ok(!bounce.includes('\r\nhello\r\n'), 'original body not included')
})

test('outbound: an unreachable smart host retries later; past the maximum age the sender gets a 4.4.7 bounce', async (t) => {
  const r = await relayFixture(t)
  await python(PY_PRELUDE + SEND_AS_ANN, {PORT: String(r.front), TO: 'joe@far.test', BODY: Buffer.from('Subject: x\r\n\r\nx\r\n').toString('base64')})
  // A port nothing listens on: the server we just closed.
  const closed = await startSessionServer((transport) => createSmtpSession({transport, settings: baseSettings, mail: r.store, directory, outbound: null}))
  const deadPort = closed.port
  await closed.close()
  let now = Date.now()
  const worker = r.worker({smartHosts: [`127.0.0.1:${deadPort}`], retryDelaysMs: [60_000, 300_000], maxAgeMs: 3_600_000, now: () => now})
  await worker.runOnce()
  assert.deepEqual(r.queue.size(), {messages: 1, recipients: 1})
  assert.deepEqual(r.queue.due(now), [], 'not due again before its delay')
  const [entry] = r.queue.due(now + 60_000)
  assert.equal(entry?.recipients[0]?.attempts, 1)
  assert.match(entry?.recipients[0]?.lastError ?? '', /ECONNREFUSED/)
  now += 60_000
  await worker.runOnce()
  assert.equal(r.queue.due(now + 299_999).length, 0, 'second delay is 5 minutes')
  now += 3_600_000
  await worker.runOnce()
  assert.deepEqual(r.queue.size(), {messages: 0, recipients: 0})
  const bounce = r.store.readMessage('ann', 'INBOX', r.store.listMessages('ann', 'INBOX')[0]!.uid).toString('latin1')
  assert.match(bounce, /Status: 4\.4\.7\r\n/)
})

test('outbound: the queue file is 0600, survives close and reopen, and waits when no smart host is set', async (t) => {
  const dir = tempDir(t, 'msgctl-queue-')
  const file = join(dir, 'queue.db')
  const q1 = new SqliteOutboundQueue(file)
  const id = q1.enqueue({from: '', to: ['a@far.test', 'b@far.test']}, Buffer.from('Subject: keep\r\n\r\n\xff\r\n', 'latin1'))
  q1.close()
  assert.equal(statSync(file).mode & 0o777, 0o600)
  const q2 = new SqliteOutboundQueue(file)
  t.after(() => q2.close())
  const [m] = q2.due(Date.now())
  assert.equal(m?.id, id)
  assert.equal(m?.sender, '')
  assert.deepEqual(m?.recipients.map((r) => r.address), ['a@far.test', 'b@far.test'])
  assert.deepEqual(m?.message, Buffer.from('Subject: keep\r\n\r\n\xff\r\n', 'latin1'))
  const store = openMailStore(join(dir, 'mail.db'))
  t.after(() => store.close())
  const log: string[] = []
  const worker = new DeliveryWorker({queue: q2, smartHosts: [], hostname: 'h', localDomains: [], directory, mail: store, log: (l) => log.push(l)})
  await worker.runOnce()
  await worker.runOnce()
  assert.deepEqual(q2.size(), {messages: 1, recipients: 2})
  assert.equal(log.filter((l) => /direct MX delivery is not implemented/.test(l)).length, 1, 'said once')
  // A started worker is woken by enqueue and stops cleanly.
  worker.start()
  q2.enqueue({from: 'x@y.test', to: ['c@far.test']}, Buffer.from('x'))
  await worker.stop()
})
