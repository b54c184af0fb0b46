import assert from 'node:assert/strict'
import {join} from 'node:path'
import {test} from 'node:test'
import {openMailStore} from '../../src/daemon/mailstore/index.js'
import {Maildrop} from '../../src/daemon/pop/maildrop.js'
import {lockMaildrop, unlockMaildrop} from '../../src/daemon/pop/maildrop_lock.js'
import {parseCount, parseMessageNumber} from '../../src/daemon/pop/message_number.js'
import {errLine, multiLineMessage, multiLineText, okLine} from '../../src/daemon/pop/reply.js'
import {topOfMessage} from '../../src/daemon/pop/top_lines.js'
import {tempDir} from '../helpers/cli.js'

const b = (s: string): Buffer => Buffer.from(s, 'latin1')

test('status lines', () => {
  assert.equal(okLine(''), '+OK\r\n')
  assert.equal(okLine('2 320'), '+OK 2 320\r\n')
  assert.equal(errLine('[AUTH] Authentication failed.'), '-ERR [AUTH] Authentication failed.\r\n')
})

test('multi-line text is byte-stuffed and terminated', () => {
  assert.equal(multiLineText(['TOP', '.hidden']), 'TOP\r\n..hidden\r\n.\r\n')
  assert.equal(multiLineText([]), '.\r\n')
})

test('messages: dot at every line start stuffed, final CRLF added when missing, 8-bit kept', () => {
  assert.equal(multiLineMessage(b('.a\r\nb\r\n..\r\n.\r\n')).toString('latin1'), '..a\r\nb\r\n...\r\n..\r\n.\r\n')
  assert.equal(multiLineMessage(b('no newline')).toString('latin1'), 'no newline\r\n.\r\n')
  assert.equal(multiLineMessage(b('bare\n.lf\n')).toString('latin1'), 'bare\n..lf\n.\r\n')
  assert.equal(multiLineMessage(b('')).toString('latin1'), '.\r\n')
  const eight = Buffer.from([0xff, 0x2e, 0x0d, 0x0a, 0x2e, 0x80, 0x0d, 0x0a])
  assert.deepEqual(multiLineMessage(eight), Buffer.from([0xff, 0x2e, 0x0d, 0x0a, 0x2e, 0x2e, 0x80, 0x0d, 0x0a, 0x2e, 0x0d, 0x0a]))
})

test('TOP takes the header, the blank line and n body lines', () => {
  const m = b('A: 1\r\nB: 2\r\n\r\nl1\r\nl2\r\nl3\r\n')
  assert.equal(topOfMessage(m, 0).toString(), 'A: 1\r\nB: 2\r\n\r\n')
  assert.equal(topOfMessage(m, 2).toString(), 'A: 1\r\nB: 2\r\n\r\nl1\r\nl2\r\n')
  assert.equal(topOfMessage(m, 10).toString(), m.toString())
  assert.equal(topOfMessage(b('A: 1\n\nbody\nmore\n'), 1).toString(), 'A: 1\n\nbody\n')
  assert.equal(topOfMessage(b('A: 1\r\nno body'), 3).toString(), 'A: 1\r\nno body')
  assert.equal(topOfMessage(b('\r\nbody\r\n'), 0).toString(), '\r\n')
})

test('message numbers are plain positive decimals', () => {
  assert.equal(parseMessageNumber('1'), 1)
  assert.equal(parseMessageNumber('042'), 42)
  for (const bad of ['0', '-1', '+1', '1.0', '1e3', '', ' 1', '0x1', '9999999999']) assert.equal(parseMessageNumber(bad), null, bad)
  assert.equal(parseCount('0'), 0)
  assert.equal(parseCount('-0'), null)
})

test('maildrop: fixed numbering, marks, UIDL from UIDVALIDITY and UID, deletes only on commit', (t) => {
  const store = openMailStore(join(tempDir(t, 'msgctl-pop-'), 'mail.db'))
  t.after(() => store.close())
  const m1 = b('Subject: one\r\n\r\n1\r\n')
  const m2 = b('Subject: two\r\n\r\n22\r\n')
  const m3 = b('Subject: three\r\n\r\n333\r\n')
  for (const m of [m1, m2, m3]) store.deliver('ann', m)
  const drop = new Maildrop(store, 'ann')
  const validity = store.status('ann', 'INBOX').uidValidity
  assert.deepEqual(drop.stat(), {count: 3, octets: m1.length + m2.length + m3.length})
  assert.equal(drop.uniqueId(drop.get(2)!), `${validity}.2`)
  // Mail arriving during the session does not change the numbering.
  store.deliver('ann', b('Subject: four\r\n\r\n'))
  assert.equal(drop.get(4), null)
  drop.markDeleted(drop.get(2)!)
  assert.equal(drop.get(2), null)
  assert.ok(drop.isDeleted(2))
  assert.deepEqual(drop.stat(), {count: 2, octets: m1.length + m3.length})
  assert.deepEqual(drop.read(drop.get(3)!), m3)
  drop.unmarkAll()
  assert.equal(drop.stat().count, 3)
  drop.markDeleted(drop.get(1)!)
  drop.markDeleted(drop.get(3)!)
  assert.equal(store.listMessages('ann', 'INBOX').length, 4, 'marks alone delete nothing')
  assert.equal(drop.commit(), 2)
  assert.deepEqual(store.listMessages('ann', 'INBOX').map((m) => m.uid), [2, 4])
  // A message someone else flagged \Deleted is not expunged by our commit.
  store.setFlags('ann', 'INBOX', [4], ['\\Deleted'], 'add')
  const again = new Maildrop(store, 'ann')
  again.markDeleted(again.get(1)!)
  assert.equal(again.commit(), 1)
  assert.deepEqual(store.listMessages('ann', 'INBOX').map((m) => m.uid), [4])
})

test('maildrop lock is exclusive per store and user', (t) => {
  const dir = tempDir(t, 'msgctl-pop-')
  const a = openMailStore(join(dir, 'a.db'))
  const c = openMailStore(join(dir, 'c.db'))
  t.after(() => (a.close(), c.close()))
  assert.ok(lockMaildrop(a, 'ann'))
  assert.ok(!lockMaildrop(a, 'ann'))
  assert.ok(lockMaildrop(a, 'bob'))
  assert.ok(lockMaildrop(c, 'ann'))
  unlockMaildrop(a, 'ann')
  assert.ok(lockMaildrop(a, 'ann'))
})
