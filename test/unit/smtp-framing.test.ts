import assert from 'node:assert/strict'
import {test} from 'node:test'
import {DataReader} from '../../src/daemon/smtp/data_reader.js'
import {LineBuffer} from '../../src/daemon/smtp/line_buffer.js'
import {splitCommandLine} from '../../src/daemon/smtp/command_line.js'
import {formatSmtpReply, smtpReply} from '../../src/daemon/smtp/reply.js'
import {receivedHeader} from '../../src/daemon/smtp/received_header.js'
import {formatRfc5322Date} from '../../src/daemon/smtp/rfc5322_date.js'

const b = (s: string): Buffer => Buffer.from(s, 'latin1')

function lines(buffer: LineBuffer): Array<string | 'TOO LONG'> {
  const out: Array<string | 'TOO LONG'> = []
  for (let l = buffer.nextLine(); l; l = buffer.nextLine()) out.push(l.tooLong ? 'TOO LONG' : l.bytes.toString('latin1'))
  return out
}

test('line buffer splits on CRLF and bare LF, across chunks', () => {
  const lb = new LineBuffer(512)
  lb.push(b('EHLO a\r\nNO'))
  assert.deepEqual(lines(lb), ['EHLO a'])
  lb.push(b('OP\r'))
  assert.deepEqual(lines(lb), [])
  lb.push(b('\nQUIT\n'))
  assert.deepEqual(lines(lb), ['NOOP', 'QUIT'])
})

test('an over-long line is dropped as it arrives and reported once, then lines flow again', () => {
  const lb = new LineBuffer(16)
  lb.push(b('x'.repeat(40)))
  assert.deepEqual(lines(lb), [])
  assert.equal(lb.bufferedBytes, 0, 'nothing of the long line is held')
  lb.push(b('y'.repeat(40) + '\r\nNOOP\r\n'))
  assert.deepEqual(lines(lb), ['TOO LONG', 'NOOP'])
  // Exactly at the limit (14 + CRLF = 16) is fine; one more is not.
  lb.push(b('a'.repeat(14) + '\r\n' + 'a'.repeat(15) + '\r\n'))
  assert.deepEqual(lines(lb), ['a'.repeat(14), 'TOO LONG'])
})

test('line buffer keeps what follows for a raw reader and takes it back', () => {
  const lb = new LineBuffer(512)
  lb.push(b('DATA\r\nhello\r\n.\r\nQUIT\r\n'))
  assert.deepEqual(lb.nextLine()?.bytes.toString(), 'DATA')
  const rest = lb.takeAll()
  assert.equal(rest.toString(), 'hello\r\n.\r\nQUIT\r\n')
  lb.unshift(rest.subarray(rest.indexOf('QUIT')))
  assert.deepEqual(lines(lb), ['QUIT'])
})

function readAll(chunks: string[], max = 0): {message: string | null; rest: string | null; size: number} {
  const reader = new DataReader(max)
  let rest: Buffer | null = null
  for (const c of chunks) {
    rest = reader.push(b(c))
    if (rest) break
  }
  const result = reader.result()
  return {message: rest ? (result.message?.toString('latin1') ?? null) : 'INCOMPLETE', rest: rest?.toString('latin1') ?? null, size: result.size}
}

test('DATA reader: end marker, dot-unstuffing, and the bytes after the end', () => {
  assert.deepEqual(readAll(['Subject: x\r\n\r\nhi\r\n.\r\nQUIT\r\n']), {message: 'Subject: x\r\n\r\nhi\r\n', rest: 'QUIT\r\n', size: 18})
  assert.deepEqual(readAll(['..a\r\n...\r\n.b\r\n.\r\n']).message, '.a\r\n..\r\nb\r\n')
  assert.deepEqual(readAll(['.\r\n']).message, '')
})

test('DATA reader: the end marker split at every possible point', () => {
  const text = 'a\r\n.x\r\n.\r\nNEXT'
  for (let cut = 0; cut <= text.length; cut++) {
    for (let cut2 = cut; cut2 <= text.length; cut2++) {
      const r = readAll([text.slice(0, cut), text.slice(cut, cut2), text.slice(cut2)])
      assert.equal(r.message, 'a\r\nx\r\n', `cuts ${cut},${cut2}`)
    }
  }
})

test('DATA reader: bare LF and lone CR are content, never an end (no smuggling)', () => {
  assert.equal(readAll(['a\n.\nb\r.\rc\r\n.\r\n']).message, 'a\n.\nb\r.\rc\r\n')
  // A dot line followed by CR then something else keeps that CR.
  assert.equal(readAll(['x\r\n.\r', 'y\r\n.\r\n']).message, 'x\r\n\ry\r\n')
  assert.equal(readAll(['x\r\n', '.', '\r', '\n']).message, 'x\r\n')
})

test('DATA reader: 8-bit bytes pass untouched', () => {
  const body = Buffer.from([0x48, 0xe9, 0xff, 0x00, 0x80, 0x0d, 0x0a])
  const reader = new DataReader(0)
  const rest = reader.push(Buffer.concat([body, b('.\r\n')]))
  assert.ok(rest)
  assert.deepEqual(reader.result().message, body)
})

test('DATA reader: over the limit keeps counting but holds nothing', () => {
  const r = readAll(['0123456789\r\n', '0123456789\r\n', '.\r\nQUIT\r\n'], 20)
  assert.equal(r.message, null)
  assert.equal(r.rest, 'QUIT\r\n')
  assert.equal(r.size, 24)
  assert.equal(readAll(['0123456789\r\n.\r\n'], 12).message, '0123456789\r\n')
})

test('command lines: verb upper-cased, control characters refused', () => {
  assert.deepEqual(splitCommandLine(b('mail FROM:<a@b>')), {ok: true, verb: 'MAIL', args: 'FROM:<a@b>'})
  assert.deepEqual(splitCommandLine(b('QUIT')), {ok: true, verb: 'QUIT', args: ''})
  assert.equal(splitCommandLine(b('NO\0OP')).ok, false)
  assert.equal(splitCommandLine(b('\x1b[2J')).ok, false)
  assert.equal(splitCommandLine(b('')).ok, false)
  assert.equal(splitCommandLine(b('  ')).ok, false)
})

test('replies: single, multi-line, with and without enhanced codes', () => {
  assert.equal(formatSmtpReply(smtpReply(250, '2.0.0', 'Ok')), '250 2.0.0 Ok\r\n')
  assert.equal(formatSmtpReply(smtpReply(250, null, ['mx Hello', 'PIPELINING', 'HELP'])), '250-mx Hello\r\n250-PIPELINING\r\n250 HELP\r\n')
})

test('Received line: protocol name per RFC 3848, folded, address literal, hostile HELO neutralised', () => {
  const base = {helo: 'client.example', remoteAddress: '192.0.2.7', hostname: 'mx.example', esmtp: true, tls: true, authenticated: true, id: 'ABC', date: new Date()}
  const r = receivedHeader(base)
  assert.match(r, /^Received: from client\.example \(\[192\.0\.2\.7\]\)\r\n\tby mx\.example \(msgctl\) with ESMTPSA id ABC;\r\n\t\w{3}, \d\d \w{3} \d{4} \d\d:\d\d:\d\d [+-]\d{4}\r\n$/)
  for (const line of r.split('\r\n')) assert.ok(line.length <= 78, line)
  assert.match(receivedHeader({...base, esmtp: false}), / with SMTP id/)
  assert.match(receivedHeader({...base, tls: false, authenticated: false}), / with ESMTP id/)
  assert.match(receivedHeader({...base, remoteAddress: '::1'}), /\(\[IPv6:::1\]\)/)
  assert.match(receivedHeader({...base, helo: 'a b\u00e9'}), /from a\?b\? \(/)
})

test('RFC 5322 date', () => {
  const d = new Date(2026, 0, 5, 7, 8, 9)
  assert.match(formatRfc5322Date(d), /^Mon, 05 Jan 2026 07:08:09 [+-]\d{4}$/)
})
