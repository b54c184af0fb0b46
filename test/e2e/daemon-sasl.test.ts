import assert from 'node:assert/strict'
import {test} from 'node:test'
import {runTool, tempDir} from '../helpers/cli.js'
import {configurePorts, converse, freePorts, startDaemon} from '../helpers/daemon.js'

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
  assert.match(await imapCaps(), /AUTH=PLAIN AUTH=LOGIN AUTH=ANONYMOUS/)
  assert.match(await ehlo(), /250[ -]AUTH PLAIN LOGIN\r\n/, 'no ANONYMOUS on SMTP')
  const anon = await converse(ports.imap, '127.0.0.1', [`a1 AUTHENTICATE ANONYMOUS ${Buffer.from('tester@example.org').toString('base64')}`, 'a2 LIST "" *'], IMAP_REPLY)
  assert.match(anon[0]!, /^a1 OK /)
  assert.match(anon[1]!, /^a2 OK /m)
})
