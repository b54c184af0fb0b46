/**
 * Messages are written by anyone who can send mail; IMAP FETCH shows their
 * structure to the mailbox owner. Properties, for random bytes and mutated
 * real messages (nested multiparts, message/rfc822, encodings, groups):
 *  - parseMessage, buildBodyStructure, buildEnvelope and parseAddressList
 *    never throw (documented: "never throws on malformed input"), within
 *    the time limit;
 *  - every IMAP FETCH item built from such a message encodes to a
 *    well-formed untagged FETCH response: nothing in a message can break
 *    the framing of the response that carries it.
 */
import {test} from 'node:test'
import fc from 'fast-check'
import {buildBodyStructure, buildEnvelope, headerValue, parseAddressList, parseMessage, type MimePart} from '../../../src/core/mime/index.js'
import {ArgumentCursor} from '../../../src/daemon/imap/argument_cursor.js'
import {fetchData} from '../../../src/daemon/imap/fetch_response.js'
import {parseFetchItems} from '../../../src/daemon/imap/fetch_items.js'
import {untagged} from '../../../src/daemon/imap/response_composer.js'
import {atom} from '../../../src/daemon/imap/response_composer.js'
import {bytesInput, expectTyped, fuzzParams, imapResponseProblem, MemoryWatch, SAMPLE_MESSAGES as MESSAGES} from './fuzz_config.js'

const FETCH_ITEMS = [
  'ALL', 'FULL', 'FAST', '(BODYSTRUCTURE ENVELOPE)', '(BODY RFC822.HEADER RFC822.TEXT RFC822.SIZE)',
  '(BODY.PEEK[] BODY[1] BODY[1.1] BODY[1.2.MIME] BODY[2.TEXT] BODY[2.HEADER] BODY[3]<0.4>)',
  '(BODY[HEADER.FIELDS (Subject From)] BODY[HEADER.FIELDS.NOT (To)] BODY[TEXT]<2.100>)', '(BODY[4.1.1.1.1] BODY[9] RFC822 FLAGS UID INTERNALDATE)',
].map((text) => parseFetchItems(new ArgumentCursor(Buffer.from(text))))

/** Reach every part and header, as IMAP and the web mail do. */
function walk(part: MimePart, depth = 0): void {
  void [part.bodySize, part.bodyLines, part.body().length, part.headerBytes().length, part.contentType]
  for (const name of ['from', 'to', 'cc', 'reply-to', 'sender']) {
    const v = headerValue(part.header, name)
    if (v !== null) parseAddressList(v)
  }
  if (part.message) walk(part.message, depth + 1)
  for (const c of part.children) walk(c, depth + 1)
}

test('parseMessage and its structures: any bytes give a part tree; no structure call throws', () => {
  const memory = new MemoryWatch()
  // Found by this test: a ")" outside a comment made the address tokenizer loop for ever (and eat memory).
  const examples: [Buffer][] = [[Buffer.from('From: a@b)\r\nTo: (x) y) <z@w>\r\n\r\n')]]
  fc.assert(
    fc.property(bytesInput(MESSAGES, 2000), (input) => {
      const root = expectTyped('parseMessage', input, () => parseMessage(input), [])!
      expectTyped('walk parts', input, () => walk(root), [])
      expectTyped('buildBodyStructure', input, () => buildBodyStructure(root), [])
      expectTyped('buildEnvelope', input, () => buildEnvelope(root.header), [])
      memory.check('parseMessage')
    }),
    {...fuzzParams(10), examples},
  )
})

test('IMAP FETCH of any message: every item encodes to a well-formed untagged FETCH response', () => {
  const memory = new MemoryWatch()
  fc.assert(
    fc.property(bytesInput(MESSAGES, 2000), fc.constantFrom(...FETCH_ITEMS), (input, items) => {
      const summary = {uid: 7, size: input.length, internalDate: new Date(0), flags: ['\\Seen']}
      const data = expectTyped('fetchData', input, () => fetchData(items, summary, summary.flags, () => input), [])!
      const response = untagged(1, atom('FETCH'), data)
      const problem = imapResponseProblem(response)
      if (problem !== null) throw new Error(`FETCH response is malformed: ${problem}\n  message: ${JSON.stringify(input.toString('latin1').slice(0, 400))}`)
      memory.check('fetchData')
    }),
    fuzzParams(10),
  )
})
