import assert from 'node:assert/strict'
import {spawnSync} from 'node:child_process'
import {randomBytes} from 'node:crypto'
import {readFileSync, statSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {test} from 'node:test'
import {ROOT, runTool, systemTool, tempDir} from '../helpers/cli.js'
import {configurePorts, freePorts, startDaemon} from '../helpers/daemon.js'

/** A message with the bytes that trip naive servers: dot lines, 8-bit text, a long line. */
function sampleMessage(): Buffer {
  return Buffer.concat([
    Buffer.from('From: Sender <sender@client.example>\r\nTo: alice@localhost\r\nSubject: e2e check\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n'),
    Buffer.from('First line.\r\n.a line that starts with a dot\r\n..two dots\r\nGrüße aus Köln – 8-bit text\r\n'),
    Buffer.from(`${'x'.repeat(900)}\r\n`),
    Buffer.from(`random ${randomBytes(8).toString('hex')}\r\n`),
  ])
}

test('msgctl start on an empty directory serves IMAP, POP3 and SMTP over TLS to real clients', async (t) => {
  if (!systemTool(t, '/usr/bin/openssl')) return
  const dir = tempDir(t, 'msgctl-e2e-')
  const ports = await freePorts()
  configurePorts(dir, ports)

  const started = startDaemon(t, dir)
  assert.equal(started.status, 0, `${started.stdout}\n${started.stderr}`)
  assert.match(started.stdout, /created "msgctl Local CA" and "Server-Cert"/)
  assert.match(started.stdout, /msgctl started \(pid \d+\)/)

  const second = spawnSync(join(ROOT, 'bin', 'msgctl'), ['start', '-d', dir], {encoding: 'utf8', timeout: 30_000})
  assert.notEqual(second.status, 0)
  assert.match(second.stderr, /already runs .*pid \d+/)

  const password = 'alice-Pa55-word'
  const add = runTool('msgctl', ['user', 'add', 'alice', '-d', dir, '--password-stdin'], {input: `${password}\n`})
  assert.equal(add.status, 0, add.stderr)

  const ca = join(dir, 'ca.pem')
  writeFileSync(ca, runTool('certutil', ['-L', '-d', dir, '-n', 'msgctl Local CA', '-a']).stdout)
  const messageFile = join(dir, 'message.eml')
  const message = sampleMessage()
  writeFileSync(messageFile, message)

  const py = spawnSync('python3', [join(ROOT, 'test', 'e2e', 'mail_clients.py'), JSON.stringify({host: 'localhost', ca, user: 'alice', password, to: 'alice@localhost', message_file: messageFile, ports})], {encoding: 'utf8', timeout: 120_000})
  assert.equal(py.status, 0, py.stderr)
  const report = JSON.parse(py.stdout) as Record<string, {refused?: string[]; tls: boolean; count?: number; bodies?: string[]; uidl?: string[]}>
  for (const how of ['send_starttls', 'send_smtps', 'send_submission']) {
    assert.deepEqual(report[how]!.refused, [], how)
    assert.equal(report[how]!.tls, true, how)
  }
  // Three messages delivered; each reads back as sent, after the one Received line we add.
  for (const how of ['imap_ssl', 'imap_starttls', 'pop_ssl', 'pop_stls']) {
    const r = report[how]!
    assert.equal(r.tls, true, how)
    assert.equal(r.count, 3, how)
    for (const hex of r.bodies!) {
      const body = Buffer.from(hex, 'hex')
      const afterTrace = body.subarray(traceEnd(body))
      assert.ok(body.subarray(0, 9).toString() === 'Received:', `${how}: a Received line first`)
      assert.equal(afterTrace.toString('hex'), message.toString('hex'), `${how}: byte-identical after the trace line`)
    }
  }

  // curl and openssl s_client verify the same certificate chain.
  const curl = spawnSync('curl', ['-sS', '--cacert', ca, '-u', `alice:${password}`, `imaps://localhost:${ports.imaps}/INBOX;UID=1`], {timeout: 30_000})
  assert.equal(curl.status, 0, curl.stderr.toString())
  assert.ok(curl.stdout.subarray(traceEnd(curl.stdout)).equals(message), 'curl imaps reads the message back')
  const curlPop = spawnSync('curl', ['-sS', '--ssl-reqd', '--cacert', ca, '-u', `alice:${password}`, `pop3://localhost:${ports.pop}/1`], {timeout: 30_000})
  assert.equal(curlPop.status, 0, curlPop.stderr.toString())
  assert.ok(curlPop.stdout.subarray(traceEnd(curlPop.stdout)).equals(message), 'curl pop3 with STLS reads the message back')
  for (const [proto, port] of [['imap', ports.imap], ['pop3', ports.pop], ['smtp', ports.smtp]] as const) {
    const s = spawnSync('openssl', ['s_client', '-starttls', proto, '-connect', `localhost:${port}`, '-CAfile', ca, '-verify_return_error', '-verify_hostname', 'localhost'], {input: '', encoding: 'utf8', timeout: 30_000})
    assert.match(s.stdout, /Verify return code: 0 \(ok\)/, `openssl s_client -starttls ${proto}: ${s.stderr}`)
  }

  const status = runTool('msgctl', ['status', '-d', dir, '--json'])
  assert.equal(status.status, 0, status.stderr)
  const st = JSON.parse(status.stdout) as {listeners: {service: string; port: number}[]; snapshot: {generation: number}}
  assert.deepEqual(st.listeners.map((l) => l.service).sort(), ['imap', 'imaps', 'pop', 'pops', 'smtp', 'smtps', 'submission'])
  for (const f of ['msgctl.sock', 'msgctl.log', 'sslpassword.conf', 'msg.db', 'mail.db', 'queue.db']) {
    assert.equal(statSync(join(dir, f)).mode & 0o777, 0o600, `${f} is private`)
  }
  const log = readFileSync(join(dir, 'msgctl.log'), 'utf8')
  assert.match(log, /login as alice|user=alice/, 'logins are logged')
  assert.ok(!log.includes(password) && !log.includes(Buffer.from(`\0alice\0${password}`).toString('base64')), 'no password in the log')
  const stop = runTool('msgctl', ['stop', '-d', dir])
  assert.equal(stop.status, 0, stop.stderr)
  assert.equal(runTool('msgctl', ['status', '-d', dir]).status, 3)
})

/** Offset just past our Received header (one header field, possibly folded). */
function traceEnd(body: Buffer): number {
  let i = 0
  for (;;) {
    const eol = body.indexOf('\r\n', i)
    if (eol < 0) return body.length
    i = eol + 2
    if (body[i] !== 0x20 && body[i] !== 0x09) return i
  }
}
