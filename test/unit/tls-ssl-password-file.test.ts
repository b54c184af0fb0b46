import assert from 'node:assert/strict'
import {chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {test} from 'node:test'
import {internalTokenPassword, isInternalToken, parseSslPasswordFile, readSslPasswordFile, SslPasswordFileError} from '../../src/daemon/tls/index.js'

test('the seed\'s default line gives the internal token\'s password under every internal name', () => {
  const p = parseSslPasswordFile('Internal (Software) Token:netscape!\n')
  for (const name of ['Internal (Software) Token', 'internal', 'NSS Certificate DB', 'INTERNAL']) assert.equal(p.passwordFor(name), 'netscape!', name)
  assert.equal(internalTokenPassword(p), 'netscape!')
  assert.equal(p.passwordFor('Sun Metaslot'), null)
  assert.deepEqual(p.entries, [{token: 'Internal (Software) Token', password: 'netscape!', line: 1}])
})

test('passwords keep colons, spaces and #; comments, blank lines and CRLF are handled', () => {
  const text = [
    '# token passwords for the daemon',
    '',
    '   ',
    '  # indented comment',
    'internal:pa:ss:wo#rd ',
    'Sun Metaslot :  hsm pin\r',
    'empty-token:',
  ].join('\n')
  const p = parseSslPasswordFile(text)
  assert.equal(p.passwordFor('Internal (Software) Token'), 'pa:ss:wo#rd ')
  assert.equal(p.passwordFor('Sun Metaslot'), '  hsm pin')
  assert.equal(p.passwordFor('empty-token'), '')
  assert.deepEqual(p.entries.map((e) => e.line), [5, 6, 7])
})

test('an empty file gives no password for any token', () => {
  const p = parseSslPasswordFile('')
  assert.equal(internalTokenPassword(p), null)
  assert.equal(p.entries.length, 0)
})

test('malformed lines are refused without echoing them', () => {
  const bad: ReadonlyArray<readonly [string, RegExp]> = [
    ['s3cret-password\n', /line 1 has no colon/],
    ['# c\n:nopassword\n', /line 2 has no token name/],
    ['internal:first-secret\nInternal (Software) Token:second-secret\n', /lines 1 and 2 give different passwords/],
  ]
  for (const [text, message] of bad) {
    assert.throws(() => parseSslPasswordFile(text, '/x/sslpassword.conf'), (e: unknown) => {
      assert.ok(e instanceof SslPasswordFileError)
      assert.match(e.message, message)
      assert.match(e.message, /^\/x\/sslpassword\.conf /)
      for (const secret of ['s3cret', 'nopassword', 'first-secret', 'second-secret']) assert.ok(!e.message.includes(secret), e.message)
      return true
    })
  }
  // The same password twice (say, under two internal names) is harmless.
  assert.equal(parseSslPasswordFile('internal:same\nNSS Certificate DB:same\n').passwordFor('internal'), 'same')
})

test('internal token names', () => {
  for (const n of ['internal', 'Internal (Software) Token', 'NSS Certificate DB', ' internal ']) assert.ok(isInternalToken(n), n)
  for (const n of ['Sun Metaslot', 'softhsm', 'internal2', '']) assert.ok(!isInternalToken(n), n)
})

test('readSslPasswordFile: missing file is null, 0600 is read, group/other access is refused', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'msgctl-sslpw-'))
  t.after(() => rmSync(dir, {recursive: true, force: true}))
  assert.equal(readSslPasswordFile(dir), null)

  const file = join(dir, 'sslpassword.conf')
  writeFileSync(file, 'Internal (Software) Token:netscape!\n', {mode: 0o600})
  chmodSync(file, 0o600)
  assert.equal(readSslPasswordFile(dir)?.passwordFor('internal'), 'netscape!')
  chmodSync(file, 0o400)
  assert.equal(readSslPasswordFile(dir)?.passwordFor('internal'), 'netscape!')

  for (const mode of [0o644, 0o640, 0o604, 0o620, 0o602, 0o660]) {
    chmodSync(file, mode)
    assert.throws(() => readSslPasswordFile(dir), (e: unknown) => {
      assert.ok(e instanceof SslPasswordFileError, String(e))
      assert.ok(e.message.includes(file), e.message)
      assert.ok(e.message.includes(`chmod 600 ${file}`), e.message)
      assert.ok(e.message.includes(`mode 0${mode.toString(8)}`), e.message)
      return true
    }, mode.toString(8))
  }
})

test('readSslPasswordFile refuses a directory in the file\'s place', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'msgctl-sslpw-'))
  t.after(() => rmSync(dir, {recursive: true, force: true}))
  mkdirSync(join(dir, 'sslpassword.conf'), {mode: 0o700})
  assert.throws(() => readSslPasswordFile(dir), /is not a regular file/)
})
