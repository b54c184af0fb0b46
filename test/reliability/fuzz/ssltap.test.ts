/**
 * ssltap decodes whatever crosses the wire between two peers it does not
 * trust: TLS records (SSLv2 hellos included) and, before STARTTLS, protocol
 * lines. Property: for random bytes and mutated captured sessions, in any
 * chunking and either direction, TapDecoder.feed, PlaintextPhase.feed and
 * both renderers never throw, each call stays within the time limit, and
 * memory stays bounded.
 */
import {join} from 'node:path'
import {test} from 'node:test'
import fc from 'fast-check'
import {jsonEvents, PlaintextPhase, renderEvents, TapDecoder, type Direction, type StartTlsProtocol} from '../../../src/core/ssltap/index.js'
import {ROOT} from '../../helpers/cli.js'
import {loadSteps} from '../../helpers/ssltap_replay.js'
import {bytesInput, chunk, chunkSizes, expectTyped, fuzzParams, MemoryWatch} from './fuzz_config.js'

const CAPTURES = ['tls12-session.json', 'tls13-session.json', 'starttls-split.json', 'sslv2-hello.json'].map((f) => loadSteps(join(ROOT, 'test', 'fixtures', 'ssltap', f)))
/** Each capture's steps, one direction's bytes glued, and single steps: whole records and record boundaries. */
const SAMPLES = [...CAPTURES.flatMap((steps) => steps.map((s) => s.bytes)), ...CAPTURES.map((steps) => Buffer.concat(steps.filter((s) => s.dir === 'c').map((s) => s.bytes)))]
const env = {now: () => 'T', saveCertificate: () => ({file: 'cert.000', ok: true})}

const stream = fc.array(fc.tuple(bytesInput(SAMPLES, 600), chunkSizes, fc.boolean()), {minLength: 1, maxLength: 4})

test('TapDecoder and renderers: random and mutated record streams never throw and stay bounded', () => {
  const memory = new MemoryWatch()
  fc.assert(
    fc.property(stream, fc.boolean(), fc.boolean(), (parts, full, extraHex) => {
      const decoder = new TapDecoder({full})
      for (const [bytes, sizes, toServer] of parts) {
        const dir: Direction = toServer ? 'c2s' : 's2c'
        for (const c of chunk(bytes, sizes)) {
          const events = expectTyped('TapDecoder.feed', c, () => decoder.feed(dir, c), [])!
          expectTyped('renderEvents', c, () => renderEvents(events, {ssl: true, extraHex, full}, env), [])
          expectTyped('jsonEvents', c, () => jsonEvents(1, dir, events, env.saveCertificate), [])
        }
      }
      memory.check('TapDecoder')
    }),
    fuzzParams(10),
  )
})

test('PlaintextPhase: random and mutated STARTTLS conversations never throw', () => {
  const lines = ['a1 STARTTLS\r\n', 'a1 OK Begin TLS\r\n', 'STLS\r\n', '+OK Begin TLS\r\n', 'EHLO x\r\n', '250-x\r\n250 STARTTLS\r\n', 'STARTTLS\r\n', '220 2.0.0 Ready\r\n', '* OK IMAP4rev1\r\n']
  const samples = [...lines.map((l) => Buffer.from(l)), ...SAMPLES.slice(0, 4)]
  fc.assert(
    fc.property(fc.constantFrom<StartTlsProtocol>('imap', 'pop3', 'smtp', 'auto'), fc.array(fc.tuple(bytesInput(samples, 300), chunkSizes, fc.boolean()), {minLength: 1, maxLength: 6}), (protocol, parts) => {
      const phase = new PlaintextPhase(protocol)
      for (const [bytes, sizes, toServer] of parts) {
        for (const c of chunk(bytes, sizes)) expectTyped('PlaintextPhase.feed', c, () => phase.feed(toServer ? 'c2s' : 's2c', c), [])
      }
    }),
    fuzzParams(5),
  )
})
