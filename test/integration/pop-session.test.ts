/**
 * The POP3 session driven by Python's poplib over loopback, through the
 * daemon's connection code, on a real mail store file; mail arrives through
 * the SMTP session and smtplib.
 */
import assert from 'node:assert/strict'
import {execFile} from 'node:child_process'
import {createHash} from 'node:crypto'
import {connect, type Socket} from 'node:net'
import {join} from 'node:path'
import {test} from 'node:test'
import {openMailStore} from '../../src/daemon/mailstore/index.js'
import type {MailStore} from '../../src/daemon/mailstore/types.js'
import {createPopSession} from '../../src/daemon/pop/index.js'
import type {Directory, ServiceSettings, Transport} from '../../src/daemon/session_types.js'
import {createSmtpSession} from '../../src/daemon/smtp/index.js'
import type {TlsServerSettings} from '../../src/daemon/socket_transport.js'
import {tempDir} from '../helpers/cli.js'
import {cramMd5Response, ScramClient} from '../helpers/sasl_clients.js'
import {testDirectory, testSettings, unavailableDirectory, withPeerCertificate} from '../helpers/session_fixtures.js'
import {makeTestTls, startSessionServer, type SessionServer} from '../helpers/session_server.js'

type T = {after: (fn: () => void | Promise<void>) => void}

const directory = testDirectory({ann: 'ann pw', bob: 'bob-secret'})

const settings = testSettings({banner: 'msgctl POP3 ready'})

async function popServer(t: T, store: MailStore, extra: Partial<ServiceSettings> = {}, tls: TlsServerSettings | null = null): Promise<number> {
  const server = await startSessionServer((transport) => createPopSession({transport, settings: {...settings, ...extra}, mail: store, directory, outbound: null}), {tls})
  t.after(() => server.close())
  return server.port
}

function freshStore(t: T): MailStore {
  const store = openMailStore(join(tempDir(t, 'msgctl-pop-'), 'mail.db'))
  t.after(() => store.close())
  return store
}

function python(code: string, env: Record<string, string>): Promise<any> {
  return new Promise((resolve, reject) => {
    execFile('python3', ['-c', PRELUDE + code], {env: {...process.env, ...env}, timeout: 30_000}, (error, stdout, stderr) => {
      if (error) return reject(new Error(`${error.message}\n${stderr}`))
      try {
        resolve(JSON.parse(stdout))
      } catch {
        reject(new Error(`not JSON: ${stdout}\n${stderr}`))
      }
    })
  })
}

const PRELUDE = `
import poplib, smtplib, json, os, base64, ssl
port = int(os.environ.get('PORT', '0'))
def d(x):
    if isinstance(x, bytes): return x.decode('latin1')
    if isinstance(x, (list, tuple)): return [d(i) for i in x]
    return x
def attempt(fn):
    try:
        return d(fn())
    except poplib.error_proto as e:
        return 'ERROR ' + d(e.args[0])
`

const m = (subject: string, body: string): Buffer => Buffer.from(`Subject: ${subject}\r\n\r\n${body}`)

test('smtplib in, poplib out: RETR gives the bytes sent, after the Received line (dots and 8-bit included)', async (t) => {
  const store = freshStore(t)
  const smtp = await startSessionServer((transport) => createSmtpSession({transport, settings, mail: store, directory, outbound: null}))
  t.after(() => smtp.close())
  const pop = await popServer(t, store)
  const body = Buffer.concat([Buffer.from('From: x@far.test\r\nSubject: dots\r\n\r\n.one dot\r\n..two\r\n.\r\n'), Buffer.from([0xe9, 0xff, 0x00, 0x80]), Buffer.from('\r\nlast line\r\n')])
  const r = await python(
    `
body = base64.b64decode(os.environ['BODY'])
s = smtplib.SMTP('127.0.0.1', int(os.environ['SMTP']))
s.sendmail('x@far.test', ['ann@example.test'], body)
s.quit()
p = poplib.POP3('127.0.0.1', port)
out = {'welcome': d(p.getwelcome())}
p.user('ann')
p.pass_('ann pw')
resp, lines, octets = p.retr(1)
out['retr'] = base64.b64encode(b'\\r\\n'.join(lines) + b'\\r\\n').decode()
out['octets'] = octets
out['list'] = d(p.list(1))
p.quit()
print(json.dumps(out))
`,
    {PORT: String(pop), SMTP: String(smtp.port), BODY: body.toString('base64')},
  )
  assert.equal(r.welcome, '+OK msgctl POP3 ready')
  const retr = Buffer.from(r.retr, 'base64')
  const text = retr.toString('latin1')
  const afterTrace = text.search(/\r\n(?![\t ])/) // end of the folded Received field
  assert.match(text, /^Received: from /)
  let end = text.indexOf('\r\n') + 2
  while (text[end] === '\t') end = text.indexOf('\r\n', end) + 2
  assert.ok(afterTrace > 0)
  assert.deepEqual(retr.subarray(end), body)
  const stored = store.readMessage('ann', 'INBOX', 1)
  assert.deepEqual(retr, stored)
  assert.equal(r.list, `+OK 1 ${stored.length}`)
})

test('STAT LIST UIDL TOP DELE RSET QUIT: deletes happen at QUIT only, UIDs are stable', async (t) => {
  const store = freshStore(t)
  const msgs = [m('one', 'a\r\n'), m('two', 'b1\r\nb2\r\nb3\r\n'), m('three', 'ccc\r\n')]
  for (const x of msgs) store.deliver('ann', x)
  const validity = store.status('ann', 'INBOX').uidValidity
  const port = await popServer(t, store)
  const r = await python(
    `
p = poplib.POP3('127.0.0.1', port)
out = {}
out['capa'] = {k: v for k, v in p.capa().items()}
out['stat_before_login'] = attempt(lambda: p.stat())
p.user('ann'); p.pass_('ann pw')
out['stat'] = p.stat()
out['list'] = d(p.list())
out['uidl'] = d(p.uidl())
out['uidl2'] = d(p.uidl(2))
out['top'] = d(p.top(2, 1))
out['dele'] = d(p.dele(2))
out['dele_again'] = attempt(lambda: p.dele(2))
out['retr_deleted'] = attempt(lambda: p.retr(2))
out['stat_after_dele'] = p.stat()
out['list_after_dele'] = d(p.list())
out['rset'] = d(p.rset())
out['stat_after_rset'] = p.stat()
out['dele1'] = d(p.dele(1))
out['dele3'] = d(p.dele(3))
out['noop'] = d(p.noop())
out['bad_number'] = [attempt(lambda: p.retr(0)), attempt(lambda: p.retr(4)), attempt(lambda: p._shortcmd('RETR x')), attempt(lambda: p._shortcmd('TOP 1'))]
out['user_in_transaction'] = attempt(lambda: p.user('bob'))
out['quit'] = d(p.quit())
print(json.dumps(out))
`,
    {PORT: String(port)},
  )
  assert.deepEqual(Object.keys(r.capa).sort(), ['AUTH-RESP-CODE', 'IMPLEMENTATION', 'PIPELINING', 'RESP-CODES', 'SASL', 'TOP', 'UIDL', 'USER'])
  assert.deepEqual(r.capa.SASL, ['PLAIN', 'LOGIN'])
  assert.match(r.stat_before_login, /^ERROR -ERR /)
  const sizes = msgs.map((x) => x.length)
  assert.deepEqual(r.stat, [3, sizes[0]! + sizes[1]! + sizes[2]!])
  assert.deepEqual(r.list, [`+OK 3 messages (${sizes[0]! + sizes[1]! + sizes[2]!} octets)`, sizes.map((s, i) => `${i + 1} ${s}`), sizes.reduce((a, s, i) => a + `${i + 1} ${s}`.length + 2, 0)])
  assert.deepEqual(r.uidl[1], [`1 ${validity}.1`, `2 ${validity}.2`, `3 ${validity}.3`])
  assert.equal(r.uidl2, `+OK 2 ${validity}.2`)
  assert.deepEqual(r.top[1], ['Subject: two', '', 'b1'])
  assert.match(r.dele, /^\+OK/)
  assert.match(r.dele_again, /^ERROR -ERR Message 2 already deleted/)
  assert.match(r.retr_deleted, /^ERROR -ERR /)
  assert.deepEqual(r.stat_after_dele, [2, sizes[0]! + sizes[2]!])
  assert.deepEqual(r.list_after_dele[1], [`1 ${sizes[0]}`, `3 ${sizes[2]}`])
  assert.deepEqual(r.stat_after_rset, [3, sizes[0]! + sizes[1]! + sizes[2]!])
  for (const e of r.bad_number) assert.match(e, /^ERROR -ERR /)
  assert.match(r.user_in_transaction, /^ERROR -ERR /)
  assert.match(r.quit, /^\+OK .*2 messages deleted/)
  assert.deepEqual(store.listMessages('ann', 'INBOX').map((x) => x.uid), [2])
  // The survivor keeps its UIDL in the next session, now as message 1.
  const again = await python(`p = poplib.POP3('127.0.0.1', port); p.user('ann'); p.pass_('ann pw'); print(json.dumps(d(p.uidl()))); p.quit()`, {PORT: String(port)})
  assert.deepEqual(again[1], [`1 ${validity}.2`])
})

test('a dropped connection deletes nothing and releases the maildrop', async (t) => {
  const store = freshStore(t)
  store.deliver('bob', m('keep', 'me\r\n'))
  const port = await popServer(t, store)
  const r = await python(
    `
p = poplib.POP3('127.0.0.1', port)
p.user('bob'); p.pass_('bob-secret')
second = poplib.POP3('127.0.0.1', port)
second.user('bob')
out = {'in_use': attempt(lambda: second.pass_('bob-secret'))}
out['dele'] = d(p.dele(1))
p.sock.close()
print(json.dumps(out))
`,
    {PORT: String(port)},
  )
  assert.equal(r.in_use, 'ERROR -ERR [IN-USE] Mailbox is locked by another POP3 session.')
  assert.match(r.dele, /^\+OK/)
  let stat: any = null
  for (let i = 0; i < 20 && !Array.isArray(stat); i++) {
    await new Promise((resolve) => setTimeout(resolve, 50))
    stat = await python(`p = poplib.POP3('127.0.0.1', port); p.user('bob'); r = attempt(lambda: p.pass_('bob-secret')); print(json.dumps(p.stat() if r.startswith('+OK') else r)); p.quit()`, {PORT: String(port)})
  }
  assert.deepEqual(stat, [1, m('keep', 'me\r\n').length])
  assert.equal(store.listMessages('bob', 'INBOX').length, 1)
})

test('AUTH PLAIN and LOGIN, failures with [AUTH] after the delay, and plaintext rules with STLS', async (t) => {
  const store = freshStore(t)
  const tls = makeTestTls()
  t.after(() => tls.cleanup())
  const port = await popServer(t, store, {plaintextMinCipher: 128}, tls.settings)
  const open = await popServer(t, store)
  const r = await python(
    `
import time
out = {}
p = poplib.POP3('127.0.0.1', int(os.environ['OPEN']))
t0 = time.time()
out['bad_pass'] = attempt(lambda: (p.user('ann'), p.pass_('nope'))[1])
out['bad_seconds'] = time.time() - t0
out['pass_without_user'] = attempt(lambda: p.pass_('ann pw'))
out['plain'] = attempt(lambda: p._shortcmd('AUTH PLAIN ' + base64.b64encode(b'\\0ann\\0ann pw').decode()))
p.quit()
p = poplib.POP3('127.0.0.1', int(os.environ['OPEN']))
out['login1'] = attempt(lambda: p._shortcmd('AUTH LOGIN'))
out['login2'] = attempt(lambda: p._shortcmd(base64.b64encode(b'bob').decode()))
out['login3'] = attempt(lambda: p._shortcmd(base64.b64encode(b'bob-secret').decode()))
p.quit()
p = poplib.POP3('127.0.0.1', int(os.environ['OPEN']))
out['cancel'] = [attempt(lambda: p._shortcmd('AUTH PLAIN')), attempt(lambda: p._shortcmd('*'))]
out['bad_plain'] = attempt(lambda: p._shortcmd('AUTH PLAIN ' + base64.b64encode(b'\\0ann\\0wrong').decode()))
out['garbage_plain'] = attempt(lambda: p._shortcmd('AUTH PLAIN ' + base64.b64encode(b'no nuls').decode()))
out['unknown_mech'] = attempt(lambda: p._shortcmd('AUTH CRAM-MD5'))
p.quit()
p = poplib.POP3('127.0.0.1', port)
out['capa_clear'] = {k: v for k, v in p.capa().items()}
out['user_clear'] = attempt(lambda: p.user('ann'))
out['auth_clear'] = attempt(lambda: p._shortcmd('AUTH PLAIN ' + base64.b64encode(b'\\0ann\\0ann pw').decode()))
ctx = ssl.create_default_context(cafile=os.environ['CA'])
out['stls'] = d(p.stls(context=ctx))
out['capa_tls'] = {k: v for k, v in p.capa().items()}
out['user_tls'] = attempt(lambda: p.user('ann'))
out['pass_tls'] = attempt(lambda: p.pass_('ann pw'))
out['stat'] = p.stat()
p.quit()
print(json.dumps(out))
`,
    {PORT: String(port), OPEN: String(open), CA: tls.certFile},
  )
  assert.equal(r.bad_pass, 'ERROR -ERR [AUTH] Authentication failed.')
  assert.ok(r.bad_seconds >= 0.9, `delay ${r.bad_seconds}`)
  assert.match(r.pass_without_user, /^ERROR -ERR /)
  assert.match(r.plain, /^\+OK Logged in/)
  assert.deepEqual([r.login1, r.login2], ['+ VXNlcm5hbWU6', '+ UGFzc3dvcmQ6'])
  assert.match(r.login3, /^\+OK Logged in/)
  assert.deepEqual(r.cancel, ['+ ', 'ERROR -ERR Authentication cancelled.'])
  assert.equal(r.bad_plain, 'ERROR -ERR [AUTH] Authentication failed.')
  assert.equal(r.garbage_plain, 'ERROR -ERR [AUTH] Authentication failed.')
  assert.match(r.unknown_mech, /^ERROR -ERR /)
  assert.ok('STLS' in r.capa_clear)
  assert.ok(!('USER' in r.capa_clear) && !('SASL' in r.capa_clear), 'no clear-text login advertised before TLS')
  assert.match(r.user_clear, /^ERROR -ERR \[AUTH\] .*STLS/)
  assert.match(r.auth_clear, /^ERROR -ERR \[AUTH\] .*STLS/)
  assert.match(r.stls, /^\+OK Begin TLS negotiation/)
  assert.ok(!('STLS' in r.capa_tls) && 'USER' in r.capa_tls && 'SASL' in r.capa_tls)
  assert.match(r.pass_tls, /^\+OK/)
  assert.deepEqual(r.stat, [0, 0])
})

test('bad input and pipelining: error replies, in order, and the session keeps working', async (t) => {
  const store = freshStore(t)
  store.deliver('ann', m('x', '.dot\r\n'))
  const port = await popServer(t, store, {idleTimeoutMs: 2000})
  const socket = connect(port, '127.0.0.1')
  t.after(() => socket.destroy())
  let received = ''
  socket.setEncoding('latin1')
  socket.on('data', (d: string) => (received += d))
  const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()))
  socket.write('STAT\r\nXYZZY\r\n\x00\x01\r\n' + 'A'.repeat(5000) + '\r\nUSER ann\r\nPASS ann pw\r\nSTAT\r\nRETR 1\r\nTOP 1 0\r\nLIST 99999999999\r\nDELE 1\r\nQUIT\r\n')
  await closed
  const lines = received.split('\r\n')
  assert.equal(lines[0], '+OK msgctl POP3 ready')
  assert.match(lines[1]!, /^-ERR STAT is not valid/)
  assert.equal(lines[2], '-ERR Unknown command.')
  assert.equal(lines[3], '-ERR Bad command syntax.')
  assert.equal(lines[4], '-ERR Line too long.')
  assert.equal(lines[5], '+OK Send your password.')
  assert.match(lines[6]!, /^\+OK Logged in, 1 messages/)
  assert.match(lines[7]!, /^\+OK 1 \d+$/)
  assert.deepEqual(lines.slice(8, 13), ['+OK 20 octets', 'Subject: x', '', '..dot', '.'])
  assert.deepEqual(lines.slice(13, 17), ['+OK Top of message follows', 'Subject: x', '', '.'])
  assert.equal(lines[17], '-ERR Invalid message number.')
  assert.match(lines[18]!, /^\+OK Message 1 deleted/)
  assert.match(lines[19]!, /^\+OK Logging out, 1 messages deleted/)
  assert.equal(store.listMessages('ann', 'INBOX').length, 0)
})

test('idle timeout ends the session without deleting', async (t) => {
  const store = freshStore(t)
  store.deliver('ann', m('x', 'y\r\n'))
  const port = await popServer(t, store, {idleTimeoutMs: 300})
  const socket = connect(port, '127.0.0.1')
  t.after(() => socket.destroy())
  let received = ''
  socket.setEncoding('latin1')
  socket.on('data', (d: string) => (received += d))
  socket.write('USER ann\r\nPASS ann pw\r\nDELE 1\r\n')
  await new Promise<void>((resolve) => socket.on('close', () => resolve()))
  assert.match(received, /-ERR Disconnected for inactivity\.\r\n$/)
  assert.equal(store.listMessages('ann', 'INBOX').length, 1)
})

// ---- SASL beyond PLAIN and LOGIN, APOP, and certificate login.

/** Every mechanism the core has that POP3 may offer (has_plain_passwords on, certmap configured). */
const EVERY_MECHANISM = ['SCRAM-SHA-256', 'SCRAM-SHA-1', 'DIGEST-MD5', 'CRAM-MD5', 'PLAIN', 'LOGIN', 'EXTERNAL']

interface PopFixture {
  server: SessionServer
  /** Users handed to onAuthenticated (POP-before-SMTP), in order. */
  logins: string[]
}

async function popServerWith(t: T, store: MailStore, options: {settings?: Partial<ServiceSettings>; directory: Directory; tls?: TlsServerSettings | null; transport?: (socket: Transport) => Transport}): Promise<PopFixture> {
  const logins: string[] = []
  const wrap = options.transport ?? ((socket: Transport) => socket)
  const server = await startSessionServer(
    (socket) =>
      createPopSession({
        transport: wrap(socket),
        settings: {...settings, ...options.settings},
        mail: store,
        directory: options.directory,
        outbound: null,
        onAuthenticated: (user) => logins.push(user),
      }),
    {tls: options.tls ?? null},
  )
  t.after(() => server.close())
  return {server, logins}
}

/** A line-at-a-time POP3 client for exchanges no library makes. */
class PopLines {
  #buffer = ''
  #closed = false
  #wake: (() => void) | null = null

  private constructor(readonly socket: Socket) {
    socket.setEncoding('latin1')
    socket.on('data', (d: string) => {
      this.#buffer += d
      this.#wake?.()
    })
    socket.on('close', () => {
      this.#closed = true
      this.#wake?.()
    })
    socket.on('error', () => {})
  }

  static async open(t: T, port: number): Promise<{client: PopLines; greeting: string}> {
    const socket = connect(port, '127.0.0.1')
    t.after(() => {
      socket.destroy()
    })
    await new Promise<void>((resolve) => socket.once('connect', resolve))
    const client = new PopLines(socket)
    return {client, greeting: (await client.line())!}
  }

  send(text: string): void {
    this.socket.write(text)
  }

  /** The next line without its CRLF, or null once the server closed. */
  async line(): Promise<string | null> {
    for (;;) {
      const end = this.#buffer.indexOf('\r\n')
      if (end >= 0) {
        const line = this.#buffer.slice(0, end)
        this.#buffer = this.#buffer.slice(end + 2)
        return line
      }
      if (this.#closed) return null
      await new Promise<void>((resolve) => (this.#wake = resolve))
    }
  }

  /** The decoded data of a "+ " continuation. */
  async challenge(): Promise<Buffer> {
    const line = await this.line()
    assert.ok(line?.startsWith('+ '), `continuation expected, got ${JSON.stringify(line)}`)
    return Buffer.from(line!.slice(2), 'base64')
  }

  /** The lines of a multi-line reply after its +OK, up to the ".". */
  async multiLine(): Promise<string[]> {
    const first = await this.line()
    assert.match(first ?? '', /^\+OK/)
    const lines: string[] = []
    for (let l = await this.line(); l !== null && l !== '.'; l = await this.line()) lines.push(l)
    return lines
  }
}

const b64line = (bytes: Buffer | string): string => `${Buffer.from(bytes).toString('base64')}\r\n`

test('AUTH CRAM-MD5 and SCRAM: CAPA and AUTH list the offer; success goes through login (maildrop, onAuthenticated)', async (t) => {
  const store = freshStore(t)
  store.deliver('ann', m('hello', 'x\r\n'))
  const f = await popServerWith(t, store, {settings: {saslMechanisms: EVERY_MECHANISM}, directory: testDirectory({ann: 'ann pw', bob: 'bob-secret'}, {cleartext: true})})
  const {port} = f.server

  const {client: c} = await PopLines.open(t, port)
  c.send('CAPA\r\n')
  const capa = await c.multiLine()
  assert.ok(capa.includes('SASL SCRAM-SHA-256 SCRAM-SHA-1 DIGEST-MD5 CRAM-MD5 PLAIN LOGIN'), `no EXTERNAL without a certificate: ${capa.join('|')}`)
  c.send('AUTH\r\n')
  assert.deepEqual(await c.multiLine(), ['SCRAM-SHA-256', 'SCRAM-SHA-1', 'DIGEST-MD5', 'CRAM-MD5', 'PLAIN', 'LOGIN'])
  c.send('AUTH EXTERNAL =\r\n')
  assert.equal(await c.line(), '-ERR EXTERNAL needs a verified TLS client certificate.')
  c.send('AUTH CRAM-MD5\r\n')
  const challenge = await c.challenge()
  assert.match(challenge.toString(), /^<\d+\.\d+@mail\.example\.test>$/)
  c.send(b64line(cramMd5Response('ann', 'ann pw', challenge)))
  assert.match((await c.line())!, /^\+OK Logged in, 1 messages/)
  c.send('STAT\r\nQUIT\r\n')
  assert.match((await c.line())!, /^\+OK 1 \d+$/)

  // SCRAM-SHA-256 with the client-first message as initial response; the server-final is one more "+".
  const {client: s} = await PopLines.open(t, port)
  const scram = new ScramClient('sha256', 'bob', 'bob-secret')
  s.send(`AUTH SCRAM-SHA-256 ${scram.clientFirst().toString('base64')}\r\n`)
  s.send(b64line(scram.clientFinal(await s.challenge())))
  assert.equal((await s.challenge()).toString(), scram.expectedServerFinal())
  s.send('\r\n')
  assert.match((await s.line())!, /^\+OK Logged in, 0 messages/)

  // A wrong proof: [AUTH] after the constant delay, still in AUTHORIZATION.
  const {client: w} = await PopLines.open(t, port)
  const liar = new ScramClient('sha1', 'bob', 'not it')
  const started = Date.now()
  w.send(`AUTH SCRAM-SHA-1 ${liar.clientFirst().toString('base64')}\r\n`)
  w.send(b64line(liar.clientFinal(await w.challenge())))
  assert.equal(await w.line(), '-ERR [AUTH] Authentication failed.')
  assert.ok(Date.now() - started >= 900, 'constant failure delay')
  w.send('AUTH CRAM-MD5\r\n*\r\nAUTH CRAM-MD5 =\r\nSTAT\r\n')
  await w.challenge()
  assert.equal(await w.line(), '-ERR Authentication cancelled.')
  assert.equal(await w.line(), '-ERR [AUTH] Authentication failed.', 'CRAM-MD5 takes no initial response')
  assert.match((await w.line())!, /^-ERR STAT is not valid/)

  assert.deepEqual(f.logins, ['ann', 'bob'])
  assert.ok(f.server.log.some((l) => /POP3 login user=ann method=AUTH CRAM-MD5 messages=1$/.test(l)), f.server.log.join('\n'))
  assert.ok(f.server.log.some((l) => /POP3 login user=bob method=AUTH SCRAM-SHA-256 messages=0$/.test(l)))
  assert.ok(f.server.log.some((l) => /POP3 login failed \(AUTH SCRAM-SHA-1\)/.test(l)))
})

test('APOP (poplib): timestamp in the greeting only with APOP on; success, [AUTH] failure after the delay; no plaintext rule', async (t) => {
  const store = freshStore(t)
  store.deliver('ann', m('hello', 'x\r\n'))
  const users = {ann: 'ann pw', bob: 'bob-secret'}
  // plaintextmincipher -1: USER/PASS and PLAIN are off, APOP is not a clear-text password.
  const on = await popServerWith(t, store, {settings: {apop: true, plaintextMinCipher: -1}, directory: testDirectory(users, {cleartext: true})})
  const off = await popServerWith(t, store, {settings: {apop: false}, directory: testDirectory(users, {cleartext: true})})
  const noCleartext = await popServerWith(t, store, {settings: {apop: true}, directory: testDirectory(users)})
  const r = await python(
    `
import time
out = {}
p = poplib.POP3('127.0.0.1', int(os.environ['ON']))
out['welcome'] = d(p.getwelcome())
out['capa'] = sorted(p.capa().keys())
out['user'] = attempt(lambda: p.user('ann'))
t0 = time.time()
out['bad'] = attempt(lambda: p.apop('ann', 'wrong'))
out['bad_seconds'] = time.time() - t0
out['good'] = attempt(lambda: p.apop('ann', 'ann pw'))
out['stat'] = p.stat()
p.quit()
p = poplib.POP3('127.0.0.1', int(os.environ['ON']))
out['unknown_user'] = attempt(lambda: p.apop('nobody', 'ann pw'))
out['syntax'] = attempt(lambda: p._shortcmd('APOP ann'))
out['other_greeting'] = attempt(lambda: p._shortcmd('APOP bob ' + os.environ['STALE']))
p.quit()
out['other_welcome'] = []
for port in (os.environ['OFF'], os.environ['NOCLEAR']):
    p = poplib.POP3('127.0.0.1', int(port))
    out['other_welcome'].append(d(p.getwelcome()))
    out.setdefault('refused', []).append(attempt(lambda: p._shortcmd('APOP ann c4c9334bac560ecc979e58001b3e22fb')))
    p.quit()
print(json.dumps(out))
`,
    {
      ON: String(on.server.port),
      OFF: String(off.server.port),
      NOCLEAR: String(noCleartext.server.port),
      // A right digest for another greeting's timestamp must not work.
      STALE: createHash('md5').update('<1.2@mail.example.test>bob-secret').digest('hex'),
    },
  )
  assert.match(r.welcome, /^\+OK msgctl POP3 ready <\d+\.\d+\.\d+@mail\.example\.test>$/)
  assert.deepEqual(r.capa, ['AUTH-RESP-CODE', 'IMPLEMENTATION', 'PIPELINING', 'RESP-CODES', 'TOP', 'UIDL'], 'no USER, no SASL (PLAIN/LOGIN off, nothing else configured), nothing for APOP')
  assert.match(r.user, /^ERROR -ERR \[AUTH\] Plaintext authentication is disabled/)
  assert.equal(r.bad, 'ERROR -ERR [AUTH] Authentication failed.')
  assert.ok(r.bad_seconds >= 0.9, `delay ${r.bad_seconds}`)
  assert.match(r.good, /^\+OK Logged in, 1 messages/)
  assert.equal(r.stat[0], 1)
  assert.equal(r.unknown_user, 'ERROR -ERR [AUTH] Authentication failed.')
  assert.match(r.syntax, /^ERROR -ERR Syntax: APOP name digest/)
  assert.equal(r.other_greeting, 'ERROR -ERR [AUTH] Authentication failed.')
  assert.deepEqual(r.other_welcome, ['+OK msgctl POP3 ready', '+OK msgctl POP3 ready'], 'no timestamp unless APOP can work')
  for (const e of r.refused) assert.match(e, /^ERROR -ERR APOP is not available/)
  assert.deepEqual(on.logins, ['ann'])
  assert.ok(on.server.log.some((l) => /POP3 login user=ann method=APOP messages=1$/.test(l)))
})

test('AUTH EXTERNAL: listed and accepted only under TLS with a certificate the transport reports', async (t) => {
  const store = freshStore(t)
  const tls = makeTestTls()
  t.after(() => tls.cleanup())
  const der = Buffer.from('3003020101', 'hex')
  const directory = testDirectory({ann: 'ann pw'}, {mapCertificate: (cert) => (cert.equals(der) ? 'ann' : null)})
  const f = await popServerWith(t, store, {settings: {saslMechanisms: ['PLAIN', 'EXTERNAL'], plaintextMinCipher: 128}, directory, tls: tls.settings, transport: (s) => withPeerCertificate(s, der)})
  const plain = await popServerWith(t, store, {settings: {saslMechanisms: ['PLAIN', 'EXTERNAL'], plaintextMinCipher: 128}, directory, tls: tls.settings})
  const r = await python(
    `
ctx = ssl.create_default_context(cafile=os.environ['CA'])
out = {}
for name in ('WITH', 'WITHOUT'):
    p = poplib.POP3('127.0.0.1', int(os.environ[name]))
    o = out[name] = {'clear': p.capa().get('SASL'), 'clear_external': attempt(lambda: p._shortcmd('AUTH EXTERNAL ='))}
    p.stls(context=ctx)
    o['tls'] = p.capa().get('SASL')
    o['other'] = attempt(lambda: p._shortcmd('AUTH EXTERNAL ' + base64.b64encode(b'bob').decode()))
    o['external'] = attempt(lambda: p._shortcmd('AUTH EXTERNAL ='))
    p.quit()
p = poplib.POP3('127.0.0.1', int(os.environ['WITH']))
p.stls(context=ctx)
out['continuation'] = [attempt(lambda: p._shortcmd('AUTH EXTERNAL')), attempt(lambda: p._shortcmd(''))]
p.quit()
print(json.dumps(out))
`,
    {WITH: String(f.server.port), WITHOUT: String(plain.server.port), CA: tls.certFile},
  )
  for (const k of ['WITH', 'WITHOUT']) {
    assert.equal(r[k].clear, null, `${k}: nothing usable in clear`)
    assert.equal(r[k].clear_external, 'ERROR -ERR EXTERNAL needs a verified TLS client certificate.')
  }
  assert.deepEqual(r.WITH.tls, ['PLAIN', 'EXTERNAL'])
  assert.equal(r.WITH.other, 'ERROR -ERR [AUTH] Authentication failed.', 'the certificate is ann, who may not act as bob')
  assert.match(r.WITH.external, /^\+OK Logged in/)
  assert.deepEqual(r.WITHOUT.tls, ['PLAIN'])
  assert.equal(r.WITHOUT.external, 'ERROR -ERR EXTERNAL needs a verified TLS client certificate.')
  assert.equal(r.continuation[0], '+ ')
  assert.match(r.continuation[1], /^\+OK Logged in/)
  assert.deepEqual(f.logins, ['ann', 'ann'])
})

test('a directory that cannot answer: [SYS/TEMP] at once for PASS, AUTH and APOP', async (t) => {
  const store = freshStore(t)
  const down = unavailableDirectory()
  const f = await popServerWith(t, store, {settings: {saslMechanisms: EVERY_MECHANISM, apop: true}, directory: down})
  const {client: c, greeting} = await PopLines.open(t, f.server.port)
  const timestamp = /<[^>]+>$/.exec(greeting)![0]
  const started = Date.now()
  c.send(`USER ann\r\nPASS ann pw\r\nAUTH PLAIN ${Buffer.from('\0ann\0ann pw').toString('base64')}\r\n`)
  c.send(`APOP ann ${createHash('md5').update(`${timestamp}ann pw`).digest('hex')}\r\nAUTH CRAM-MD5\r\n`)
  assert.equal(await c.line(), '+OK Send your password.')
  for (let i = 0; i < 3; i++) assert.equal(await c.line(), '-ERR [SYS/TEMP] Authentication is unavailable, try again later.')
  c.send(b64line(cramMd5Response('ann', 'ann pw', await c.challenge())))
  assert.equal(await c.line(), '-ERR [SYS/TEMP] Authentication is unavailable, try again later.')
  assert.ok(Date.now() - started < 900, 'no failure delay')
  assert.deepEqual(f.logins, [])
})
