/**
 * The POP3 session, driven through a fake transport with command streams a
 * client could send (USER/PASS, APOP, AUTH with continuations, STLS, the
 * TRANSACTION commands), reordered, mutated and random, in random chunks.
 *
 * Properties, per stream:
 *  - nothing escapes start, onData or onClose, no unhandled rejection, no
 *    onData call over the limit; no internal error is logged; nothing is
 *    written after the session closed the connection;
 *  - the output is whole POP3 responses: "+OK"/"-ERR" status lines of at
 *    most 512 octets, "+ " SASL continuations, and multi-line bodies only
 *    after +OK and always ended by "." (see popResponseProblem);
 *  - at most 16 KiB plus 256 bytes are written per input byte.
 * The message-number parsers return a number or null for any text.
 */
import {join} from 'node:path'
import {test} from 'node:test'
import fc from 'fast-check'
import {openMailStore} from '../../../src/daemon/mailstore/index.js'
import {createPopSession} from '../../../src/daemon/pop/index.js'
import {parseCount, parseMessageNumber} from '../../../src/daemon/pop/message_number.js'
import type {Directory} from '../../../src/daemon/session_types.js'
import {tempDir} from '../../helpers/cli.js'
import {testSettings} from '../../helpers/session_fixtures.js'
import {
  commandLines, commandStream, anyText, chunk, chunkSizes, commonSessionProblems, driveSession, expectTyped, FakeTransport, fuzzParams, MemoryWatch, popResponseProblem, SAMPLE_MESSAGES, sessionAssert, useFakeClock,
} from './fuzz_config.js'

const PLAIN = Buffer.from('\0ann\0pw').toString('base64')
const COMMANDS = [
  'CAPA', 'USER ann', 'PASS pw', 'USER ann\r\nPASS wrong', 'APOP ann c4c9334bac560ecc979e58001b3e22fb', `AUTH PLAIN ${PLAIN}`, `AUTH PLAIN\r\n${PLAIN}`, 'AUTH LOGIN\r\nYW5u\r\ncHc=',
  'AUTH CRAM-MD5\r\n*', 'AUTH SCRAM-SHA-256\r\nbixhPWFubixuPWFubixyPW5vbmNl', 'AUTH', 'STLS', 'STAT', 'LIST', 'LIST 2', 'UIDL', 'UIDL 1', 'RETR 1', 'TOP 1 0', 'TOP 3 5', 'DELE 2', 'RSET', 'NOOP', 'QUIT',
]
const TOKENS = [' ', '\t', '\r\n', '\n', 'USER', 'PASS', 'APOP', 'AUTH', 'RETR', 'TOP', 'LIST', 'UIDL', 'DELE', '1', '0', '-1', '99999999999', 'ann', 'pw', '*', '=', '\0', '\xff']
const SAMPLES = [commandLines(COMMANDS), commandLines(['USER ann', 'PASS pw', 'LIST', 'RETR 1', 'TOP 1 1', 'QUIT'])]

const stream = commandStream({commands: COMMANDS, opening: ['USER ann', 'PASS pw'], samples: SAMPLES, tokens: TOKENS})

let users = 0

test('POP3 session: random and mutated command streams in random chunks; nothing escapes, replies are well-formed, output stays bounded', async (t) => {
  const store = openMailStore(join(tempDir(t, 'msgctl-fuzz-pop-'), 'mail.db'))
  t.after(() => store.close())
  const clock = useFakeClock()
  t.after(() => clock.restore())
  const memory = new MemoryWatch()
  await fc.assert(
    fc.asyncProperty(stream, chunkSizes, fc.array(fc.boolean(), {minLength: 1, maxLength: 4}), fc.boolean(), fc.constantFrom(0, 128), async (input, sizes, pauses, apop, plaintextMinCipher) => {
      const user = `u${++users}`
      for (const m of SAMPLE_MESSAGES.slice(0, 3)) store.deliver(user, m)
      const directory: Directory = {
        verifyPassword: async (_name, password) => (password === 'pw' ? user : null),
        lookup: (name) => (name.toLowerCase() === 'ann' ? user : null),
        cleartextPassword: async () => 'pw',
      }
      const settings = testSettings({apop, plaintextMinCipher, saslMechanisms: ['PLAIN', 'LOGIN', 'CRAM-MD5', 'SCRAM-SHA-256', 'ANONYMOUS']})
      const transport = new FakeTransport(110)
      const run = await driveSession((tr) => createPopSession({transport: tr, settings, mail: store, directory, outbound: null}), transport, chunk(input, sizes), pauses, clock, 'POP3')
      sessionAssert(commonSessionProblems(run, 256, 16 * 1024), 'POP3', input, run)
      sessionAssert(popResponseProblem(transport.text()), 'POP3', input, run)
      memory.check('POP3 session')
    }),
    fuzzParams(4),
  )
})

test('POP3 message numbers: any text gives a number or null', () => {
  fc.assert(
    fc.property(fc.oneof(anyText(24), fc.constantFrom('1', '042', '0', '-0', '4294967296', '1e3', ' 1', '١')), (text) => {
      expectTyped('parseMessageNumber', text, () => parseMessageNumber(text), [])
      expectTyped('parseCount', text, () => parseCount(text), [])
    }),
    fuzzParams(2),
  )
})
