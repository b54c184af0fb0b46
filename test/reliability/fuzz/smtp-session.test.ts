/**
 * The SMTP session, driven through a fake transport with command streams a
 * client could send (EHLO, AUTH with continuations, STARTTLS, MAIL/RCPT with
 * parameters, DATA with dot-stuffed content, pipelined), reordered,
 * mutated and random, in random chunks.
 *
 * Properties, per stream:
 *  - nothing escapes start, onData or onClose, no unhandled rejection, no
 *    onData call over the limit; no internal error is logged; nothing is
 *    written after the session closed the connection;
 *  - the output is whole SMTP replies: "ddd-" lines continued by the same
 *    code and ended by "ddd ", 2xx-5xx, at most 512 octets, printable ASCII
 *    (see smtpReplyProblem);
 *  - at most 16 KiB plus 256 bytes are written per input byte.
 */
import {join} from 'node:path'
import {test} from 'node:test'
import fc from 'fast-check'
import {openMailStore} from '../../../src/daemon/mailstore/index.js'
import type {Directory} from '../../../src/daemon/session_types.js'
import {createSmtpSession} from '../../../src/daemon/smtp/index.js'
import {tempDir} from '../../helpers/cli.js'
import {testSettings} from '../../helpers/session_fixtures.js'
import {
  commandLines, commandStream, chunk, chunkSizes, commonSessionProblems, driveSession, FakeTransport, fuzzParams, MemoryWatch, SAMPLE_MESSAGES, sessionAssert, smtpReplyProblem, useFakeClock,
} from './fuzz_config.js'

const PLAIN = Buffer.from('\0ann\0pw').toString('base64')
const MESSAGE = SAMPLE_MESSAGES[1]!.toString('latin1').replace(/^\./gm, '..')
const COMMANDS = [
  'EHLO client.example.test', 'HELO client', 'EHLO [192.0.2.7]', 'STARTTLS', `AUTH PLAIN ${PLAIN}`, `AUTH PLAIN\r\n${PLAIN}`, 'AUTH LOGIN\r\nYW5u\r\ncHc=', 'AUTH CRAM-MD5\r\n*', 'AUTH PLAIN =',
  'MAIL FROM:<sender@example.test>', 'MAIL FROM:<> SIZE=300 BODY=8BITMIME', 'MAIL FROM:<"a b"@[192.0.2.1]> AUTH=<>', 'RCPT TO:<ann@example.test>', 'RCPT TO:<Postmaster>', 'RCPT TO:<x@elsewhere.test> NOTIFY=NEVER',
  `DATA\r\n${MESSAGE}\r\n.`, 'DATA\r\n.', 'RSET', 'NOOP', 'VRFY ann', 'HELP', 'XPROXYEHLO 192.0.2.9 client.example.test', 'QUIT',
]
const TOKENS = [' ', '\r\n', '\n', '.\r\n', '\r\n.\r\n', 'MAIL FROM:', 'RCPT TO:', '<', '>', '@', 'DATA', 'EHLO', 'AUTH', 'SIZE=', '99999999999999', 'BODY=', '8BITMIME', '"', '\\', '[', ']', '\0', '\xff', 'é']
const SAMPLES = [commandLines(COMMANDS), commandLines(['EHLO x', `AUTH PLAIN ${PLAIN}`, 'MAIL FROM:<a@b.test>', 'RCPT TO:<ann@example.test>', `DATA\r\n${MESSAGE}\r\n.`, 'QUIT'])]

const stream = commandStream({commands: COMMANDS, opening: ['EHLO client.example.test'], samples: SAMPLES, tokens: TOKENS})

let users = 0

test('SMTP session: random and mutated command streams in random chunks; nothing escapes, replies are well-formed, output stays bounded', async (t) => {
  const store = openMailStore(join(tempDir(t, 'msgctl-fuzz-smtp-'), 'mail.db'))
  t.after(() => store.close())
  const clock = useFakeClock()
  t.after(() => clock.restore())
  const memory = new MemoryWatch()
  await fc.assert(
    fc.asyncProperty(stream, chunkSizes, fc.array(fc.boolean(), {minLength: 1, maxLength: 4}), fc.boolean(), fc.constantFrom(0, 128), async (input, sizes, pauses, submission, plaintextMinCipher) => {
      const user = `u${++users}`
      const directory: Directory = {
        verifyPassword: async (_name, password) => (password === 'pw' ? user : null),
        lookup: (name) => (name.toLowerCase() === 'ann' ? user : null),
        cleartextPassword: async () => 'pw',
      }
      const settings = testSettings({submission, plaintextMinCipher, maxMessageSize: 20_000, saslMechanisms: ['PLAIN', 'LOGIN', 'CRAM-MD5', 'SCRAM-SHA-256']})
      const transport = new FakeTransport(25)
      const run = await driveSession((tr) => createSmtpSession({transport: tr, settings, mail: store, directory, outbound: null}), transport, chunk(input, sizes), pauses, clock, 'SMTP')
      sessionAssert(commonSessionProblems(run, 256, 16 * 1024), 'SMTP', input, run)
      sessionAssert(smtpReplyProblem(transport.text()), 'SMTP', input, run)
      memory.check('SMTP session')
    }),
    fuzzParams(4),
  )
})

// Found by this fuzz: the EHLO greeting echoed the client's name, 8-bit bytes included.
test('SMTP replies stay 7-bit when the client sends 8-bit (the EHLO greeting echoes the name)', async (t) => {
  const store = openMailStore(join(tempDir(t, 'msgctl-fuzz-smtp-'), 'mail.db'))
  t.after(() => store.close())
  const clock = useFakeClock()
  t.after(() => clock.restore())
  const directory: Directory = {verifyPassword: async () => null, lookup: () => null}
  const transport = new FakeTransport(25)
  const run = await driveSession((tr) => createSmtpSession({transport: tr, settings: testSettings(), mail: store, directory, outbound: null}), transport, [Buffer.from('EHLO \xffclient\r\nHELO caf\xe9\r\n', 'latin1')], [true], clock, 'SMTP')
  sessionAssert(smtpReplyProblem(transport.text()), 'SMTP', Buffer.from('EHLO \xffclient'), run)
})

// Found by this fuzz after the EHLO fix: a MAIL FROM / RCPT TO parameter error quoted the
// client's keyword, 8-bit bytes included. formatSmtpReply now keeps every reply 7-bit.
test('SMTP parameter errors stay 7-bit when the client sends 8-bit', async (t) => {
  const store = openMailStore(join(tempDir(t, 'msgctl-fuzz-smtp-'), 'mail.db'))
  t.after(() => store.close())
  const clock = useFakeClock()
  t.after(() => clock.restore())
  const directory: Directory = {verifyPassword: async () => null, lookup: () => null}
  const transport = new FakeTransport(25)
  const input = Buffer.from('EHLO client\r\nMAIL FROM:<> \x80IZE=300\r\n', 'latin1')
  const run = await driveSession((tr) => createSmtpSession({transport: tr, settings: testSettings(), mail: store, directory, outbound: null}), transport, [input], [true], clock, 'SMTP')
  sessionAssert(smtpReplyProblem(transport.text()), 'SMTP', input, run)
})
