import assert from 'node:assert/strict'
import {test} from 'node:test'
import {ArgumentCursor} from '../../src/daemon/imap/argument_cursor.js'
import {CommandReader, type ReaderEvent} from '../../src/daemon/imap/command_reader.js'
import {parseFetchItems, sectionLabel} from '../../src/daemon/imap/fetch_items.js'
import {ImapProtocolError} from '../../src/daemon/imap/protocol_error.js'
import {parseSearch} from '../../src/daemon/imap/search_keys.js'
import {formatSequence, inSequenceSet, parseSequenceSet} from '../../src/daemon/imap/sequence_set.js'

const limits = {maxLineLength: 200, maxLiteralSize: 1000}

/** Feed `input` in chunks of `size` bytes, collecting events the way the session pulls them. */
function frame(input: string | Buffer, size: number, l = limits): ReaderEvent[] {
  const reader = new CommandReader(l)
  const bytes = Buffer.isBuffer(input) ? input : Buffer.from(input, 'latin1')
  const events: ReaderEvent[] = []
  for (let i = 0; i < bytes.length; i += size) {
    reader.push(bytes.subarray(i, i + size))
    for (let e = reader.next(); e !== null; e = reader.next()) events.push(e)
  }
  return events
}

const commands = (events: ReaderEvent[]): string[] => events.flatMap((e) => (e.kind === 'command' ? [e.bytes.toString('latin1')] : []))

test('reader: lines split anywhere give the same commands', () => {
  const input = 'a1 NOOP\r\na2 LOGIN "x y" z\r\n\r\na3 CAPABILITY\n'
  for (const size of [1, 2, 3, 7, 100]) {
    assert.deepEqual(commands(frame(input, size)), ['a1 NOOP', 'a2 LOGIN "x y" z', 'a3 CAPABILITY'], `chunk size ${size}`)
  }
})

test('reader: synchronising literal asks for data once; literal spans chunks; bytes kept exact', () => {
  const data = Buffer.from([0x00, 0x0d, 0x0a, 0xff, 0x7b, 0x31, 0x7d, 0x0d, 0x0a])
  const input = Buffer.concat([Buffer.from(`a APPEND INBOX {${data.length}}\r\n`), data, Buffer.from(' x\r\nb NOOP\r\n')])
  for (const size of [1, 4, 1000]) {
    const events = frame(input, size)
    assert.deepEqual(
      events.map((e) => e.kind),
      ['literal-wanted', 'command', 'command'],
    )
    const cmd = events[1] as Extract<ReaderEvent, {kind: 'command'}>
    const c = new ArgumentCursor(cmd.bytes)
    c.tag()
    c.space()
    c.atom()
    c.space()
    c.astring()
    c.space()
    assert.deepEqual(c.stringBytes(), data)
    c.space()
    assert.equal(c.atom(), 'x')
    c.end()
  }
})

test('reader: LITERAL+ needs no continuation; {n} inside quotes is text', () => {
  assert.deepEqual(
    frame('a LOGIN {3+}\r\nabc "x"\r\n', 5).map((e) => e.kind),
    ['command'],
  )
  assert.deepEqual(commands(frame('a LOGIN "{3}"\r\n', 5)), ['a LOGIN "{3}"'])
})

test('reader: limits — long line is fatal, big synchronising literal refused, big LITERAL+ fatal', () => {
  const long = frame('a NOOP ' + 'x'.repeat(300) + '\r\nb NOOP\r\n', 50)
  assert.equal(long[0]!.kind, 'fatal')
  assert.equal((long[0] as {reason: string}).reason, 'line-too-long')
  const refused = frame('t7 APPEND INBOX {5000}\r\nt8 NOOP\r\n', 9)
  assert.deepEqual(refused[0], {kind: 'literal-refused', tag: 't7', size: 5000})
  assert.deepEqual(commands(refused), ['t8 NOOP'])
  const plus = frame('t9 APPEND INBOX {5000+}\r\n', 9)
  assert.deepEqual(plus[0], {kind: 'fatal', reason: 'literal-too-large', tag: 't9'})
  // A line without LF grows until the limit, then is fatal without waiting for more.
  const reader = new CommandReader(limits)
  reader.push(Buffer.alloc(250, 0x61))
  assert.equal(reader.next()?.kind, 'fatal')
})

test('reader: readLine for continuation lines, clear drops buffered input', () => {
  const reader = new CommandReader(limits)
  reader.push(Buffer.from('DONE\r\nc NOOP\r\n'))
  assert.equal(String(reader.readLine()), 'DONE')
  reader.clear()
  assert.equal(reader.next(), null)
  reader.push(Buffer.from('partial'))
  assert.equal(reader.readLine(), null)
})

function cursor(text: string): ArgumentCursor {
  return new ArgumentCursor(Buffer.from(text, 'latin1'))
}

function bad(fn: () => unknown, message: RegExp): void {
  assert.throws(fn, (e: unknown) => e instanceof ImapProtocolError && message.test(e.message))
}

test('cursor: atoms, quoted escapes, literals, lists, NIL, flags', () => {
  const c = cursor('tag1 "a \\"b\\" \\\\c" {3}\r\nxyz (\\Seen $Junk) NIL ]x')
  assert.equal(c.tag(), 'tag1')
  c.space()
  assert.equal(c.string(), 'a "b" \\c')
  c.space()
  assert.equal(c.astring(), 'xyz')
  c.space()
  assert.deepEqual(
    c.list((x) => x.flag()),
    ['\\Seen', '$Junk'],
  )
  c.space()
  assert.equal(c.nstring(), null)
  c.space()
  assert.equal(c.astring(), ']x')
  c.end()
  bad(() => cursor('"unterminated').string(), /Unterminated/)
  bad(() => cursor('"bad \\n escape"').string(), /escaped/)
  bad(() => cursor('+tag').tag(), /tag/)
  // Arguments are separated by exactly one space.
  const doubled = cursor('x  y')
  doubled.atom()
  doubled.space()
  bad(() => doubled.atom(), /atom/)
  bad(() => cursor('').space(), /space/)
  bad(() => cursor('99999999999').number(), /too large/)
})

test('sequence sets: ranges, *, reversed ranges, formatting', () => {
  const set = parseSequenceSet(cursor('1,3:5,*:9'))
  assert.deepEqual(set, [
    [1, 1],
    [3, 5],
    ['*', 9],
  ])
  assert.deepEqual(
    [1, 2, 3, 4, 5, 6, 8, 9, 12].filter((n) => inSequenceSet(set, n, 12)),
    [1, 3, 4, 5, 9, 12],
  )
  assert.ok(inSequenceSet(parseSequenceSet(cursor('*')), 7, 7))
  bad(() => parseSequenceSet(cursor('0:3')), /Invalid/)
  bad(() => parseSequenceSet(cursor('1::3')), /Invalid/)
  bad(() => parseSequenceSet(cursor('a')), /sequence set/)
  assert.equal(formatSequence([1, 2, 3, 7, 9, 10]), '1:3,7,9:10')
})

test('fetch items: macros, lists, sections with fields and partials', () => {
  assert.deepEqual(
    parseFetchItems(cursor('FAST')).map((i) => (i.kind === 'simple' ? i.name : '')),
    ['FLAGS', 'INTERNALDATE', 'RFC822.SIZE'],
  )
  const items = parseFetchItems(cursor('(UID rfc822.size BODY.PEEK[HEADER.FIELDS (From Subject)]<0.100> BODY[1.2.MIME] BODY[] BODY[3.TEXT]<5.10>)'))
  assert.equal(items.length, 6)
  const peek = items[2]!
  assert.ok(peek.kind === 'section')
  assert.equal(peek.peek, true)
  assert.deepEqual(peek.section, {path: [], specifier: 'HEADER.FIELDS', fields: ['From', 'Subject']})
  assert.deepEqual(peek.partial, {start: 0, length: 100})
  assert.equal(sectionLabel(peek.section), 'HEADER.FIELDS (From Subject)')
  const mime = items[3]!
  assert.ok(mime.kind === 'section')
  assert.deepEqual(mime.section, {path: [1, 2], specifier: 'MIME', fields: []})
  assert.equal(sectionLabel(mime.section), '1.2.MIME')
  bad(() => parseFetchItems(cursor('BODY[MIME]')), /part number/)
  bad(() => parseFetchItems(cursor('(FLAGS BOGUS)')), /Unknown fetch item BOGUS/)
  bad(() => parseFetchItems(cursor('BODY[0]')), /Part numbers/)
  bad(() => parseFetchItems(cursor('BODY[1]<1.0>')), /must not be 0/)
})

test('search: every key kind, NOT/OR/groups, CHARSET', () => {
  const key = parseSearch(cursor('CHARSET UTF-8 OR FROM "a b" (SUBJECT x UNSEEN) NOT DELETED SINCE 1-Feb-1994 UID 1:* LARGER 10 KEYWORD $Work HEADER X-Foo bar 2:4'))
  assert.equal(key.kind, 'and')
  if (key.kind !== 'and') return
  assert.deepEqual(key.keys[0], {
    kind: 'or',
    left: {kind: 'header', field: 'from', value: 'a b'},
    right: {
      kind: 'and',
      keys: [
        {kind: 'header', field: 'subject', value: 'x'},
        {kind: 'flag', flag: '\\Seen', present: false},
      ],
    },
  })
  assert.deepEqual(key.keys[1], {kind: 'not', key: {kind: 'flag', flag: '\\Deleted', present: true}})
  assert.deepEqual(key.keys[2], {kind: 'date', of: 'internal', op: 'since', day: {year: 1994, month: 2, day: 1}})
  assert.deepEqual(key.keys[3], {kind: 'uid', set: [[1, '*']]})
  assert.deepEqual(key.keys[4], {kind: 'size', op: 'larger', octets: 10})
  assert.deepEqual(key.keys[5], {kind: 'flag', flag: '$Work', present: true})
  assert.deepEqual(key.keys[6], {kind: 'header', field: 'x-foo', value: 'bar'})
  assert.deepEqual(key.keys[7], {kind: 'sequence', set: [[2, 4]]})
  for (const k of ['ALL', 'ANSWERED', 'NEW', 'OLD', 'RECENT', 'DRAFT', 'FLAGGED', 'SEEN', 'BODY x', 'TEXT x', 'TO x', 'CC x', 'BCC x', 'BEFORE 1-Jan-2020', 'ON 1-Jan-2020', 'SENTBEFORE 1-Jan-2020', 'SENTON 1-Jan-2020', 'SENTSINCE "1-Jan-2020"', 'SMALLER 5', 'UNKEYWORD x', '*'])
    assert.doesNotThrow(() => parseSearch(cursor(k)), k)
  assert.throws(
    () => parseSearch(cursor('CHARSET KOI8-R ALL')),
    (e: unknown) => e instanceof ImapProtocolError && e.status === 'NO' && e.code === 'BADCHARSET (UTF-8 US-ASCII)',
  )
  bad(() => parseSearch(cursor('SINCE 32-Foo-2020')), /Invalid date/)
  bad(() => parseSearch(cursor('BOGUS')), /Unknown search key/)
  bad(() => parseSearch(cursor('OR ALL')), /space/)
  bad(() => parseSearch(cursor('(ALL')), /"\)"/)
})
