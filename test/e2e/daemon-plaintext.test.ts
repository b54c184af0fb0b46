import assert from 'node:assert/strict'
import {spawnSync} from 'node:child_process'
import {writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {test} from 'node:test'
import {ROOT, runTool, tempDir} from '../helpers/cli.js'
import {configurePorts, freePorts, startDaemon} from '../helpers/daemon.js'

test('plaintextmincipher 1: passwords refused and not advertised before STARTTLS, accepted after', async (t) => {
  const dir = tempDir(t, 'msgctl-plain-')
  const ports = await freePorts()
  configurePorts(dir, ports)
  const set = runTool('configutil', ['-f', dir, '-i', '-'], {input: 'service.imap.plaintextmincipher = 1\nservice.pop.plaintextmincipher = 1\nservice.smtp.plaintextmincipher = 1\n'})
  assert.equal(set.status, 0, set.stderr)
  const started = startDaemon(t, dir)
  assert.equal(started.status, 0, started.stderr)
  assert.equal(runTool('msgctl', ['user', 'add', 'carol', '-d', dir, '--password-stdin'], {input: 'carol-Pa55word\n'}).status, 0)
  const ca = join(dir, 'ca.pem')
  writeFileSync(ca, runTool('certutil', ['-L', '-d', dir, '-n', 'msgctl Local CA', '-a']).stdout)
  const py = spawnSync('python3', [join(ROOT, 'test', 'e2e', 'plaintext_rules.py'), JSON.stringify({ca, user: 'carol', password: 'carol-Pa55word', ports})], {encoding: 'utf8', timeout: 60_000})
  assert.equal(py.status, 0, py.stderr)
  const r = JSON.parse(py.stdout) as Record<string, unknown>
  assert.ok((r.imap_caps_before as string[]).includes('LOGINDISABLED'))
  // SCRAM sends no password, so it stays on offer in clear; PLAIN and LOGIN do not.
  assert.deepEqual((r.imap_caps_before as string[]).filter((c) => c.startsWith('AUTH=')), ['AUTH=SCRAM-SHA-256', 'AUTH=SCRAM-SHA-1'], 'no password mechanism advertised in clear')
  assert.match(String(r.imap_login_before), /PRIVACYREQUIRED|LOGINDISABLED|refus/i)
  assert.ok(!(r.imap_caps_after as string[]).includes('LOGINDISABLED'))
  assert.ok((r.imap_caps_after as string[]).includes('AUTH=PLAIN'))
  assert.equal(r.imap_login_after, 'OK')
  assert.ok(!(r.pop_capa_before as string[]).includes('USER'), 'POP3 hides USER in clear')
  assert.match(String(r.pop_login_before), /-ERR/)
  assert.ok((r.pop_capa_after as string[]).includes('USER'))
  assert.equal(r.pop_login_after, '+OK')
  assert.equal(String(r.smtp_auth_before).trim(), 'SCRAM-SHA-256 SCRAM-SHA-1', 'no password mechanism in EHLO before STARTTLS')
  assert.match(String(r.smtp_auth_after), /PLAIN/)
  assert.equal(r.smtp_login_after, 235)
})
