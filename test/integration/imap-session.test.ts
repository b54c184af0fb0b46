/**
 * The IMAP session driven by Python's imaplib (and, for byte-level abuse, a
 * raw socket) over loopback, through the daemon's connection code, on a
 * real mail store file.
 */
import assert from 'node:assert/strict'
import {spawn} from 'node:child_process'
import {connect, type Socket} from 'node:net'
import {connect as tlsConnect} from 'node:tls'
import {join} from 'node:path'
import {test} from 'node:test'
import {createImapSession} from '../../src/daemon/imap/index.js'
import {openMailStore} from '../../src/daemon/mailstore/index.js'
import type {MailStore} from '../../src/daemon/mailstore/types.js'
import type {Directory, ProtocolSession, ServiceSettings, Transport} from '../../src/daemon/session_types.js'
import type {TlsServerSettings} from '../../src/daemon/socket_transport.js'
import {tempDir} from '../helpers/cli.js'
import {digestMd5Response, ScramClient} from '../helpers/sasl_clients.js'
import {testDirectory, testSettings, unavailableDirectory, withPeerCertificate} from '../helpers/session_fixtures.js'
import {makeTestTls, startSessionServer} from '../helpers/session_server.js'

type T = {after: (fn: () => void | Promise<void>) => void}

const directory = testDirectory({ann: 'ann pw', bob: 'bob "secret"'})

const settings = testSettings({hostname: 'mail.example.test', banner: 'msgctl IMAP ready', maxLineLength: 2048, maxMessageSize: 100_000})

interface Server {
  port: number
  sessions: ProtocolSession[]
  log: string[]
}

interface ServerOptions {
  directory?: Directory
  /** What the session sees of the connection (a client certificate, say). */
  transport?: (socket: Transport) => Transport
}

async function imapServer(t: T, store: MailStore, extra: Partial<ServiceSettings> = {}, tls: TlsServerSettings | null = null, options: ServerOptions = {}): Promise<Server> {
  const sessions: ProtocolSession[] = []
  const wrap = options.transport ?? ((socket: Transport) => socket)
  const server = await startSessionServer(
    (socket) => {
      const s = createImapSession({transport: wrap(socket), settings: {...settings, ...extra}, mail: store, directory: options.directory ?? directory, outbound: null})
      sessions.push(s)
      return s
    },
    {tls},
  )
  t.after(() => server.close())
  return {port: server.port, sessions, log: server.log}
}

function freshStore(t: T): MailStore {
  const store = openMailStore(join(tempDir(t, 'msgctl-imap-'), 'mail.db'))
  t.after(() => store.close())
  return store
}

const PRELUDE = `
import imaplib, json, os, base64, ssl, sys
port = int(os.environ['PORT'])
def d(x):
    if isinstance(x, bytes): return x.decode('latin1')
    if isinstance(x, (list, tuple)): return [d(i) for i in x]
    return x
def attempt(fn):
    try:
        return d(fn())
    except imaplib.IMAP4.error as e:
        return 'ERROR ' + d(e.args[0])
out = {}
`

/**
 * Run a Python script; it fills `out`, printed as JSON at the end. Lines it
 * prints before that go to `onLine` (for steps that wait on the test).
 */
function python(code: string, env: Record<string, string>, onLine: (line: string, reply: (text: string) => void) => void = () => {}): Promise<any> {
  return new Promise((resolve, reject) => {
    const child = spawn('python3', ['-c', `${PRELUDE}${code}\nprint(json.dumps(out))\n`], {env: {...process.env, ...env}})
    let stdout = ''
    let stderr = ''
    const timer = setTimeout(() => child.kill(), 30_000)
    child.stdout.on('data', (b: Buffer) => {
      const before = stdout.length
      stdout += b.toString('latin1')
      const lines = stdout.slice(stdout.lastIndexOf('\n', before - 1) + 1).split('\n')
      for (const l of lines.slice(0, -1)) if (!l.startsWith('{')) onLine(l, (text) => child.stdin.write(text))
    })
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()))
    child.on('close', (status) => {
      clearTimeout(timer)
      const last = stdout.trim().split('\n').pop() ?? ''
      if (status !== 0) return reject(new Error(`python exited ${status}\n${stderr}\n${stdout}`))
      try {
        resolve(JSON.parse(last))
      } catch {
        reject(new Error(`not JSON: ${stdout}\n${stderr}`))
      }
    })
  })
}

/** A bare socket client for what no library would send. */
class RawClient {
  readonly socket: Socket
  text = ''
  closed = false
  #wake: (() => void) | null = null

  private constructor(socket: Socket) {
    this.socket = socket
    socket.on('data', (b: Buffer) => {
      this.text += b.toString('latin1')
      this.#wake?.()
    })
    socket.on('close', () => {
      this.closed = true
      this.#wake?.()
    })
    socket.on('error', () => {})
  }

  static async open(port: number): Promise<RawClient> {
    const socket = connect(port, '127.0.0.1')
    await new Promise<void>((resolve) => socket.once('connect', resolve))
    const c = new RawClient(socket)
    await c.until(/^\* OK .*\r\n/)
    return c
  }

  send(data: string | Buffer): void {
    this.socket.write(typeof data === 'string' ? Buffer.from(data, 'latin1') : data)
  }

  /** Wait until all received text matches `re`; returns the text and clears it. */
  async until(re: RegExp, timeoutMs = 5000): Promise<string> {
    const deadline = Date.now() + timeoutMs
    while (!re.test(this.text)) {
      if (this.closed) throw new Error(`closed before ${re}; got ${JSON.stringify(this.text)}`)
      if (Date.now() > deadline) throw new Error(`timeout waiting for ${re}; got ${JSON.stringify(this.text)}`)
      await new Promise<void>((resolve) => {
        this.#wake = resolve
        setTimeout(resolve, 50)
      })
    }
    const out = this.text
    this.text = ''
    return out
  }

  async waitClosed(timeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMs
    while (!this.closed) {
      if (Date.now() > deadline) throw new Error('connection not closed')
      await new Promise((r) => setTimeout(r, 20))
    }
  }

  end(): void {
    this.socket.destroy()
  }
}

/** imaplib returns NO as ('NO', [text]) for most commands. */
function refused(result: unknown, text: RegExp): void {
  assert.ok(Array.isArray(result) && result[0] === 'NO', `NO expected, got ${JSON.stringify(result)}`)
  assert.match(String(result[1][0]), text)
}

const message = (subject: string, body: string, extra = ''): Buffer =>
  Buffer.from(`From: Ann Example <ann@example.test>\r\nTo: bob@example.test\r\nSubject: ${subject}\r\nDate: Mon, 6 Nov 2023 10:00:00 +0000\r\n${extra}\r\n${body}\r\n`)

test('imaplib: greeting, capabilities, login, mailbox management, append and fetch', async (t) => {
  const store = freshStore(t)
  const {port} = await imapServer(t, store)
  // 8-bit body with every byte value but NUL, CR and LF; CRLF line ends (imaplib rewrites bare ones).
  const eightBit = Buffer.from(Array.from({length: 256}, (_, i) => i).filter((b) => b !== 0 && b !== 10 && b !== 13))
  const msg = Buffer.concat([Buffer.from('From: "Ann, A." <ann@example.test>\r\nTo: bob@example.test\r\nSubject: =?utf-8?q?caf=C3=A9?=\r\nMessage-ID: <m1@example.test>\r\n\r\nline one\r\n'), eightBit, Buffer.from('\r\nlast\r\n')])
  const out = await python(
    `
M = imaplib.IMAP4('127.0.0.1', port)
out['welcome'] = d(M.welcome)
out['caps'] = list(M.capabilities)
out['badlogin'] = attempt(lambda: M.login('ann', 'wrong'))
out['login'] = attempt(lambda: M.login('ann', 'ann pw'))
out['create'] = [attempt(lambda: M.create('Work')), attempt(lambda: M.create('Work/Sub'))]
out['create_again'] = attempt(lambda: M.create('Work'))
out['rename'] = attempt(lambda: M.rename('Work/Sub', 'Work/Renamed'))
out['list'] = attempt(lambda: M.list())
out['list_pct'] = attempt(lambda: M.list('""', '%'))
out['delete'] = attempt(lambda: M.delete('Work/Renamed'))
out['delete_missing'] = attempt(lambda: M.delete('Nope'))
out['subscribe'] = attempt(lambda: M.subscribe('Work'))
out['lsub'] = attempt(lambda: M.lsub())
msg = base64.b64decode(os.environ['MSG'])
out['append'] = attempt(lambda: M.append('INBOX', '(\\\\Flagged)', imaplib.Time2Internaldate(1700000000), msg))
out['status'] = attempt(lambda: M.status('INBOX', '(MESSAGES UIDNEXT UNSEEN)'))
out['select'] = attempt(lambda: M.select('INBOX'))
typ, data = M.fetch('1', '(BODY.PEEK[])')
out['peek_body'] = base64.b64encode(data[0][1]).decode()
out['flags_after_peek'] = attempt(lambda: M.fetch('1', '(FLAGS)'))
out['body_fetch'] = attempt(lambda: M.fetch('1', '(BODY[])'))
out['flags_after_body'] = attempt(lambda: M.fetch('1', 'FLAGS'))
out['uid_fetch'] = attempt(lambda: M.uid('FETCH', '1:*', '(RFC822.SIZE INTERNALDATE)'))
out['sections'] = attempt(lambda: M.fetch('1', '(BODY.PEEK[HEADER.FIELDS (Subject Message-ID)] BODY.PEEK[TEXT]<0.8>)'))
out['structure'] = attempt(lambda: M.fetch('1', '(ENVELOPE BODYSTRUCTURE)'))
out['logout'] = attempt(lambda: M.logout())
`,
    {PORT: String(port), MSG: msg.toString('base64')},
  )
  assert.match(out.welcome, /^\* OK \[CAPABILITY IMAP4rev1 LITERAL\+ SASL-IR ID ENABLE IDLE NAMESPACE UIDPLUS UNSELECT MOVE CHILDREN AUTH=PLAIN AUTH=LOGIN\] msgctl IMAP ready/)
  assert.ok(out.caps.includes('IMAP4REV1'))
  assert.ok(!out.caps.includes('STARTTLS'), 'no STARTTLS without TLS')
  assert.equal(out.badlogin, 'ERROR [AUTHENTICATIONFAILED] Authentication failed.')
  assert.equal(out.login[0], 'OK')
  assert.deepEqual(out.create, [
    ['OK', ['CREATE completed']],
    ['OK', ['CREATE completed']],
  ])
  refused(out.create_again, /^\[ALREADYEXISTS\]/)
  assert.equal(out.rename[0], 'OK')
  assert.deepEqual(out.list[1], ['(\\HasNoChildren) "/" "INBOX"', '(\\HasChildren) "/" "Work"', '(\\HasNoChildren) "/" "Work/Renamed"'])
  assert.deepEqual(out.list_pct[1], ['(\\HasNoChildren) "/" "INBOX"', '(\\HasChildren) "/" "Work"'])
  assert.equal(out.delete[0], 'OK')
  refused(out.delete_missing, /^\[NONEXISTENT\]/)
  assert.deepEqual(out.lsub[1], ['() "/" "Work"'])
  assert.match(out.append[1][0], /^\[APPENDUID \d+ 1\] APPEND completed$/)
  assert.match(out.status[1][0], /^"?INBOX"? \(MESSAGES 1 UIDNEXT 2 UNSEEN 1\)$/)
  assert.deepEqual(out.select, ['OK', ['1']])
  assert.equal(Buffer.from(out.peek_body, 'base64').compare(msg), 0, 'BODY[] is byte-identical to what was appended')
  assert.deepEqual(out.flags_after_peek[1], ['1 (FLAGS (\\Flagged \\Recent))'])
  // Without PEEK, \Seen is set and reported with the data.
  assert.match(out.body_fetch[1][1], /FLAGS \(\\Seen \\Flagged \\Recent\)\)$/)
  assert.deepEqual(out.flags_after_body[1], ['1 (FLAGS (\\Seen \\Flagged \\Recent))'])
  assert.deepEqual(out.uid_fetch[1], [`1 (UID 1 RFC822.SIZE ${msg.length} INTERNALDATE "14-Nov-2023 22:13:20 +0000")`])
  const sections = out.sections[1]
  const fields = 'Subject: =?utf-8?q?caf=C3=A9?=\r\nMessage-ID: <m1@example.test>\r\n\r\n'
  assert.equal(sections[0][0], `1 (BODY[HEADER.FIELDS (Subject Message-ID)] {${fields.length}}`)
  assert.equal(sections[0][1], fields)
  assert.equal(sections[1][0], ' BODY[TEXT]<0> {8}')
  assert.equal(sections[1][1], 'line one')
  const structure = out.structure[1][0]
  assert.ok(structure.includes('ENVELOPE (NIL "=?utf-8?q?caf=C3=A9?=" (("Ann, A." NIL "ann" "example.test")) (("Ann, A." NIL "ann" "example.test")) (("Ann, A." NIL "ann" "example.test")) ((NIL NIL "bob" "example.test")) NIL NIL NIL "<m1@example.test>")'), structure)
  assert.ok(structure.includes(`BODYSTRUCTURE ("TEXT" "PLAIN" ("CHARSET" "US-ASCII") NIL NIL "7BIT" ${msg.length - msg.indexOf('line one')} 3 NIL NIL NIL NIL)`), structure)
  assert.equal(out.logout[0], 'BYE')
})

test('imaplib: SEARCH, STORE, EXPUNGE renumbering, COPY and MOVE with COPYUID', async (t) => {
  const store = freshStore(t)
  const {port} = await imapServer(t, store)
  for (let i = 1; i <= 5; i++) store.deliver('ann', message(`note ${i}`, i === 3 ? 'the needle is here' : `body ${i}`), new Date(Date.UTC(2023, 0, i)))
  store.createMailbox('ann', 'Archive')
  const out = await python(
    `
M = imaplib.IMAP4('127.0.0.1', port)
M.login('ann', 'ann pw')
M.select('INBOX')
out['all'] = attempt(lambda: M.search(None, 'ALL'))
out['text'] = attempt(lambda: M.search(None, 'BODY', 'needle'))
out['subject'] = attempt(lambda: M.search(None, '(OR SUBJECT "note 2" SUBJECT "note 4")'))
out['since'] = attempt(lambda: M.search('UTF-8', 'SINCE 3-Jan-2023 NOT UID 5'))
out['uid_search'] = attempt(lambda: M.uid('SEARCH', 'UNSEEN', 'LARGER', '10'))
out['badcharset'] = attempt(lambda: M.search('KOI8-R', 'ALL'))
out['store'] = attempt(lambda: M.store('2,4', '+FLAGS', '(\\\\Deleted)'))
out['silent'] = attempt(lambda: M.store('1', '+FLAGS.SILENT', '\\\\Answered'))
out['deleted'] = attempt(lambda: M.search(None, 'DELETED'))
out['expunge'] = attempt(lambda: M.expunge())
out['after'] = attempt(lambda: M.fetch('1:*', '(UID)'))
out['copy'] = attempt(lambda: M.copy('1:2', 'Archive'))
out['copy_missing'] = attempt(lambda: M.copy('1', 'Nowhere'))
typ, data = M._simple_command('MOVE', '2', 'Archive')
out['move'] = [typ, d(data), d(M.untagged_responses.pop('OK', None)), d(M.untagged_responses.pop('EXPUNGE', None))]
out['after_move'] = attempt(lambda: M.fetch('1:*', '(UID FLAGS)'))
out['uid_move'] = attempt(lambda: M.uid('MOVE', '1', 'Archive'))
out['archive'] = attempt(lambda: M.status('Archive', '(MESSAGES UIDNEXT)'))
out['close'] = attempt(lambda: M.close())
out['logout'] = attempt(lambda: M.logout())
`,
    {PORT: String(port)},
  )
  assert.deepEqual(out.all[1], ['1 2 3 4 5'])
  assert.deepEqual(out.text[1], ['3'])
  assert.deepEqual(out.subject[1], ['2 4'])
  assert.deepEqual(out.since[1], ['3 4'])
  assert.deepEqual(out.uid_search[1], ['1 2 3 4 5'])
  refused(out.badcharset, /^\[BADCHARSET \(UTF-8 US-ASCII\)\]/)
  assert.deepEqual(out.store[1], ['2 (FLAGS (\\Deleted \\Recent))', '4 (FLAGS (\\Deleted \\Recent))'])
  assert.deepEqual(out.silent[1], [null])
  assert.deepEqual(out.deleted[1], ['2 4'])
  // Highest first: each number is valid when it is received.
  assert.deepEqual(out.expunge[1], ['4', '2'])
  assert.deepEqual(out.after[1], ['1 (UID 1)', '2 (UID 3)', '3 (UID 5)'])
  assert.match(out.copy[1][0], /^\[COPYUID \d+ 1,3 1:2\] COPY completed$/)
  refused(out.copy_missing, /^\[TRYCREATE\]/)
  assert.equal(out.move[0], 'OK')
  assert.match(out.move[2][0], /^\[COPYUID \d+ 3 3\] Moved$/)
  assert.deepEqual(out.move[3], ['2'])
  assert.deepEqual(out.after_move[1], ['1 (UID 1 FLAGS (\\Answered \\Recent))', '2 (UID 5 FLAGS (\\Recent))'])
  assert.equal(out.uid_move[0], 'OK')
  assert.deepEqual(out.archive[1], ['"Archive" (MESSAGES 4 UIDNEXT 5)'])
  assert.equal(out.close[0], 'OK')
  assert.deepEqual(
    store.listMessages('ann', 'INBOX').map((m) => m.uid),
    [5],
  )
})

test('IDLE pushes EXISTS on delivery; another session’s expunge and flags are reported on NOOP', async (t) => {
  const store = freshStore(t)
  const {port} = await imapServer(t, store)
  for (let i = 1; i <= 3; i++) store.deliver('ann', message(`m${i}`, 'x'))
  const out = await python(
    `
M = imaplib.IMAP4('127.0.0.1', port)
M.login('ann', 'ann pw')
M.select('INBOX')
tag = M._new_tag()
M.send(tag + b' IDLE\\r\\n')
out['cont'] = d(M.readline())
print('IDLING', flush=True)
out['pushed'] = d(M.readline())
out['recent'] = d(M.readline())
M.send(b'DONE\\r\\n')
out['done'] = d(M.readline())
print('READY', flush=True)
sys.stdin.readline()
out['noop'] = attempt(lambda: M.noop())
out['noop_untagged'] = {k: d(v) for k, v in M.untagged_responses.items()}
M.untagged_responses.clear()
out['fetch'] = attempt(lambda: M.fetch('1:*', '(UID FLAGS)'))
M.logout()
`,
    {PORT: String(port)},
    (line, reply) => {
      if (line === 'IDLING') store.deliver('ann', message('new', 'arrived'))
      if (line === 'READY') {
        // Another client expunges message 2 and flags message 1.
        store.setFlags('ann', 'INBOX', [2], ['\\Deleted'], 'add')
        store.expunge('ann', 'INBOX')
        store.setFlags('ann', 'INBOX', [1], ['\\Flagged'], 'add')
        reply('\n')
      }
    },
  )
  assert.equal(out.cont, '+ idling\r\n')
  assert.equal(out.pushed, '* 4 EXISTS\r\n')
  // RECENT counts every message with \Recent for this session: the three seen at SELECT and the new one.
  assert.equal(out.recent, '* 4 RECENT\r\n')
  assert.match(out.done, /IDLE terminated/)
  assert.deepEqual(out.noop_untagged.EXPUNGE, ['2'])
  assert.ok(out.noop_untagged.FETCH.includes('1 (FLAGS (\\Flagged \\Recent))'), JSON.stringify(out.noop_untagged))
  assert.deepEqual(out.fetch[1], ['1 (UID 1 FLAGS (\\Flagged \\Recent))', '2 (UID 3 FLAGS (\\Recent))', '3 (UID 4 FLAGS (\\Recent))'])
})

test('bad input gets BAD or NO and the session keeps working; a too-long line closes it', async (t) => {
  const store = freshStore(t)
  const {port} = await imapServer(t, store)
  const c = await RawClient.open(port)
  t.after(() => c.end())
  c.send('\x00\xff\xfe garbage\r\n')
  assert.match(await c.until(/\r\n$/), /^\* BAD Invalid tag\r\n$/)
  c.send('a0 FROBNICATE\r\n')
  assert.match(await c.until(/^a0 /m), /^a0 BAD Unknown command FROBNICATE/m)
  c.send('a1 LOGIN "unterminated\r\n')
  assert.match(await c.until(/^a1 /m), /^a1 BAD Unterminated quoted string/m)
  c.send('a2 SELECT INBOX\r\n')
  assert.match(await c.until(/^a2 /m), /^a2 BAD SELECT is not valid in the not-authenticated state/m)
  c.send('a3 LOGIN ann "ann pw" extra\r\n')
  assert.match(await c.until(/^a3 /m), /^a3 BAD Unexpected extra arguments/m)
  c.send('a4 LOGIN ann "ann pw"\r\n')
  assert.match(await c.until(/^a4 /m), /^a4 OK \[CAPABILITY IMAP4rev1 [^\]]*\] Logged in/m)
  c.send('a5 FETCH 1 FLAGS\r\n')
  assert.match(await c.until(/^a5 /m), /^a5 BAD FETCH is not valid in the authenticated state/m)
  c.send('a6 SELECT INBOX\r\n')
  await c.until(/^a6 OK/m)
  c.send('a7 FETCH 1:x (FLAGS)\r\n')
  assert.match(await c.until(/^a7 /m), /^a7 BAD/m)
  c.send('a8 FETCH 1 (BODY[HEADER.FIELDS ()])\r\n')
  assert.match(await c.until(/^a8 /m), /^a8 BAD/m)
  c.send('a9 SEARCH OR ALL\r\n')
  assert.match(await c.until(/^a9 /m), /^a9 BAD/m)
  c.send('b1 STORE 1 FLAGS (\\Bogus)\r\n')
  assert.match(await c.until(/^b1 /m), /^b1 BAD Unknown system flag/m)
  // A synchronising literal over the limit is refused before it is sent.
  c.send(`b2 APPEND INBOX {${settings.maxMessageSize + 1}}\r\n`)
  assert.match(await c.until(/^b2 /m), /^b2 NO \[TOOBIG\]/m)
  c.send('b3 NOOP\r\n')
  assert.match(await c.until(/^b3 /m), /^b3 OK/m)
  c.send(`b4 NOOP ${'x'.repeat(settings.maxLineLength)}\r\n`)
  assert.match(await c.until(/line too long/), /^\* BAD line too long\r\n$/)
  await c.waitClosed()
})

test('literals: synchronising with continuation, LITERAL+ pipelined, oversized LITERAL+ closes', async (t) => {
  const store = freshStore(t)
  const {port} = await imapServer(t, store)
  const c = await RawClient.open(port)
  t.after(() => c.end())
  c.send('s1 LOGIN {3}\r\n')
  assert.equal(await c.until(/\r\n$/), '+ Ready for literal data\r\n')
  c.send('ann {6+}\r\nann pw\r\n')
  assert.match(await c.until(/^s1 /m), /^s1 OK/m)
  // Pipelined in one write: APPEND with LITERAL+, SELECT, FETCH; answered in order.
  const body = 'Subject: piped\r\n\r\nhello\r\n'
  c.send(`p1 APPEND INBOX (\\Seen) "05-Nov-2023 10:00:00 +0100" {${body.length}+}\r\n${body}\r\np2 SELECT INBOX\r\np3 FETCH 1 (FLAGS INTERNALDATE BODY[TEXT])\r\np4 NOOP\r\n`)
  const text = await c.until(/^p4 OK.*\r\n/m)
  const order = [...text.matchAll(/^(p\d) /gm)].map((m) => m[1])
  assert.deepEqual(order, ['p1', 'p2', 'p3', 'p4'])
  assert.match(text, /^\* 1 FETCH \(FLAGS \(\\Seen \\Recent\) INTERNALDATE "05-Nov-2023 09:00:00 \+0000" BODY\[TEXT\] \{7\}\r\nhello\r\n\)\r\n/m)
  c.send(`p5 APPEND INBOX {${settings.maxMessageSize + 1}+}\r\n`)
  assert.match(await c.until(/^p5 /m), /^p5 BAD \[TOOBIG\]/m)
  await c.waitClosed()
})

test('AUTHENTICATE PLAIN with SASL-IR and continuation, LOGIN mechanism, cancel, bad base64', async (t) => {
  const store = freshStore(t)
  const {port} = await imapServer(t, store)
  const c = await RawClient.open(port)
  t.after(() => c.end())
  const b64 = (s: string): string => Buffer.from(s).toString('base64')
  c.send('x1 AUTHENTICATE PLAIN\r\n')
  assert.equal(await c.until(/\r\n$/), '+ \r\n')
  c.send('*\r\n')
  assert.match(await c.until(/^x1 /m), /^x1 BAD Authentication cancelled/m)
  c.send('x2 AUTHENTICATE PLAIN !!!\r\n')
  assert.match(await c.until(/^x2 /m), /^x2 BAD Invalid base64/m)
  c.send(`x3 AUTHENTICATE PLAIN ${b64('\0ann\0wrong')}\r\n`)
  assert.match(await c.until(/^x3 /m), /^x3 NO \[AUTHENTICATIONFAILED\] Authentication failed\./m)
  c.send('x4 AUTHENTICATE CRAM-MD5\r\n')
  assert.match(await c.until(/^x4 /m), /^x4 NO Unsupported authentication mechanism/m)
  c.send('x5 AUTHENTICATE LOGIN\r\n')
  assert.equal(await c.until(/\r\n$/), `+ ${b64('Username:')}\r\n`)
  c.send(`${b64('bob')}\r\n`)
  assert.equal(await c.until(/\r\n$/), `+ ${b64('Password:')}\r\n`)
  c.send(`${b64('bob "secret"')}\r\n`)
  assert.match(await c.until(/^x5 /m), /^x5 OK \[CAPABILITY [^\]]*\] Logged in/m)
  c.send('x6 LOGIN ann "ann pw"\r\n')
  assert.match(await c.until(/^x6 /m), /^x6 BAD LOGIN is not valid in the authenticated state/m)
  // Log lines never carry the password.
  const d = await RawClient.open(port)
  t.after(() => d.end())
  d.send(`y1 AUTHENTICATE PLAIN ${b64('\0ann\0ann pw')}\r\n`)
  assert.match(await d.until(/^y1 /m), /^y1 OK/m)
  d.send('y2 ID ("name" "test")\r\ny3 NAMESPACE\r\ny4 ENABLE CONDSTORE UTF8=ACCEPT\r\ny5 CAPABILITY\r\n')
  const info = await d.until(/^y5 .*\r\n/m)
  assert.match(info, /^\* ID \("name" "msgctl" "vendor" "msgctl"\)\r\n/m)
  assert.match(info, /^\* NAMESPACE \(\("" "\/"\)\) NIL NIL\r\n/m)
  assert.match(info, /^\* ENABLED\r\ny4 OK/m)
  assert.match(info, /^\* CAPABILITY IMAP4rev1 LITERAL\+ SASL-IR ID ENABLE IDLE NAMESPACE UIDPLUS UNSELECT MOVE CHILDREN\r\n/m)
})

test('plaintextmincipher: -1 disables passwords; >0 needs TLS; STARTTLS then login (imaplib)', async (t) => {
  const store = freshStore(t)
  const never = await imapServer(t, store, {plaintextMinCipher: -1})
  const c = await RawClient.open(never.port)
  t.after(() => c.end())
  c.send('n1 CAPABILITY\r\nn2 LOGIN ann "ann pw"\r\n')
  const text = await c.until(/^n2 .*\r\n/m)
  assert.match(text, /^\* CAPABILITY .* LOGINDISABLED\r\n/m)
  assert.doesNotMatch(text, /AUTH=PLAIN/)
  assert.match(text, /^n2 NO \[CANNOT\]/m)

  const tls = makeTestTls()
  t.after(() => tls.cleanup())
  const strong = await imapServer(t, store, {plaintextMinCipher: 128}, tls.settings)
  const out = await python(
    `
M = imaplib.IMAP4('127.0.0.1', port)
out['before'] = list(M.capabilities)
out['clear_login'] = attempt(lambda: M.login('ann', 'ann pw'))
ctx = ssl.create_default_context(cafile=os.environ['CA'])
ctx.check_hostname = False
out['starttls'] = attempt(lambda: M.starttls(ssl_context=ctx))
out['after'] = list(M.capabilities)
out['login'] = attempt(lambda: M.login('ann', 'ann pw'))
out['select'] = attempt(lambda: M.select('INBOX'))
M.logout()
`,
    {PORT: String(strong.port), CA: tls.certFile},
  )
  assert.ok(out.before.includes('STARTTLS') && out.before.includes('LOGINDISABLED') && !out.before.includes('AUTH=PLAIN'), JSON.stringify(out.before))
  assert.match(out.clear_login, /PRIVACYREQUIRED/)
  assert.equal(out.starttls[0], 'OK')
  assert.ok(!out.after.includes('STARTTLS') && !out.after.includes('LOGINDISABLED') && out.after.includes('AUTH=PLAIN'), JSON.stringify(out.after))
  assert.equal(out.login[0], 'OK')
  assert.deepEqual(out.select, ['OK', ['0']])
})

const EVERY_MECHANISM = ['SCRAM-SHA-256', 'SCRAM-SHA-1', 'DIGEST-MD5', 'CRAM-MD5', 'PLAIN', 'LOGIN', 'EXTERNAL']

/** The decoded data of a "+ " continuation, read from a raw client. */
async function continuationData(c: RawClient): Promise<Buffer> {
  const text = await c.until(/\r\n$/)
  const m = /^\+ (\S*)\r\n$/.exec(text)
  assert.ok(m, `continuation expected, got ${JSON.stringify(text)}`)
  return Buffer.from(m[1]!, 'base64')
}

test('AUTHENTICATE CRAM-MD5 (imaplib), SCRAM-SHA-256 and DIGEST-MD5 (raw); [UNAVAILABLE] when the directory cannot answer', async (t) => {
  const store = freshStore(t)
  const {port} = await imapServer(t, store, {saslMechanisms: EVERY_MECHANISM}, null, {directory: testDirectory({ann: 'ann pw', bob: 'bob "secret"'}, {cleartext: true})})
  const out = await python(
    `
M = imaplib.IMAP4('127.0.0.1', port)
out['caps'] = list(M.capabilities)
out['cram'] = attempt(lambda: M.login_cram_md5('bob', 'bob "secret"'))
M.logout()
`,
    {PORT: String(port)},
  )
  const auth = out.caps.filter((c: string) => c.startsWith('AUTH='))
  assert.deepEqual(auth, ['AUTH=SCRAM-SHA-256', 'AUTH=SCRAM-SHA-1', 'AUTH=DIGEST-MD5', 'AUTH=CRAM-MD5', 'AUTH=PLAIN', 'AUTH=LOGIN'], 'no EXTERNAL without a client certificate')
  assert.ok(out.caps.includes('SASL-IR') && !out.caps.includes('LOGINDISABLED'))
  assert.equal(out.cram[0], 'OK')

  const c = await RawClient.open(port)
  t.after(() => c.end())
  const scram = new ScramClient('sha256', 'ann', 'ann pw')
  c.send(`s1 AUTHENTICATE SCRAM-SHA-256 ${scram.clientFirst().toString('base64')}\r\n`)
  c.send(`${scram.clientFinal(await continuationData(c)).toString('base64')}\r\n`)
  assert.equal((await continuationData(c)).toString(), scram.expectedServerFinal())
  c.send('\r\n')
  assert.match(await c.until(/^s1 .*\r\n/m), /^s1 OK \[CAPABILITY [^\]]*\] Logged in/m)

  const d = await RawClient.open(port)
  t.after(() => d.end())
  d.send('d1 AUTHENTICATE DIGEST-MD5\r\n')
  const {response} = digestMd5Response('ann', 'wrong', await continuationData(d), 'imap')
  d.send(`${response.toString('base64')}\r\n`)
  assert.match(await d.until(/^d1 .*\r\n/m), /^d1 NO \[AUTHENTICATIONFAILED\]/m)
  d.send('d2 AUTHENTICATE DIGEST-MD5\r\n')
  const right = digestMd5Response('ann', 'ann pw', await continuationData(d), 'imap')
  d.send(`${right.response.toString('base64')}\r\n`)
  assert.equal((await continuationData(d)).toString(), right.rspauth)
  d.send('\r\n')
  assert.match(await d.until(/^d2 .*\r\n/m), /^d2 OK /m)

  const down = unavailableDirectory()
  const broken = await imapServer(t, store, {}, null, {directory: down})
  const b = await RawClient.open(broken.port)
  t.after(() => b.end())
  b.send(`u1 AUTHENTICATE PLAIN ${Buffer.from('\0ann\0ann pw').toString('base64')}\r\n`)
  assert.match(await b.until(/^u1 .*\r\n/m), /^u1 NO \[UNAVAILABLE\] /m)
})

test('AUTHENTICATE EXTERNAL: AUTH=EXTERNAL and success only with a certificate the transport reports', async (t) => {
  const store = freshStore(t)
  const tls = makeTestTls()
  t.after(() => tls.cleanup())
  const der = Buffer.from('3003020101', 'hex')
  const mapped = testDirectory({ann: 'ann pw'}, {mapCertificate: (cert) => (cert.equals(der) ? 'ann' : null)})
  const withCert = await imapServer(t, store, {saslMechanisms: ['PLAIN', 'EXTERNAL'], plaintextMinCipher: 128}, tls.settings, {directory: mapped, transport: (s) => withPeerCertificate(s, der)})
  const withoutCert = await imapServer(t, store, {saslMechanisms: ['PLAIN', 'EXTERNAL'], plaintextMinCipher: 128}, tls.settings, {directory: mapped})
  const out = await python(
    `
ctx = ssl.create_default_context(cafile=os.environ['CA'])
ctx.check_hostname = False
for name in ('WITH', 'WITHOUT'):
    M = imaplib.IMAP4('127.0.0.1', int(os.environ[name]))
    o = out[name] = {'clear': list(M.capabilities)}
    o['clear_external'] = attempt(lambda: M._simple_command('AUTHENTICATE', 'EXTERNAL', '='))
    M.starttls(ssl_context=ctx)
    o['tls'] = list(M.capabilities)
    o['other'] = attempt(lambda: M._simple_command('AUTHENTICATE', 'EXTERNAL', base64.b64encode(b'bob').decode()))
    o['external'] = attempt(lambda: M._simple_command('AUTHENTICATE', 'EXTERNAL', '='))
    M.logout()
M = imaplib.IMAP4('127.0.0.1', int(os.environ['WITH']))
M.starttls(ssl_context=ctx)
out['continuation'] = attempt(lambda: M.authenticate('EXTERNAL', lambda challenge: b''))
out['select'] = attempt(lambda: M.select('INBOX'))
M.logout()
`,
    {PORT: '0', WITH: String(withCert.port), WITHOUT: String(withoutCert.port), CA: tls.certFile},
  )
  for (const k of ['WITH', 'WITHOUT']) {
    assert.ok(!out[k].clear.some((c: string) => c.startsWith('AUTH=')) && out[k].clear.includes('LOGINDISABLED'), `${k} in clear: ${out[k].clear}`)
    refused(out[k].clear_external, /^EXTERNAL needs a verified TLS client certificate$/)
  }
  assert.deepEqual(out.WITH.tls.filter((c: string) => c.startsWith('AUTH=')), ['AUTH=PLAIN', 'AUTH=EXTERNAL'])
  refused(out.WITH.other, /^\[AUTHORIZATIONFAILED\] /)
  assert.equal(out.WITH.external[0], 'OK')
  assert.deepEqual(out.WITHOUT.tls.filter((c: string) => c.startsWith('AUTH=')), ['AUTH=PLAIN'])
  refused(out.WITHOUT.external, /^EXTERNAL needs a verified TLS client certificate$/)
  assert.equal(out.continuation[0], 'OK')
  assert.equal(out.select[0], 'OK')
  assert.ok(withCert.log.some((l) => /imap: AUTHENTICATE EXTERNAL as ann$/.test(l)), withCert.log.join('\n'))
})

test('STARTTLS discards commands pipelined after it in clear', async (t) => {
  const store = freshStore(t)
  const tls = makeTestTls()
  t.after(() => tls.cleanup())
  const server = await imapServer(t, store, {}, tls.settings)
  const c = await RawClient.open(server.port)
  t.after(() => c.end())
  c.send('t1 STARTTLS\r\nt2 LOGIN ann "ann pw"\r\n')
  assert.match(await c.until(/^t1 .*\r\n/m), /^t1 OK Begin TLS/m)
  const secure = tlsConnect({socket: c.socket, ca: tls.certPem, servername: 'localhost'})
  await new Promise<void>((resolve, reject) => secure.once('secureConnect', resolve).once('error', reject))
  let received = ''
  secure.on('data', (b: Buffer) => (received += b.toString('latin1')))
  secure.write('t3 CAPABILITY\r\n')
  const deadline = Date.now() + 5000
  while (!/^t3 /m.test(received) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20))
  // The injected LOGIN was never run: no t2 answer, and still not authenticated.
  assert.doesNotMatch(received, /t2/)
  assert.match(received, /^\* CAPABILITY IMAP4rev1 .*AUTH=PLAIN AUTH=LOGIN\r\nt3 OK/m)
  assert.doesNotMatch(received, /STARTTLS/)
  secure.destroy()
})

test('EXPUNGE from another session waits during FETCH, STORE and SEARCH but not UID FETCH', async (t) => {
  const store = freshStore(t)
  const {port} = await imapServer(t, store)
  for (let i = 1; i <= 3; i++) store.deliver('ann', message(`m${i}`, 'x'))
  const c = await RawClient.open(port)
  t.after(() => c.end())
  c.send('e1 LOGIN ann "ann pw"\r\ne2 SELECT INBOX\r\n')
  await c.until(/^e2 OK/m)
  store.setFlags('ann', 'INBOX', [1], ['\\Deleted'], 'add')
  store.expunge('ann', 'INBOX')
  c.send('e3 FETCH 1:* (UID)\r\n')
  const during = await c.until(/^e3 .*\r\n/m)
  assert.doesNotMatch(during, /EXPUNGE/)
  // Sequence numbers are still the old ones: 1 is gone from the store and skipped.
  assert.match(during, /^\* 2 FETCH \(UID 2\)\r\n\* 3 FETCH \(UID 3\)\r\ne3 OK/m)
  c.send('e4 SEARCH ALL\r\n')
  assert.match(await c.until(/^e4 .*\r\n/m), /^\* SEARCH 2 3\r\ne4 OK/m)
  c.send('e5 UID FETCH 2 (FLAGS)\r\n')
  const uidFetch = await c.until(/^e5 .*\r\n/m)
  assert.match(uidFetch, /^\* 2 FETCH \(UID 2 FLAGS \(\\Recent\)\)\r\n\* 1 EXPUNGE\r\ne5 OK/m)
  c.send('e6 FETCH 1 (UID)\r\n')
  assert.match(await c.until(/^e6 .*\r\n/m), /^\* 1 FETCH \(UID 2\)\r\ne6 OK/m)
})

test('idle timeout says BYE; shutdown says BYE after the command; LOGOUT closes', async (t) => {
  const store = freshStore(t)
  const quick = await imapServer(t, store, {idleTimeoutMs: 300})
  const c = await RawClient.open(quick.port)
  t.after(() => c.end())
  assert.match(await c.until(/BYE/, 3000), /^\* BYE Autologout; idle for too long\r\n$/)
  await c.waitClosed()

  const server = await imapServer(t, store)
  const d = await RawClient.open(server.port)
  t.after(() => d.end())
  d.send('i1 LOGIN ann "ann pw"\r\ni2 SELECT INBOX\r\ni3 IDLE\r\n')
  await d.until(/^\+ idling\r\n/m)
  server.sessions[0]!.shutdown()
  assert.match(await d.until(/BYE.*\r\n/), /^i3 OK IDLE terminated\r\n\* BYE Server shutting down\r\n$/)
  await d.waitClosed()

  const e = await RawClient.open(server.port)
  t.after(() => e.end())
  e.send('l1 LOGOUT\r\n')
  assert.match(await e.until(/^l1 .*\r\n/m), /^\* BYE Logging out\r\nl1 OK LOGOUT completed\r\n$/)
  await e.waitClosed()
})

test('multipart FETCH by part path; EXAMINE is read-only; UID STORE/COPY/EXPUNGE, UNSELECT, CHECK, LSUB', async (t) => {
  const store = freshStore(t)
  const {port} = await imapServer(t, store)
  const mixed = Buffer.from(
    [
      'From: a@example.test',
      'Subject: parts',
      'Content-Type: multipart/mixed; boundary="b1"',
      '',
      '--b1',
      'Content-Type: text/plain; charset=utf-8',
      '',
      'first part',
      '--b1',
      'Content-Type: message/rfc822',
      '',
      'Subject: inner',
      'From: In <in@example.test>',
      '',
      'inner text',
      '--b1--',
      '',
    ].join('\r\n'),
  )
  store.deliver('ann', mixed)
  store.deliver('ann', message('second', 'x'))
  store.createMailbox('ann', 'Lists/Dev')
  store.setSubscribed('ann', 'Lists/Dev', true)
  const c = await RawClient.open(port)
  t.after(() => c.end())
  c.send('f1 LOGIN ann "ann pw"\r\nf2 EXAMINE INBOX\r\n')
  assert.match(await c.until(/^f2 .*\r\n/m), /^\* 2 EXISTS\r\n[\s\S]*^f2 OK \[READ-ONLY\]/m)
  c.send('f3 FETCH 1 (BODYSTRUCTURE BODY[1] BODY[1.MIME] BODY[2.HEADER] BODY[2.1] BODY[3])\r\n')
  const parts = await c.until(/^f3 .*\r\n/m)
  assert.ok(
    parts.includes(
      'BODYSTRUCTURE (("TEXT" "PLAIN" ("charset" "utf-8") NIL NIL "7BIT" 10 1 NIL NIL NIL NIL)("MESSAGE" "RFC822" NIL NIL NIL "7BIT" 56 (NIL "inner" (("In" NIL "in" "example.test")) (("In" NIL "in" "example.test")) (("In" NIL "in" "example.test")) NIL NIL NIL NIL NIL) ("TEXT" "PLAIN" ("CHARSET" "US-ASCII") NIL NIL "7BIT" 10 1 NIL NIL NIL NIL) 4 NIL NIL NIL NIL) "MIXED" ("boundary" "b1") NIL NIL NIL)',
    ),
    parts,
  )
  assert.ok(parts.includes('BODY[1] {10}\r\nfirst part'), parts)
  assert.ok(parts.includes('BODY[1.MIME] {43}\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n'), parts)
  assert.ok(parts.includes('BODY[2.HEADER] {46}\r\nSubject: inner\r\nFrom: In <in@example.test>\r\n\r\n'), parts)
  assert.ok(parts.includes('BODY[2.1] {10}\r\ninner text'), parts)
  assert.ok(parts.includes('BODY[3] {0}\r\n'), parts)
  // Read-only: no \Seen from BODY[], no STORE.
  assert.doesNotMatch(parts, /FLAGS/)
  c.send('f4 STORE 1 +FLAGS (\\Seen)\r\nf5 CHECK\r\nf6 UNSELECT\r\nf7 CHECK\r\n')
  const ro = await c.until(/^f7 .*\r\n/m)
  assert.match(ro, /^f4 NO \[READ-ONLY\]/m)
  assert.match(ro, /^f5 OK/m)
  assert.match(ro, /^f6 OK/m)
  assert.match(ro, /^f7 BAD/m)
  c.send('g1 SELECT inbox\r\ng2 UID STORE 2 +FLAGS.SILENT (\\Deleted)\r\ng3 UID COPY 1:* Lists/Dev\r\ng4 UID EXPUNGE 1\r\ng5 UID EXPUNGE 2\r\ng6 UID SEARCH ALL\r\n')
  const rw = await c.until(/^g6 .*\r\n/m)
  assert.match(rw, /^g1 OK \[READ-WRITE\]/m)
  assert.match(rw, /^g2 OK/m)
  assert.match(rw, /^g3 OK \[COPYUID \d+ 1:2 1:2\]/m)
  assert.match(rw, /^g4 OK/m) // UID 1 is not \Deleted: nothing removed
  assert.match(rw, /^\* 2 EXPUNGE\r\ng5 OK/m)
  assert.match(rw, /^\* SEARCH 1\r\ng6 OK/m)
  c.send('h1 LSUB "" %\r\nh2 LSUB "" *\r\nh3 LIST "" ""\r\nh4 LIST Lists/ %\r\n')
  const subs = await c.until(/^h4 .*\r\n/m)
  assert.match(subs, /^\* LSUB \(\\Noselect\) "\/" "Lists"\r\nh1 OK/m)
  assert.match(subs, /^\* LSUB \(\) "\/" "Lists\/Dev"\r\nh2 OK/m)
  assert.match(subs, /^\* LIST \(\\Noselect\) "\/" ""\r\nh3 OK/m)
  assert.match(subs, /^\* LIST \(\\HasNoChildren\) "\/" "Lists\/Dev"\r\nh4 OK/m)
})

test('random command fragments never break the session or reach an internal error', async (t) => {
  const store = freshStore(t)
  for (let i = 1; i <= 3; i++) store.deliver('ann', message(`m${i}`, 'x'))
  const server = await imapServer(t, store)
  const c = await RawClient.open(server.port)
  t.after(() => c.end())
  c.send('z0 LOGIN ann "ann pw"\r\nz1 SELECT INBOX\r\n')
  await c.until(/^z1 OK/m)
  const words = ['FETCH', 'UID', 'STORE', 'SEARCH', 'COPY', 'MOVE', 'LIST', 'STATUS', 'APPEND', '1:*', '*', '0', '4294967296', '(', ')', '[', ']', '<', '>', '"', '\\', '{0}', 'BODY[', 'BODY.PEEK[1.2.MIME]', 'HEADER.FIELDS', 'NIL', 'OR', 'NOT', '+FLAGS', '\\Seen', 'INBOX', '%', 'CHARSET', 'ENVELOPE', 'BODY[]<0.1>', '1,2:', 'é', '\x7f']
  let seed = 42
  const rand = (n: number): number => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) % n)
  let batch = ''
  for (let i = 0; i < 300; i++) {
    const parts = Array.from({length: 1 + rand(7)}, () => words[rand(words.length)])
    batch += `r${i} ${parts.join(rand(4) === 0 ? '' : ' ')}\r\n`
  }
  c.send(batch + 'zz NOOP\r\n')
  const text = await c.until(/^zz OK/m, 20_000)
  for (let i = 0; i < 300; i++) assert.match(text, new RegExp(`^r${i} (OK|NO|BAD)`, 'm'), `r${i} answered`)
  assert.deepEqual(
    server.log.filter((l) => /internal error/.test(l)),
    [],
  )
})
