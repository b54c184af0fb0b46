import assert from 'node:assert/strict'
import {join} from 'node:path'
import {test} from 'node:test'
import {jsonEvents, renderEvents, TapDecoder, type Direction} from '../../src/core/ssltap/index.js'
import {ROOT} from '../helpers/cli.js'
import {loadSteps} from '../helpers/ssltap_replay.js'

/** xorshift32: a small seeded PRNG, so a failure can be replayed from its seed. */
function prng(seed: number): () => number {
  let x = seed >>> 0 || 1
  return () => {
    x ^= x << 13
    x >>>= 0
    x ^= x >>> 17
    x ^= x << 5
    x >>>= 0
    return x
  }
}

const CASES = 100_000
const SEED = 0x5eed1924

test(`fuzz: ${CASES} random and mutated record streams never throw and stay bounded`, () => {
  const seeds = ['tls12-session.json', 'tls13-session.json', 'starttls-split.json', 'sslv2-hello.json'].flatMap((f) => loadSteps(join(ROOT, 'test', 'fixtures', 'ssltap', f)))
  const rnd = prng(SEED)
  const env = {now: () => 'T', saveCertificate: () => ({file: 'cert.000', ok: true})}
  const started = Date.now()
  let bytes = 0
  // Output is bounded by input: no more than two events per byte fed (an SSLv2 header is 2 bytes, 3 events, once per
  // record), and rendered text within a fixed factor of what the decoder was fed (this seed's worst is about 36).
  let worstEvents = 0
  let worstText = 0
  for (let i = 0; i < CASES; i++) {
    const dec = new TapDecoder({full: (i & 1) === 1})
    let fed = 0
    let text = 0
    const chunks = 1 + (rnd() % 4)
    for (let k = 0; k < chunks; k++) {
      let buf: Buffer
      const mode = rnd() % 4
      if (mode === 0) {
        buf = Buffer.alloc(1 + (rnd() % 300))
        for (let j = 0; j < buf.length; j++) buf[j] = rnd() & 255
        if (rnd() % 2) buf[0] = 20 + (rnd() % 5) // look like a record often
      } else {
        const src = seeds[rnd() % seeds.length]!.bytes
        const from = rnd() % src.length
        buf = Buffer.from(src.subarray(mode === 1 ? 0 : from, Math.min(src.length, from + 1 + (rnd() % 2000))))
        const flips = rnd() % 8
        for (let j = 0; j < flips && buf.length > 0; j++) buf[rnd() % buf.length] = rnd() & 255
      }
      bytes += buf.length
      fed += buf.length
      const dir: Direction = rnd() % 2 ? 'c2s' : 's2c'
      const events = dec.feed(dir, buf)
      text += renderEvents(events, {ssl: true, extraHex: (i & 2) === 2, full: (i & 1) === 1}, env).length
      if ((i & 7) === 0) jsonEvents(1, dir, events, env.saveCertificate)
      worstEvents = Math.max(worstEvents, events.length - 2 * buf.length)
      worstText = Math.max(worstText, text - 64 * fed)
    }
  }
  assert.ok(worstEvents <= 2, `a feed gave ${worstEvents} events more than two per byte`)
  assert.ok(worstText <= 1024, `rendered text ran ${worstText} characters past 64 per byte fed`)
  const ms = Date.now() - started
  process.stdout.write(`# fuzz: ${CASES} streams, ${(bytes / 1048576).toFixed(1)} MiB in ${ms} ms (seed 0x${SEED.toString(16)})\n`)
})

test('a record that lies about its length is buffered at most one record (64 KiB), then resolves', () => {
  const dec = new TapDecoder()
  const header = Buffer.from([0x17, 3, 3, 0xff, 0xff])
  const events = dec.feed('c2s', header)
  for (let i = 0; i < 100; i++) events.push(...dec.feed('c2s', Buffer.alloc(1000, 0x41)))
  assert.ok(events.some((e) => e.kind === 'record'), 'the 65535-byte record completes and is shown')
  assert.ok(events.some((e) => e.kind === 'partial'))
})
