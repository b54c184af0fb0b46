import assert from 'node:assert/strict'
import {randomBytes} from 'node:crypto'
import {chmodSync, statSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {test} from 'node:test'
import Database from 'better-sqlite3'
import {StoreError} from '../../src/core/errors.js'
import {MailStoreError, MAX_MESSAGE_BYTES, openMailStore, type MailboxChange, type MailStore, type MailStoreOptions} from '../../src/daemon/mailstore/index.js'
import {MAIL_SCHEMA_VERSION} from '../../src/daemon/mailstore/migrations.js'
import {tempDir} from '../helpers/cli.js'

type TestContext = {after: (fn: () => void) => void}

/** A store on a fresh file in its own temporary directory, closed when the test ends. */
function freshStore(t: TestContext, options: MailStoreOptions = {}): {store: MailStore; file: string} {
  const file = join(tempDir(t, 'msgctl-mailstore-'), 'mail.db')
  const store = openMailStore(file, options)
  t.after(() => store.close())
  return {store, file}
}

function reopen(t: TestContext, file: string, options: MailStoreOptions = {}): MailStore {
  const store = openMailStore(file, options)
  t.after(() => store.close())
  return store
}

/** Assert that `fn` throws a MailStoreError with `code` and a message matching `message`. */
function throwsCode(fn: () => unknown, code: MailStoreError['code'], message?: RegExp): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof MailStoreError, `expected a MailStoreError, got ${String(err)}`)
    assert.equal(err.code, code, err.message)
    if (message) assert.match(err.message, message)
    return true
  })
}

const msg = (text: string): Buffer => Buffer.from(`Subject: ${text}\r\n\r\n${text}\r\n`)

test('the file is created 0600 in WAL mode with the current schema; an existing file is used as it is', (t) => {
  const {store, file} = freshStore(t)
  store.deliver('alice', msg('one'))
  assert.equal(statSync(file).mode & 0o777, 0o600)
  const raw = new Database(file, {readonly: true})
  t.after(() => raw.close())
  assert.equal(raw.pragma('journal_mode', {simple: true}), 'wal')
  assert.equal(raw.pragma('user_version', {simple: true}), MAIL_SCHEMA_VERSION)
  store.close()

  chmodSync(file, 0o640)
  const again = reopen(t, file)
  assert.equal(statSync(file).mode & 0o777, 0o640, 'an existing file keeps the mode its owner chose')
  assert.equal(again.listMessages('alice', 'INBOX').length, 1)
})

test('a foreign SQLite file or one from a newer msgctl is refused with a sentence', (t) => {
  const dir = tempDir(t, 'msgctl-mailstore-')
  const foreign = join(dir, 'other.db')
  const db = new Database(foreign)
  db.exec('CREATE TABLE t (x)')
  db.close()
  assert.throws(() => openMailStore(foreign), (err: unknown) => err instanceof StoreError && /not a msgctl mail store/.test(err.message))

  const newer = join(dir, 'newer.db')
  openMailStore(newer).close()
  const raw = new Database(newer)
  raw.pragma(`user_version = ${MAIL_SCHEMA_VERSION + 1}`)
  raw.close()
  assert.throws(() => openMailStore(newer), /written by a newer msgctl/)

  const garbage = join(dir, 'garbage.db')
  writeFileSync(garbage, Buffer.alloc(4096, 7))
  assert.throws(() => openMailStore(garbage), (err: unknown) => err instanceof StoreError && /corrupt or not a database/.test(err.message))
})

test('INBOX exists for every user, is case-insensitive and is listed first', (t) => {
  const {store} = freshStore(t)
  assert.equal(store.mailboxExists('nobody-yet', 'INBOX'), true)
  assert.equal(store.mailboxExists('nobody-yet', 'iNbOx'), true)
  assert.equal(store.mailboxExists('nobody-yet', 'Other'), false)
  assert.deepEqual(store.status('bob', 'inbox'), {messages: 0, recent: 0, unseen: 0, uidNext: 1, uidValidity: store.status('bob', 'INBOX').uidValidity})
  assert.deepEqual(store.listMailboxes('carol'), [{name: 'INBOX', subscribed: false, attributes: ['\\HasNoChildren']}])

  store.createMailbox('carol', 'inbox/Sub')
  store.createMailbox('carol', 'Archive')
  store.createMailbox('carol', 'archive')
  store.createMailbox('carol', 'Archive-2020')
  store.createMailbox('carol', 'Archive/2019')
  assert.deepEqual(
    store.listMailboxes('carol').map((m) => [m.name, m.attributes.join(' ')]),
    [
      ['INBOX', '\\HasChildren'],
      ['INBOX/Sub', '\\HasNoChildren'],
      ['Archive', '\\HasChildren'],
      ['Archive/2019', '\\HasNoChildren'],
      ['Archive-2020', '\\HasNoChildren'],
      ['archive', '\\HasNoChildren'],
    ],
    'INBOX children are found whatever case was used; other names are case-sensitive and sorted level by level',
  )
  throwsCode(() => store.createMailbox('carol', 'Inbox'), 'ALREADYEXISTS')
  assert.deepEqual(store.listMailboxes('dave').map((m) => m.name), ['INBOX'], 'users do not see each other')
})

test('mailbox names are checked: empty, too long, NUL/CR/LF, empty levels, leading or trailing "/"', (t) => {
  const {store} = freshStore(t)
  const bad: [string, RegExp][] = [
    ['', /cannot be empty/],
    ['a\0b', /NUL, CR or LF/],
    ['a\rb', /NUL, CR or LF/],
    ['a\nb', /NUL, CR or LF/],
    ['/a', /start or end with "\/"/],
    ['a/', /start or end with "\/"/],
    ['a//b', /empty level/],
    ['x\uD800y', /valid Unicode/],
    ['é'.repeat(513), /1024 bytes/],
  ]
  for (const [name, why] of bad) {
    throwsCode(() => store.createMailbox('alice', name), 'CANNOT', why)
    throwsCode(() => store.append('alice', name, msg('x'), []), 'CANNOT', why)
    assert.equal(store.mailboxExists('alice', name), false)
  }
  store.createMailbox('alice', 'é'.repeat(512))
  assert.equal(store.mailboxExists('alice', 'é'.repeat(512)), true, 'exactly 1024 bytes is allowed')
  throwsCode(() => store.deliver('', msg('x')), 'CANNOT', /user name/)
})

test('CREATE makes missing parents and refuses an existing name', (t) => {
  const {store} = freshStore(t)
  store.createMailbox('alice', 'a/b/c')
  assert.deepEqual(store.listMailboxes('alice').map((m) => m.name), ['INBOX', 'a', 'a/b', 'a/b/c'])
  assert.equal(store.status('alice', 'a/b').messages, 0, 'created parents can hold messages')
  throwsCode(() => store.createMailbox('alice', 'a/b'), 'ALREADYEXISTS', /"a\/b" already exists/)
  store.createMailbox('alice', 'a/b/d')
  assert.equal(store.mailboxExists('alice', 'a/b/d'), true)
})

test('deliver keeps bytes exactly across close and reopen, including NUL, bare CR/LF, empty and multi-chunk messages', (t) => {
  const {store, file} = freshStore(t)
  const small = Buffer.concat([Buffer.from('\0\r\n\r\r\n\n\0'), randomBytes(4096)])
  const large = randomBytes(2.5 * 1024 * 1024 + 17) // spans several body chunks
  const empty = Buffer.alloc(0)
  const date = new Date('2024-02-29T12:34:56.000Z')
  const uids = [store.deliver('alice', small, date), store.deliver('alice', large), store.deliver('alice', empty)]
  assert.deepEqual(uids, [1, 2, 3])
  store.close()

  const again = reopen(t, file)
  assert.ok(again.readMessage('alice', 'INBOX', 1).equals(small))
  assert.ok(again.readMessage('alice', 'INBOX', 2).equals(large))
  assert.equal(again.readMessage('alice', 'INBOX', 3).length, 0)
  const list = again.listMessages('alice', 'INBOX')
  assert.deepEqual(list.map((m) => [m.uid, m.size]), [[1, small.length], [2, large.length], [3, 0]])
  assert.equal(list[0]!.internalDate.getTime(), date.getTime())
  assert.deepEqual(list[0]!.flags, [])
  throwsCode(() => again.readMessage('alice', 'INBOX', 4), 'NONEXISTENT', /UID 4/)
  throwsCode(() => again.readMessage('alice', 'INBOX', 0), 'NONEXISTENT')
})

test('UIDs ascend and are never reused, even after expunge and reopen; UIDVALIDITY is stable', (t) => {
  const {store, file} = freshStore(t)
  for (let i = 1; i <= 3; i++) assert.equal(store.deliver('alice', msg(`m${i}`)), i)
  const validity = store.status('alice', 'INBOX').uidValidity
  store.setFlags('alice', 'INBOX', [2, 3], ['\\Deleted'], 'add')
  assert.deepEqual(store.expunge('alice', 'INBOX'), [2, 3])
  store.close()

  const again = reopen(t, file)
  assert.equal(again.status('alice', 'INBOX').uidNext, 4)
  assert.equal(again.deliver('alice', msg('m4')), 4)
  assert.deepEqual(again.listMessages('alice', 'INBOX').map((m) => m.uid), [1, 4])
  assert.equal(again.status('alice', 'INBOX').uidValidity, validity)
})

test('UIDVALIDITY is unique per user even within one second, and changes when a name is re-created', (t) => {
  const fixed = Date.parse('2025-01-01T00:00:00Z')
  const {store} = freshStore(t, {now: () => fixed})
  store.createMailbox('alice', 'a')
  store.createMailbox('alice', 'b')
  const first = store.status('alice', 'a').uidValidity
  const inbox = store.status('alice', 'INBOX').uidValidity
  assert.equal(inbox, fixed / 1000, 'seconds since the epoch')
  assert.deepEqual(new Set([inbox, first, store.status('alice', 'b').uidValidity]).size, 3)

  store.append('alice', 'a', msg('x'), [])
  store.deleteMailbox('alice', 'a')
  store.createMailbox('alice', 'a')
  const second = store.status('alice', 'a')
  assert.notEqual(second.uidValidity, first)
  assert.ok(second.uidValidity > first)
  assert.equal(second.uidNext, 1, 'a new UIDVALIDITY may start UIDs afresh')

  const later = freshStore(t, {now: () => fixed + 3_600_000}).store
  assert.equal(later.status('alice', 'INBOX').uidValidity, fixed / 1000 + 3600)
})

test('DELETE: INBOX refused, missing name, leaf removed, parent kept as \\Noselect without its messages', (t) => {
  const {store} = freshStore(t)
  throwsCode(() => store.deleteMailbox('alice', 'inbox'), 'CANNOT', /INBOX cannot be deleted/)
  throwsCode(() => store.deleteMailbox('alice', 'nope'), 'NONEXISTENT')

  store.createMailbox('alice', 'leaf')
  store.deleteMailbox('alice', 'leaf')
  assert.equal(store.mailboxExists('alice', 'leaf'), false)

  store.createMailbox('alice', 'foo/bar')
  store.append('alice', 'foo', msg('in foo'), [])
  store.deleteMailbox('alice', 'foo')
  assert.deepEqual(store.listMailboxes('alice').find((m) => m.name === 'foo')?.attributes, ['\\Noselect', '\\HasChildren'])
  assert.equal(store.mailboxExists('alice', 'foo'), true, 'a \\Noselect name is still listed')
  throwsCode(() => store.status('alice', 'foo'), 'CANNOT', /\\Noselect/)
  throwsCode(() => store.listMessages('alice', 'foo'), 'CANNOT')
  throwsCode(() => store.append('alice', 'foo', msg('x'), []), 'CANNOT')
  throwsCode(() => store.createMailbox('alice', 'foo'), 'ALREADYEXISTS')
  throwsCode(() => store.deleteMailbox('alice', 'foo'), 'CANNOT', /delete its children first/)

  // RFC 3501's own example: the child goes, the \Noselect parent stays until deleted.
  store.deleteMailbox('alice', 'foo/bar')
  assert.deepEqual(store.listMailboxes('alice').find((m) => m.name === 'foo')?.attributes, ['\\Noselect', '\\HasNoChildren'])
  store.deleteMailbox('alice', 'foo')
  assert.deepEqual(store.listMailboxes('alice').map((m) => m.name), ['INBOX'])
})

test('RENAME moves children, keeps UIDVALIDITY and messages, creates parents of the target, refuses bad targets', (t) => {
  const {store} = freshStore(t)
  store.createMailbox('alice', 'a/b')
  store.createMailbox('alice', 'ab')
  store.createMailbox('alice', 'taken')
  store.setSubscribed('alice', 'a/b', true)
  const {uid} = store.append('alice', 'a/b', msg('kept'), ['\\Seen'])
  const validity = store.status('alice', 'a/b').uidValidity

  throwsCode(() => store.renameMailbox('alice', 'missing', 'x'), 'NONEXISTENT')
  throwsCode(() => store.renameMailbox('alice', 'a', 'taken'), 'ALREADYEXISTS')
  throwsCode(() => store.renameMailbox('alice', 'a', 'inbox'), 'ALREADYEXISTS')
  throwsCode(() => store.renameMailbox('alice', 'a', 'a/b/c'), 'CANNOT', /inside itself/)
  throwsCode(() => store.renameMailbox('alice', 'a', 'a/x'), 'CANNOT', /inside itself/)

  store.renameMailbox('alice', 'a', 'x/y')
  assert.deepEqual(store.listMailboxes('alice').map((m) => m.name), ['INBOX', 'ab', 'taken', 'x', 'x/y', 'x/y/b'])
  assert.equal(store.status('alice', 'x/y/b').uidValidity, validity)
  assert.deepEqual(store.listMessages('alice', 'x/y/b').map((m) => [m.uid, m.flags]), [[uid, ['\\Seen']]])
  assert.equal(store.listMailboxes('alice').find((m) => m.name === 'x/y/b')?.subscribed, true, 'the subscription follows the rename')
  assert.equal(store.mailboxExists('alice', 'a'), false)
  assert.equal(store.mailboxExists('alice', 'ab'), true, 'a sibling sharing the prefix is not a child')
})

test('RENAME INBOX moves its messages to a new mailbox with new UIDs and leaves INBOX empty', (t) => {
  const {store} = freshStore(t)
  store.createMailbox('alice', 'INBOX/child')
  for (let i = 0; i < 3; i++) store.deliver('alice', msg(`m${i}`))
  store.setFlags('alice', 'INBOX', [1, 2], ['\\Deleted'], 'add')
  store.expunge('alice', 'INBOX', [1])
  store.setFlags('alice', 'INBOX', [2], ['\\Deleted'], 'remove')
  store.setFlags('alice', 'INBOX', [3], ['\\Flagged', 'Work'], 'add')
  const dates = store.listMessages('alice', 'INBOX').map((m) => m.internalDate.getTime())
  throwsCode(() => store.renameMailbox('alice', 'INBOX', 'INBOX/child'), 'ALREADYEXISTS')

  store.renameMailbox('alice', 'inbox', 'Old/Mail')
  assert.deepEqual(store.status('alice', 'INBOX').messages, 0)
  assert.deepEqual(store.listMessages('alice', 'Old/Mail').map((m) => [m.uid, m.flags, m.internalDate.getTime()]), [
    [1, [], dates[0]],
    [2, ['\\Flagged', 'Work'], dates[1]],
  ])
  assert.ok(store.readMessage('alice', 'Old/Mail', 2).equals(msg('m2')))
  assert.equal(store.status('alice', 'Old/Mail').uidNext, 3)
  assert.equal(store.mailboxExists('alice', 'INBOX/child'), true, 'children of INBOX stay where they are')
  assert.equal(store.deliver('alice', msg('after')), 4, 'INBOX UIDs are still not reused')
})

test('subscriptions: set, clear, refuse a missing mailbox, and outlive a deleted one', (t) => {
  const {store} = freshStore(t)
  store.createMailbox('alice', 'News')
  store.setSubscribed('alice', 'News', true)
  store.setSubscribed('alice', 'inbox', true)
  assert.deepEqual(store.listMailboxes('alice').map((m) => [m.name, m.subscribed]), [['INBOX', true], ['News', true]])
  store.setSubscribed('alice', 'INBOX', false)
  assert.equal(store.listMailboxes('alice')[0]!.subscribed, false)
  throwsCode(() => store.setSubscribed('alice', 'Missing', true), 'NONEXISTENT')

  store.deleteMailbox('alice', 'News')
  store.createMailbox('alice', 'News')
  assert.equal(store.listMailboxes('alice')[1]!.subscribed, true, 'RFC 3501: the server does not drop a subscription by itself')
  store.deleteMailbox('alice', 'News')
  store.setSubscribed('alice', 'News', false)
  store.createMailbox('alice', 'News')
  assert.equal(store.listMailboxes('alice')[1]!.subscribed, false, 'a deleted mailbox can still be unsubscribed')
})

test('flags: system flags in canonical case, keywords as given, \\Recent ignored, set/add/remove, unseen count', (t) => {
  const {store} = freshStore(t)
  const {uid} = store.append('alice', 'INBOX', msg('a'), ['\\SEEN', '$Label1', '\\recent', '\\draft', '$label1', 'Work'])
  store.deliver('alice', msg('b'))
  store.deliver('alice', msg('c'))
  assert.deepEqual(store.listMessages('alice', 'INBOX')[0]!.flags, ['\\Seen', '\\Draft', '$Label1', 'Work'])
  assert.equal(store.status('alice', 'INBOX').unseen, 2)

  const added = store.setFlags('alice', 'INBOX', [uid, 2, 99], ['\\flagged', 'work', 'New'], 'add')
  assert.deepEqual([...added.keys()], [uid, 2], 'only UIDs that exist are answered')
  assert.deepEqual(added.get(uid), ['\\Seen', '\\Flagged', '\\Draft', '$Label1', 'Work', 'New'])
  assert.deepEqual(added.get(2), ['\\Flagged', 'work', 'New'])

  const removed = store.setFlags('alice', 'INBOX', [uid], ['\\Seen', 'WORK', '\\Recent'], 'remove')
  assert.deepEqual(removed.get(uid), ['\\Flagged', '\\Draft', '$Label1', 'New'])
  assert.equal(store.status('alice', 'INBOX').unseen, 3)

  const set = store.setFlags('alice', 'INBOX', [2, 3], ['\\Answered', '\\Seen', '\\Recent'], 'set')
  assert.deepEqual(set.get(3), ['\\Seen', '\\Answered'])
  assert.deepEqual(store.listMessages('alice', 'INBOX').map((m) => m.flags), [['\\Flagged', '\\Draft', '$Label1', 'New'], ['\\Seen', '\\Answered'], ['\\Seen', '\\Answered']])
  assert.equal(store.status('alice', 'INBOX').unseen, 1)

  throwsCode(() => store.setFlags('alice', 'INBOX', [1], ['\\Bogus'], 'add'), 'CANNOT', /unknown system flag/)
  for (const bad of ['two words', 'paren(', 'star*', 'pct%', 'quote"', 'brack]', 'brace{', '', 'caf\u00e9']) {
    throwsCode(() => store.setFlags('alice', 'INBOX', [1], [bad], 'add'), 'CANNOT', /not a valid keyword/)
  }
  throwsCode(() => store.setFlags('alice', 'Missing', [1], ['\\Seen'], 'add'), 'NONEXISTENT')
})

test('expunge removes only \\Deleted messages, limited to the given UIDs, ascending', (t) => {
  const {store} = freshStore(t)
  for (let i = 0; i < 5; i++) store.deliver('alice', msg(`m${i}`))
  store.setFlags('alice', 'INBOX', [5, 2, 4], ['\\Deleted'], 'add')
  assert.deepEqual(store.expunge('alice', 'INBOX', [4, 5, 1]), [4, 5])
  assert.deepEqual(store.listMessages('alice', 'INBOX').map((m) => m.uid), [1, 2, 3])
  assert.deepEqual(store.expunge('alice', 'INBOX'), [2])
  assert.deepEqual(store.expunge('alice', 'INBOX'), [])
  throwsCode(() => store.readMessage('alice', 'INBOX', 2), 'NONEXISTENT')
  throwsCode(() => store.expunge('alice', 'Missing'), 'NONEXISTENT')
})

test('copy keeps bytes, flags and internal date, gives target UIDs and pairs, skips missing UIDs', (t) => {
  const {store} = freshStore(t)
  store.createMailbox('alice', 'Saved')
  store.append('alice', 'Saved', msg('already'), [])
  const body = Buffer.concat([randomBytes(1500 * 1024), Buffer.from('\r\n\0')])
  const date = new Date('2023-06-01T08:00:00Z')
  store.append('alice', 'INBOX', body, ['\\Flagged', 'Keep'], date)
  store.deliver('alice', msg('two'))
  store.takeRecent('alice', 'INBOX')

  const {uidValidity, pairs} = store.copy('alice', 'inbox', [2, 7, 1, 2], 'Saved')
  assert.equal(uidValidity, store.status('alice', 'Saved').uidValidity)
  assert.deepEqual(pairs, [[1, 2], [2, 3]])
  const copied = store.listMessages('alice', 'Saved')[1]!
  assert.deepEqual(copied.flags, ['\\Flagged', 'Keep'])
  assert.equal(copied.internalDate.getTime(), date.getTime())
  assert.ok(store.readMessage('alice', 'Saved', 2).equals(body))
  assert.deepEqual(store.takeRecent('alice', 'Saved'), [1, 2, 3], 'copies are new, so recent')

  assert.deepEqual(store.copy('alice', 'Saved', [3], 'Saved').pairs, [[3, 4]], 'copying into the same mailbox works')
  throwsCode(() => store.copy('alice', 'INBOX', [1], 'Nowhere'), 'TRYCREATE')
  throwsCode(() => store.copy('alice', 'Nowhere', [1], 'INBOX'), 'NONEXISTENT')
  assert.equal(store.status('alice', 'INBOX').messages, 2, 'a refused copy changes nothing')
  assert.deepEqual(store.copy('alice', 'INBOX', [42], 'Saved'), {uidValidity, pairs: []})
})

test('append: TRYCREATE for a missing mailbox, UID and UIDVALIDITY returned, internal date kept', (t) => {
  const {store} = freshStore(t, {now: () => Date.parse('2020-05-05T05:05:05.123Z')})
  throwsCode(() => store.append('alice', 'Drafts', msg('d'), ['\\Draft']), 'TRYCREATE', /"Drafts" does not exist/)
  store.createMailbox('alice', 'Drafts')
  const r1 = store.append('alice', 'Drafts', msg('d1'), ['\\Draft'])
  const r2 = store.append('alice', 'Drafts', msg('d2'), [], new Date('2001-01-01T00:00:00Z'))
  assert.deepEqual([r1.uid, r2.uid], [1, 2])
  assert.equal(r1.uidValidity, store.status('alice', 'Drafts').uidValidity)
  assert.deepEqual(store.listMessages('alice', 'Drafts').map((m) => m.internalDate.toISOString()), ['2020-05-05T05:05:05.123Z', '2001-01-01T00:00:00.000Z'])
  throwsCode(() => store.append('alice', 'Drafts', msg('bad date'), [], new Date('nonsense')), 'CANNOT', /not a valid date/)
})

test('messages over the size limit are refused with LIMIT, the 1 GiB default included', (t) => {
  const {store} = freshStore(t, {maxMessageBytes: 1000})
  store.deliver('alice', Buffer.alloc(1000, 1))
  throwsCode(() => store.deliver('alice', Buffer.alloc(1001, 1)), 'LIMIT', /limit is 1000 bytes/)
  throwsCode(() => store.append('alice', 'INBOX', Buffer.alloc(1001, 1), []), 'LIMIT')
  assert.equal(store.status('alice', 'INBOX').messages, 1)

  assert.equal(MAX_MESSAGE_BYTES, 2 ** 30)
  const defaults = freshStore(t).store
  // allocUnsafe leaves the pages untouched, so this costs no real memory.
  throwsCode(() => defaults.deliver('alice', Buffer.allocUnsafe(MAX_MESSAGE_BYTES + 1)), 'LIMIT')
})

test('takeRecent hands the recent UIDs to one caller and clears them', (t) => {
  const {store} = freshStore(t)
  store.deliver('alice', msg('1'))
  store.deliver('alice', msg('2'))
  assert.equal(store.status('alice', 'INBOX').recent, 2)
  assert.deepEqual(store.takeRecent('alice', 'INBOX'), [1, 2])
  assert.deepEqual(store.takeRecent('alice', 'INBOX'), [])
  assert.equal(store.status('alice', 'INBOX').recent, 0)
  store.deliver('alice', msg('3'))
  assert.deepEqual(store.takeRecent('alice', 'INBOX'), [3])
  assert.ok(store.listMessages('alice', 'INBOX').every((m) => !m.flags.includes('\\Recent')), '\\Recent is never a stored flag')
})

test('watchers hear exists, flags and expunge after the change; a throwing watcher breaks nothing', (t) => {
  const failures: unknown[] = []
  const {store, file} = freshStore(t, {onListenerError: (err) => failures.push(err)})
  const elsewhere = reopen(t, file)
  const seen: MailboxChange[] = []
  const counts: number[] = []
  store.watch(() => {
    throw new Error('broken watcher')
  })
  const stop = store.watch((c) => {
    seen.push(c)
    // The change is committed before anyone hears of it: another connection already sees it.
    if (c.kind === 'exists') counts.push(elsewhere.status(c.user, c.mailbox).messages)
  })
  store.createMailbox('alice', 'Box')

  store.deliver('alice', msg('1'))
  store.append('alice', 'Box', msg('2'), [])
  store.copy('alice', 'INBOX', [1], 'Box')
  store.setFlags('alice', 'Box', [2, 1], ['\\Deleted'], 'add')
  store.setFlags('alice', 'Box', [1], ['\\Deleted'], 'add') // no change, no event
  store.expunge('alice', 'Box')
  store.expunge('alice', 'Box') // nothing removed, no event
  assert.deepEqual(seen, [
    {kind: 'exists', user: 'alice', mailbox: 'INBOX'},
    {kind: 'exists', user: 'alice', mailbox: 'Box'},
    {kind: 'exists', user: 'alice', mailbox: 'Box'},
    {kind: 'flags', user: 'alice', mailbox: 'Box', uids: [1, 2]},
    {kind: 'expunge', user: 'alice', mailbox: 'Box', uids: [1, 2]},
  ])
  assert.deepEqual(counts, [1, 1, 2])
  assert.equal(failures.length, 5)
  assert.match(String(failures[0]), /broken watcher/)

  stop()
  store.deliver('alice', msg('3'))
  assert.equal(seen.length, 5, 'an unsubscribed watcher hears nothing more')
  assert.equal(store.status('alice', 'INBOX').messages, 2)
})

test('a second store open on the same file sees the first one’s writes and continues its UIDs', (t) => {
  const {store: first, file} = freshStore(t)
  const second = reopen(t, file)
  first.deliver('alice', msg('from first'))
  assert.ok(second.readMessage('alice', 'INBOX', 1).equals(msg('from first')))
  assert.equal(second.deliver('alice', msg('from second')), 2)
  assert.deepEqual(first.listMessages('alice', 'INBOX').map((m) => m.uid), [1, 2])
  second.createMailbox('alice', 'Shared')
  assert.equal(first.mailboxExists('alice', 'Shared'), true)
  assert.equal(first.status('alice', 'INBOX').uidValidity, second.status('alice', 'INBOX').uidValidity)
})
