import assert from 'node:assert/strict'
import Database from 'better-sqlite3'
import {readFileSync} from 'node:fs'
import {connect} from 'node:net'
import {join} from 'node:path'
import {test} from 'node:test'
import {runTool, tempDir} from '../helpers/cli.js'
import {configurePorts, converse, daemonForTest, freePorts, startDaemon} from '../helpers/daemon.js'
import {everyMechanism} from '../helpers/python_clients.js'
import {ScramClient} from '../helpers/sasl_clients.js'

const IMAP_REPLY = /^(\* OK|[a-z]\d* (OK|NO|BAD)).*\r\n/m
const SMTP_REPLY = /^\d{3} .*\r\n/m

test('sasl.default.mech_list and allowanonymouslogin decide what is offered, on all three services', async (t) => {
  const dir = tempDir(t, 'msgctl-sasl-')
  const ports = await freePorts()
  configurePorts(dir, ports)
  const set = (name: string, value: string) => assert.equal(runTool('configutil', ['-f', dir, '-o', name, '-v', value]).status, 0)
  set('sasl.default.mech_list', 'PLAIN')
  const started = startDaemon(t, dir)
  assert.equal(started.status, 0, started.stderr)
  assert.equal(runTool('msgctl', ['user', 'add', 'dora', '-d', dir, '--password-stdin'], {input: 'dora-Pa55word\n'}).status, 0)

  const imapCaps = async () => (await converse(ports.imap, '127.0.0.1', ['a1 CAPABILITY'], IMAP_REPLY))[0]!
  const ehlo = async () => (await converse(ports.smtp, '127.0.0.1', ['EHLO client.example'], SMTP_REPLY))[0]!
  const capa = async () => (await converse(ports.pop, '127.0.0.1', ['CAPA'], /^(\+OK localhost POP3[^\r\n]*|\.)\r\n/m))[0]!

  assert.match(await imapCaps(), /AUTH=PLAIN/)
  assert.doesNotMatch(await imapCaps(), /AUTH=LOGIN/)
  assert.match(await ehlo(), /250[ -]AUTH PLAIN\r\n/)
  assert.match(await capa(), /^SASL PLAIN\r\n/m)
  const login = await converse(ports.imap, '127.0.0.1', [`a1 AUTHENTICATE LOGIN`], IMAP_REPLY)
  assert.match(login[0]!, /^a1 NO /, 'a mechanism outside mech_list is refused')
  const plain = await converse(ports.imap, '127.0.0.1', [`a1 AUTHENTICATE PLAIN ${Buffer.from('\0dora\0dora-Pa55word').toString('base64')}`], IMAP_REPLY)
  assert.match(plain[0]!, /^a1 OK /)

  // Back to the defaults, plus ANONYMOUS for IMAP (the seed's allowanonymouslogin).
  assert.equal(runTool('configutil', ['-f', dir, '-o', 'sasl.default.mech_list', '-d']).status, 0)
  set('service.imap.allowanonymouslogin', 'yes')
  assert.equal(runTool('msgctl', ['reload', '-d', dir]).status, 0)
  assert.match(await imapCaps(), /AUTH=SCRAM-SHA-256 AUTH=SCRAM-SHA-1 AUTH=PLAIN AUTH=LOGIN AUTH=ANONYMOUS/)
  assert.match(await ehlo(), /250[ -]AUTH SCRAM-SHA-256 SCRAM-SHA-1 PLAIN LOGIN\r\n/, 'no ANONYMOUS on SMTP')
  const anon = await converse(ports.imap, '127.0.0.1', [`a1 AUTHENTICATE ANONYMOUS ${Buffer.from('tester@example.org').toString('base64')}`, 'a2 LIST "" *'], IMAP_REPLY)
  assert.match(anon[0]!, /^a1 OK /)
  assert.match(anon[1]!, /^a2 OK /m)
})

test('embedded directory: SCRAM-SHA-256 with the keys user add stores; auto_transition gives keys to a user who has none', async (t) => {
  const {dir, ports} = await daemonForTest(t, 'msgctl-scram-')
  assert.equal(runTool('msgctl', ['user', 'add', 'sami', '-d', dir, '--password-stdin'], {input: 'sami-Pa55word\n'}).status, 0)
  assert.match(await scramLogin(ports.imap, 'sami', 'sami-Pa55word'), /^a1 OK /)
  assert.match(await scramLogin(ports.imap, 'sami', 'sami-wrong'), /^a1 NO /)

  // A user from before SCRAM keys were stored: SCRAM fails until a clear-text login with auto_transition on.
  const db = new Database(join(dir, 'msg.db'))
  t.after(() => db.close())
  db.prepare(`UPDATE mail_user SET scram = NULL WHERE name = 'sami'`).run()
  assert.match(await scramLogin(ports.imap, 'sami', 'sami-Pa55word'), /^a1 NO /)
  assert.equal(runTool('configutil', ['-f', dir, '-o', 'sasl.default.auto_transition', '-v', 'yes']).status, 0)
  assert.equal(runTool('msgctl', ['reload', '-d', dir]).status, 0)
  const login = await converse(ports.imap, '127.0.0.1', ['a1 LOGIN sami sami-Pa55word'], IMAP_REPLY)
  assert.match(login[0]!, /^a1 OK /)
  assert.notEqual((db.prepare(`SELECT scram FROM mail_user WHERE name = 'sami'`).get() as {scram: string | null}).scram, null)
  assert.match(await scramLogin(ports.imap, 'sami', 'sami-Pa55word'), /^a1 OK /)
  assert.match(readFileSync(join(dir, 'msgctl.log'), 'utf8'), /auto_transition stored SCRAM keys for sami/)
})

/** IMAP AUTHENTICATE SCRAM-SHA-256 over a raw socket, checking the server's signature; returns the tagged answer. */
function scramLogin(port: number, user: string, password: string): Promise<string> {
  const client = new ScramClient('sha256', user, password)
  return new Promise((resolve, reject) => {
    const s = connect(port, '127.0.0.1')
    let text = ''
    let step = 0
    s.setTimeout(20_000, () => reject(new Error(`SCRAM stalled: ${text}`)))
    s.on('data', (d) => {
      text += d.toString('latin1')
      const continuation = /^\+ ?(\S*)\r\n/m.exec(text)
      const tagged = /^a1 .*$/m.exec(text)
      if (step === 0 && /^\* OK.*\r\n/.test(text)) {
        step = 1
        text = ''
        s.write(`a1 AUTHENTICATE SCRAM-SHA-256 ${client.clientFirst().toString('base64')}\r\n`)
      } else if (tagged) {
        s.destroy()
        resolve(tagged[0])
      } else if (step === 1 && continuation) {
        step = 2
        text = ''
        s.write(`${client.clientFinal(Buffer.from(continuation[1]!, 'base64')).toString('base64')}\r\n`)
      } else if (step === 2 && continuation) {
        step = 3
        text = ''
        if (Buffer.from(continuation[1]!, 'base64').toString() !== client.expectedServerFinal()) reject(new Error('wrong server signature'))
        s.write('\r\n')
      }
    })
    s.on('error', reject)
  })
}

test('embedded directory, by Python clients: PLAIN, LOGIN, SCRAM-SHA-1/256, IMAP LOGIN and USER/PASS work on every protocol; CRAM-MD5, DIGEST-MD5 and APOP need clear-text passwords', async (t) => {
  const {dir, ports} = await daemonForTest(t, 'msgctl-mechs-')
  assert.equal(runTool('msgctl', ['user', 'add', 'mia', '-d', dir, '--password-stdin'], {input: 'mia-Pa55word\n'}).status, 0)
  const r = everyMechanism(ports, 'mia', 'mia-Pa55word')
  const expected = ['SCRAM-SHA-256', 'SCRAM-SHA-1', 'PLAIN', 'LOGIN'].sort()
  assert.deepEqual(r.offered, {imap: expected, smtp: expected, pop: expected})
  for (const [what, outcome] of Object.entries(r.results)) {
    if (/CRAM-MD5|DIGEST-MD5|APOP/.test(what)) assert.match(outcome, /^NO /, what)
    else assert.equal(outcome, 'OK', what)
  }
  // Few wrong tries: each one slows the next (the throttle), which is tested on its own.
  const wrong = everyMechanism(ports, 'mia', 'not-her-password', ['imap SCRAM-SHA-256', 'smtp PLAIN', 'pop USER/PASS'])
  assert.equal(Object.keys(wrong.results).length, 3)
  for (const [what, outcome] of Object.entries(wrong.results)) assert.match(outcome, /^NO /, what)
})
