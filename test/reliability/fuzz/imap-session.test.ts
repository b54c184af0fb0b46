/**
 * The IMAP session, driven through a fake transport with command streams a
 * client could send: real commands (literals, SASL, IDLE, STARTTLS, UID
 * forms) in random order, mutated (flips, truncation, duplication,
 * splicing, lying {n} sizes), and random bytes, cut into random chunks.
 *
 * Properties, per stream:
 *  - nothing escapes start, onData or onClose, and no unhandled rejection
 *    happens while the session works; no onData call takes over the limit;
 *  - the session never reports an internal error (SERVERBUG) and never
 *    writes after it closed the connection;
 *  - everything written is a sequence of whole, well-formed responses
 *    (tagged, untagged, continuation; see imapResponseProblem);
 *  - it writes at most 16 KiB plus 256 bytes per input byte.
 * The parsers behind the commands get the same input directly too: they
 * return or throw ImapProtocolError, nothing else.
 */
import {join} from 'node:path'
import {test} from 'node:test'
import fc from 'fast-check'
import {ArgumentCursor} from '../../../src/daemon/imap/argument_cursor.js'
import {CommandReader} from '../../../src/daemon/imap/command_reader.js'
import {parseFetchItems} from '../../../src/daemon/imap/fetch_items.js'
import {parseFlagList} from '../../../src/daemon/imap/flag_list.js'
import {parseDateTime, parseSearchDate} from '../../../src/daemon/imap/imap_date.js'
import {createImapSession} from '../../../src/daemon/imap/index.js'
import {MailboxPattern} from '../../../src/daemon/imap/mailbox_pattern.js'
import {ImapProtocolError} from '../../../src/daemon/imap/protocol_error.js'
import {parseSearch} from '../../../src/daemon/imap/search_keys.js'
import {parseSequenceSet} from '../../../src/daemon/imap/sequence_set.js'
import {openMailStore} from '../../../src/daemon/mailstore/index.js'
import type {Directory} from '../../../src/daemon/session_types.js'
import {tempDir} from '../../helpers/cli.js'
import {testSettings} from '../../helpers/session_fixtures.js'
import {
  commandLines, commandStream, anyBytes, chunk, chunkSizes, commonSessionProblems, driveSession, expectTyped, FakeTransport, fuzzParams, imapResponseProblem, MemoryWatch, mutated, SAMPLE_MESSAGES, sessionAssert, tokenSoup, useFakeClock,
} from './fuzz_config.js'

const PLAIN = Buffer.from('\0ann\0pw').toString('base64')
const APPENDED = 'Subject: appended\r\n\r\nhello\r\n'
/** One command each (with what follows it: literal data, SASL lines, DONE), as a client would send it. */
const COMMANDS = [
  'a1 CAPABILITY', 'a2 NOOP', 'a3 LOGIN ann pw', 'a3 LOGIN "ann" {2}\r\npw', 'a3 LOGIN {3+}\r\nann "pw"', `a4 AUTHENTICATE PLAIN ${PLAIN}`, `a4 AUTHENTICATE PLAIN\r\n${PLAIN}`,
  'a4 AUTHENTICATE LOGIN\r\nYW5u\r\ncHc=', 'a4 AUTHENTICATE CRAM-MD5\r\n*', 'a4 AUTHENTICATE SCRAM-SHA-256 =', 'a5 STARTTLS', 'a6 ID ("name" "fuzz" "version" NIL)', 'a7 ENABLE CONDSTORE',
  'b1 SELECT INBOX', 'b1 EXAMINE "INBOX"', 'b2 CREATE Archive/2027', 'b3 LIST "" *', 'b3 LIST "" "%"', 'b3 LSUB "" *', 'b4 STATUS INBOX (MESSAGES RECENT UIDNEXT UIDVALIDITY UNSEEN)',
  'b5 RENAME Archive/2027 Old', 'b6 DELETE Old', 'b7 SUBSCRIBE INBOX', 'b7 UNSUBSCRIBE INBOX', 'b8 NAMESPACE', `b9 APPEND INBOX (\\Seen $Label) "01-Mar-2027 10:00:00 +0100" {${APPENDED.length}}\r\n${APPENDED}`,
  `b9 APPEND INBOX {${APPENDED.length}+}\r\n${APPENDED}`, 'c1 FETCH 1:* (FLAGS UID RFC822.SIZE INTERNALDATE ENVELOPE BODYSTRUCTURE)', 'c1 FETCH 1 (BODY.PEEK[HEADER.FIELDS (Subject From)] BODY[1.MIME] BODY[TEXT]<0.20>)',
  'c1 FETCH * BODY[]', 'c1 UID FETCH 1:* (FLAGS)', 'c2 STORE 1:2 +FLAGS.SILENT (\\Deleted)', 'c2 UID STORE 1 -FLAGS (\\Seen)', 'c2 STORE 1 FLAGS ($Junk)',
  'c3 SEARCH OR SUBJECT hello NOT SEEN SINCE 1-Jan-2020', 'c3 UID SEARCH CHARSET UTF-8 BODY "x" LARGER 10 UID 1:*', 'c3 SEARCH HEADER "Message-ID" "<1@example.test>" (DELETED OR NEW OLD)',
  'c4 COPY 1:* Archive/2027', 'c4 UID MOVE 2 INBOX', 'c5 EXPUNGE', 'c5 UID EXPUNGE 1:3', 'c6 CHECK', 'c7 CLOSE', 'c7 UNSELECT', 'c8 IDLE\r\nDONE', 'z LOGOUT',
]
const TOKENS = [' ', '\r\n', '\n', '"', '{', '}', '{5}\r\n', '{99999999999}\r\n', '{0+}\r\n', '(', ')', '[', ']', '<', '>', '*', '%', '\\', ':', ',', '1', '*:1', 'a1', 'UID', 'FETCH', 'BODY[', 'SEARCH', 'LOGIN', 'SELECT', 'INBOX', 'NIL', '\0', '\xff']

const SAMPLES = [commandLines(COMMANDS), commandLines(['a LOGIN ann pw', 'b SELECT INBOX', 'c FETCH 1:* (BODY[] BODYSTRUCTURE)', 'd LOGOUT'])]

const stream = commandStream({commands: COMMANDS, opening: ['a LOGIN ann pw', 'b SELECT INBOX'], samples: SAMPLES, tokens: TOKENS})

let users = 0

test('IMAP session: random and mutated command streams in random chunks; nothing escapes, replies are well-formed, output stays bounded', async (t) => {
  const store = openMailStore(join(tempDir(t, 'msgctl-fuzz-imap-'), 'mail.db'))
  t.after(() => store.close())
  const clock = useFakeClock()
  t.after(() => clock.restore())
  const memory = new MemoryWatch()
  await fc.assert(
    fc.asyncProperty(stream, chunkSizes, fc.array(fc.boolean(), {minLength: 1, maxLength: 4}), fc.constantFrom(0, 128, -1), async (input, sizes, pauses, plaintextMinCipher) => {
      // A user of its own per run: a fresh INBOX of three messages, nothing left over from other runs.
      const user = `u${++users}`
      for (const m of SAMPLE_MESSAGES.slice(0, 3)) store.deliver(user, m)
      const directory: Directory = {
        verifyPassword: async (_name, password) => (password === 'pw' ? user : null),
        lookup: (name) => (name.toLowerCase() === 'ann' ? user : null),
        cleartextPassword: async () => 'pw',
      }
      const settings = testSettings({maxLineLength: 2048, maxMessageSize: 100_000, plaintextMinCipher, saslMechanisms: ['PLAIN', 'LOGIN', 'CRAM-MD5', 'DIGEST-MD5', 'SCRAM-SHA-256', 'ANONYMOUS']})
      const transport = new FakeTransport(143)
      const run = await driveSession((tr) => createImapSession({transport: tr, settings, mail: store, directory, outbound: null}), transport, chunk(input, sizes), pauses, clock, 'IMAP')
      sessionAssert(commonSessionProblems(run, 256, 16 * 1024), 'IMAP', input, run)
      sessionAssert(imapResponseProblem(transport.text()), 'IMAP', input, run)
      memory.check('IMAP session')
    }),
    fuzzParams(4),
  )
})

/** Each argument parser, as the commands call it after the tag and name. */
const PARSERS: readonly [string, (c: ArgumentCursor) => unknown][] = [
  ['parseSequenceSet', parseSequenceSet],
  ['parseFetchItems', parseFetchItems],
  ['parseSearch', parseSearch],
  ['parseFlagList', parseFlagList],
  ['astring/list/nstring', (c) => [c.astring(), c.space(), c.list((x) => x.nstring())]],
  ['listMailbox', (c) => new MailboxPattern('', c.listMailbox())],
]

test('IMAP argument parsers: any command text returns or throws ImapProtocolError; the reader frames any bytes', () => {
  const args = COMMANDS.map((c) => Buffer.from(c.replace(/^\S+ (UID )?\S+ ?/, ''), 'latin1'))
  fc.assert(
    fc.property(fc.oneof(mutated(args), tokenSoup(TOKENS, 40).map((s) => Buffer.from(s, 'latin1')), anyBytes(200)), fc.nat(PARSERS.length - 1), chunkSizes, (bytes, which, sizes) => {
      const [name, parse] = PARSERS[which]!
      expectTyped(name, bytes, () => parse(new ArgumentCursor(bytes)), [ImapProtocolError])
      const text = bytes.toString('latin1')
      expectTyped('parseDateTime', text, () => parseDateTime(text), [])
      expectTyped('parseSearchDate', text, () => parseSearchDate(text), [])
      const reader = new CommandReader({maxLineLength: 512, maxLiteralSize: 10_000})
      for (const c of chunk(bytes, sizes)) {
        expectTyped('CommandReader', c, () => {
          reader.push(c)
          for (let e = reader.next(); e !== null; e = reader.next()) if (e.kind === 'fatal') break
        }, [])
      }
    }),
    fuzzParams(10),
  )
})
