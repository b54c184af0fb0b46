import assert from 'node:assert/strict'
import {test} from 'node:test'
import {Adjacent, atom, continuation, encodeValue, Literal, tagged, untagged, untaggedStatus} from '../../src/daemon/imap/response_composer.js'

const text = (b: Buffer): string => b.toString('latin1')

test('strings: quoted when safe, escaped; literal for 8-bit, CR/LF, NUL and long text', () => {
  assert.equal(text(encodeValue('plain')), '"plain"')
  assert.equal(text(encodeValue('a "q" \\ b')), '"a \\"q\\" \\\\ b"')
  assert.equal(text(encodeValue('')), '""')
  assert.equal(text(encodeValue('Jörg')), '{5}\r\nJ\xc3\xb6rg')
  assert.equal(text(encodeValue('two\r\nlines')), '{10}\r\ntwo\r\nlines')
  assert.equal(text(encodeValue(Buffer.from([0x61, 0x00]))), '{2}\r\na\x00')
  assert.ok(text(encodeValue('x'.repeat(5000))).startsWith('{5000}\r\n'))
  assert.equal(text(encodeValue(new Literal(Buffer.from('hi')))), '{2}\r\nhi')
  assert.equal(text(encodeValue(new Literal(Buffer.alloc(0)))), '{0}\r\n')
})

test('NIL, numbers, atoms and nested lists', () => {
  assert.equal(text(encodeValue([null, 42, atom('\\Seen'), ['a', []]])), '(NIL 42 \\Seen ("a" ()))')
  // Multipart BODYSTRUCTURE parts follow each other without a space.
  assert.equal(text(encodeValue([new Adjacent([['a'], ['b']]), 'MIXED'])), '(("a")("b") "MIXED")')
})

test('response lines: untagged data, status lines with codes, tagged, continuation', () => {
  assert.equal(text(untagged(3, atom('FETCH'), [atom('UID'), 7])), '* 3 FETCH (UID 7)\r\n')
  assert.equal(text(untaggedStatus('OK', 'UIDNEXT 5', 'Predicted next UID')), '* OK [UIDNEXT 5] Predicted next UID\r\n')
  assert.equal(text(tagged('a1', 'NO', null, 'bad\r\nthing')), 'a1 NO bad thing\r\n')
  assert.equal(text(continuation('')), '+ \r\n')
  assert.equal(text(continuation('Ready for literal data')), '+ Ready for literal data\r\n')
})
