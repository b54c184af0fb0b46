import assert from 'node:assert/strict'
import {test} from 'node:test'
import {runTool, tempDir} from '../helpers/cli.js'
import {configurePorts, converse, daemonForTest, freePorts, startDaemon} from '../helpers/daemon.js'

const SMTP_REPLY = /^(\d{3}) .*\r\n/m
const POP_REPLY = /^[+-].*\r\n/m

async function relayVerdict(port: number, from: string): Promise<string> {
  const r = await converse(port, from, ['EHLO client.example', 'MAIL FROM:<sender@elsewhere.example>', 'RCPT TO:<someone@remote.example>', 'QUIT'], SMTP_REPLY)
  return r[2]!.split('\r\n').filter(Boolean).at(-1)!
}

test('relay: refused to strangers, allowed after a POP login from the same address until the TTL ends', async (t) => {
  const dir = tempDir(t, 'msgctl-relay-')
  const ports = await freePorts()
  configurePorts(dir, ports)
  assert.equal(runTool('configutil', ['-f', dir, '-o', 'service.smtp.popbeforesmtpttl', '-v', '3']).status, 0)
  const started = startDaemon(t, dir)
  assert.equal(started.status, 0, started.stderr)
  assert.equal(runTool('msgctl', ['user', 'add', 'alice', '-d', dir, '--password-stdin'], {input: 'alice-Pa55word\n'}).status, 0)

  assert.match(await relayVerdict(ports.smtp, '127.0.0.5'), /^554 5\.7\.1 /, 'a stranger cannot relay')
  assert.match(await relayVerdict(ports.smtp, '127.0.0.1'), /^250 /, 'this host may (service.smtp.relayallowed default)')

  const pop = await converse(ports.pop, '127.0.0.5', ['USER alice', 'PASS alice-Pa55word', 'QUIT'], POP_REPLY)
  assert.match(pop[1]!, /^\+OK/, pop.join(''))
  assert.match(await relayVerdict(ports.smtp, '127.0.0.5'), /^250 /, 'after a POP login from the same address')
  assert.match(await relayVerdict(ports.smtp, '127.0.0.6'), /^554 5\.7\.1 /, 'another address still cannot')

  const failed = await converse(ports.pop, '127.0.0.7', ['USER alice', 'PASS wrong', 'QUIT'], POP_REPLY)
  assert.match(failed[1]!, /^-ERR/)
  assert.match(await relayVerdict(ports.smtp, '127.0.0.7'), /^554 5\.7\.1 /, 'a failed POP login gives nothing')

  await new Promise((r) => setTimeout(r, 3500))
  assert.match(await relayVerdict(ports.smtp, '127.0.0.5'), /^554 5\.7\.1 /, 'the right ends with the TTL')
})

test('SMTP access filters apply to authentication only, as in the seed: a denied address still delivers locally but cannot AUTH', async (t) => {
  const {dir, ports} = await daemonForTest(t, 'msgctl-smtpfilter-', ['service.smtp.domainnotallowed = smtp: 127.0.0.7', 'service.smtp.plaintextmincipher = 0'])
  assert.equal(runTool('msgctl', ['user', 'add', 'alice', '-d', dir, '--password-stdin'], {input: 'alice-Pa55word\n'}).status, 0)
  const plain = `AUTH PLAIN ${Buffer.from('\0alice\0alice-Pa55word').toString('base64')}`
  const denied = await converse(ports.smtp, '127.0.0.7', ['EHLO client.example', 'MAIL FROM:<x@elsewhere.example>', 'RCPT TO:<alice@localhost>', 'RSET', plain, 'QUIT'], SMTP_REPLY)
  assert.match(denied[2]!, /^250 /m, 'local delivery is not filtered')
  assert.match(denied[4]!, /^535 5\.7\.1 /m)
  const allowed = await converse(ports.smtp, '127.0.0.8', ['EHLO client.example', plain, 'QUIT'], SMTP_REPLY)
  assert.match(allowed[1]!, /^235 /m)
})
