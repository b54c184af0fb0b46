/**
 * Shared by the fuzz tests: the seed and run count (fixed and small in CI,
 * overridden for long runs by bench/fuzz-long.mjs), arbitraries for random
 * and mutated input, and the checks every parser is held to.
 *
 *   MSGCTL_FUZZ_SEED         integer seed (default below); a failure prints it
 *                            with fast-check's replay path
 *   MSGCTL_FUZZ_RUNS         runs per property (default below); each test scales it
 *   MSGCTL_FUZZ_MAX_CALL_MS  time one parser call may take (default 1000)
 *
 * A call that never returns is caught by a watchdog thread, which prints the
 * input's file and ends the process (see watchEnter).
 */
import {AssertionError} from 'node:assert'
import {syncBuiltinESMExports} from 'node:module'
import {mock} from 'node:test'
import v8 from 'node:v8'
import vm from 'node:vm'
import {Worker} from 'node:worker_threads'
import fc from 'fast-check'
import type {ProtocolSession, Transport} from '../../../src/daemon/session_types.js'

const DEFAULT_SEED = 0x6d736763 // "msgc"
const DEFAULT_RUNS = 150

function envInteger(name: string, fallback: number): number {
  const text = process.env[name]
  if (text === undefined || text.trim() === '') return fallback
  const n = Number(text)
  if (!Number.isSafeInteger(n)) throw new Error(`${name}=${JSON.stringify(text)} is not an integer`)
  return n
}

export const FUZZ_SEED = envInteger('MSGCTL_FUZZ_SEED', DEFAULT_SEED) | 0
export const FUZZ_RUNS = Math.max(1, envInteger('MSGCTL_FUZZ_RUNS', DEFAULT_RUNS))
/** One parser call may take this long; more is a hang or a blow-up (input sizes here stay under 64 KiB). */
export const MAX_CALL_MS = envInteger('MSGCTL_FUZZ_MAX_CALL_MS', 1000)
/** Memory a batch may keep (heap plus array buffers) after a full GC. */
export const MAX_GROWTH_BYTES = 200 * 1024 * 1024

// The test runner shows this line as a comment: the seed of every run is in the CI log.
process.stdout.write(`fuzz: seed ${FUZZ_SEED} (MSGCTL_FUZZ_SEED), ${FUZZ_RUNS} runs per property (MSGCTL_FUZZ_RUNS)\n`)

/** fast-check parameters for a property that runs `scale` times the base count. */
export function fuzzParams<T>(scale = 1): fc.Parameters<T> {
  return {seed: FUZZ_SEED, numRuns: Math.max(1, Math.round(FUZZ_RUNS * scale)), verbose: 1}
}

// ---------------------------------------------------------------------------
// Input: arbitrary bytes, token soups, and mutations of valid samples
// ---------------------------------------------------------------------------

export const anyBytes = (maxLength = 512): fc.Arbitrary<Buffer> => fc.uint8Array({maxLength}).map((a) => Buffer.from(a))

/**
 * One UTF-16 character of any kind: ASCII (controls included) most often,
 * then Latin-1, the BMP, astral code points and lone surrogates. Built from
 * integers: fast-check's own 'binary' unit builds a table of all of Unicode
 * per arbitrary, which costs seconds.
 */
const anyChar: fc.Arbitrary<string> = fc.oneof(
  {weight: 8, arbitrary: fc.integer({min: 0, max: 0x7f}).map((c) => String.fromCharCode(c))},
  {weight: 2, arbitrary: fc.integer({min: 0x80, max: 0xff}).map((c) => String.fromCharCode(c))},
  {weight: 2, arbitrary: fc.integer({min: 0x100, max: 0xffff}).map((c) => String.fromCharCode(c))},
  {weight: 1, arbitrary: fc.integer({min: 0x10000, max: 0x10ffff}).map((c) => String.fromCodePoint(c))},
)

/** Any UTF-16 text (lone surrogates included), as a JS string parser may be handed. */
export const anyText = (maxLength = 256): fc.Arbitrary<string> => fc.array(anyChar, {maxLength}).map((a) => a.join(''))

/** Protocol-shaped noise: random words from `tokens`, with short random strings between. */
export function tokenSoup(tokens: readonly string[], maxTokens = 40): fc.Arbitrary<string> {
  return fc.array(fc.oneof({weight: 4, arbitrary: fc.constantFrom(...tokens)}, {weight: 1, arbitrary: fc.string({maxLength: 4})}), {maxLength: maxTokens}).map((a) => a.join(''))
}

/** Values that break length fields and counters: zero, sign bits, "more bytes follow", huge. */
const LENGTH_LIES: readonly number[][] = [[0x00], [0x01], [0x7f], [0x80], [0x81], [0xff], [0x82, 0xff, 0xff], [0x84, 0x7f, 0xff, 0xff, 0xff], [0x84, 0xff, 0xff, 0xff, 0xff], [0xff, 0xff], [0x00, 0x00, 0x00, 0x00]]
/** Decimal numbers that break text counters ({n} literals, Content-Length, line numbers). */
const NUMBER_LIES: readonly string[] = ['0', '-1', '4294967295', '4294967296', '2147483648', '9007199254740993', '99999999999999999999999', '1e308', '00000000000000000000001']

export type Mutation =
  | {readonly kind: 'set'; readonly at: number; readonly value: number}
  | {readonly kind: 'truncate'; readonly at: number}
  | {readonly kind: 'delete'; readonly at: number; readonly length: number}
  | {readonly kind: 'duplicate'; readonly at: number; readonly length: number; readonly times: number}
  | {readonly kind: 'splice'; readonly at: number; readonly donor: number; readonly from: number; readonly length: number}
  | {readonly kind: 'insert'; readonly at: number; readonly bytes: Uint8Array}
  | {readonly kind: 'length-lie'; readonly at: number; readonly lie: number}
  | {readonly kind: 'number-lie'; readonly which: number; readonly lie: number}
  | {readonly kind: 'tlv-lie'; readonly which: number; readonly lie: number}

const position = fc.nat()
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  {weight: 4, arbitrary: fc.record({kind: fc.constant('set' as const), at: position, value: fc.nat(255)})},
  {weight: 2, arbitrary: fc.record({kind: fc.constant('truncate' as const), at: position})},
  {weight: 2, arbitrary: fc.record({kind: fc.constant('delete' as const), at: position, length: fc.integer({min: 1, max: 64})})},
  {weight: 2, arbitrary: fc.record({kind: fc.constant('duplicate' as const), at: position, length: fc.integer({min: 1, max: 256}), times: fc.integer({min: 1, max: 8})})},
  {weight: 2, arbitrary: fc.record({kind: fc.constant('splice' as const), at: position, donor: fc.nat(), from: position, length: fc.integer({min: 1, max: 256})})},
  {weight: 1, arbitrary: fc.record({kind: fc.constant('insert' as const), at: position, bytes: fc.uint8Array({minLength: 1, maxLength: 16})})},
  {weight: 3, arbitrary: fc.record({kind: fc.constant('length-lie' as const), at: position, lie: fc.nat(LENGTH_LIES.length - 1)})},
  {weight: 2, arbitrary: fc.record({kind: fc.constant('number-lie' as const), which: fc.nat(), lie: fc.nat(NUMBER_LIES.length - 1)})},
  {weight: 3, arbitrary: fc.record({kind: fc.constant('tlv-lie' as const), which: fc.nat(), lie: fc.nat(LENGTH_LIES.length - 1)})},
)

/** Identifier octets of the usual DER/BER elements (and TLS's handshake record type): where a length byte follows. */
const TAGS = new Set([0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x0c, 0x13, 0x16, 0x17, 0x18, 0x1e, 0x30, 0x31, 0x80, 0x81, 0x82, 0xa0, 0xa1, 0xa2, 0xa3, 0x24])

/** Mutated output never grows past this: the point is odd structure, not size. */
const MAX_MUTATED_BYTES = 64 * 1024

function applyMutation(input: Buffer, m: Mutation, samples: readonly Buffer[]): Buffer {
  const at = (n: number): number => n % (input.length + 1)
  switch (m.kind) {
    case 'set': {
      if (input.length === 0) return input
      const out = Buffer.from(input)
      out[m.at % input.length] = m.value
      return out
    }
    case 'truncate':
      return input.subarray(0, at(m.at))
    case 'delete': {
      const p = at(m.at)
      return Buffer.concat([input.subarray(0, p), input.subarray(p + m.length)])
    }
    case 'duplicate': {
      const p = at(m.at)
      const piece = input.subarray(p, p + m.length)
      return Buffer.concat([input.subarray(0, p + piece.length), ...Array<Buffer>(m.times).fill(piece), input.subarray(p + piece.length)])
    }
    case 'splice': {
      const donor = samples[m.donor % samples.length]!
      const from = m.from % (donor.length + 1)
      const p = at(m.at)
      return Buffer.concat([input.subarray(0, p), donor.subarray(from, from + m.length), input.subarray(p)])
    }
    case 'insert': {
      const p = at(m.at)
      return Buffer.concat([input.subarray(0, p), Buffer.from(m.bytes), input.subarray(p)])
    }
    case 'length-lie': {
      const lie = Buffer.from(LENGTH_LIES[m.lie]!)
      const p = at(m.at)
      return Buffer.concat([input.subarray(0, p), lie, input.subarray(p + lie.length)])
    }
    case 'tlv-lie': {
      // The length after a likely tag: what a byte picked at random rarely hits in a large structure.
      const tags: number[] = []
      for (let i = 0; i + 1 < input.length; i++) if (TAGS.has(input[i]!)) tags.push(i)
      if (tags.length === 0) return input
      const p = tags[m.which % tags.length]! + 1
      const lie = Buffer.from(LENGTH_LIES[m.lie]!)
      return Buffer.concat([input.subarray(0, p), lie, input.subarray(p + 1)])
    }
    case 'number-lie': {
      const text = input.toString('latin1')
      const numbers = [...text.matchAll(/\d+/g)]
      if (numbers.length === 0) return input
      const hit = numbers[m.which % numbers.length]!
      return Buffer.from(text.slice(0, hit.index) + NUMBER_LIES[m.lie]! + text.slice(hit.index! + hit[0].length), 'latin1')
    }
  }
}

/**
 * A valid sample with one to five mutations: byte changes, truncation,
 * deletion, duplication, splicing from another sample, insertion, length
 * fields that lie (binary), numbers that lie (text).
 */
export function mutated(samples: readonly Buffer[], maxMutations = 5): fc.Arbitrary<Buffer> {
  if (samples.length === 0) throw new Error('mutated() needs at least one sample')
  return fc.tuple(fc.nat(samples.length - 1), fc.array(mutation, {minLength: 1, maxLength: maxMutations})).map(([i, ms]) => {
    let out = samples[i]!
    for (const m of ms) {
      out = applyMutation(out, m, samples)
      if (out.length > MAX_MUTATED_BYTES) out = out.subarray(0, MAX_MUTATED_BYTES)
    }
    return out
  })
}

/** Up to `max` mutations, for inputs built during a conversation (applyPlan applies them). */
export const mutationPlan = (max = 3): fc.Arbitrary<readonly Mutation[]> => fc.array(mutation, {maxLength: max})

export type MutationPlan = readonly Mutation[]

export function applyPlan(input: Buffer, plan: MutationPlan, donors: readonly Buffer[]): Buffer {
  let out = input
  for (const m of plan) out = applyMutation(out, m, donors.length > 0 ? donors : [input]).subarray(0, MAX_MUTATED_BYTES)
  return out
}

/** Protocol command lines, each ended by CRLF, as latin1 bytes. */
export const commandLines = (picked: readonly string[]): Buffer => Buffer.from(picked.map((c) => `${c}\r\n`).join(''), 'latin1')

/**
 * A line protocol's client stream: mostly `opening` (or not) then commands
 * in any order, mutated; sometimes a mutated sample, a soup of the
 * protocol's tokens, or random bytes.
 */
export function commandStream(o: {commands: readonly string[]; opening: readonly string[]; samples: readonly Buffer[]; tokens: readonly string[]}): fc.Arbitrary<Buffer> {
  return fc.oneof(
    {
      weight: 6,
      arbitrary: fc
        .tuple(fc.boolean(), fc.array(fc.constantFrom(...o.commands), {maxLength: 14}), mutationPlan(3))
        .map(([open, picked, plan]) => applyPlan(commandLines([...(open ? o.opening : []), ...picked]), plan, o.samples)),
    },
    {weight: 1, arbitrary: mutated(o.samples)},
    {weight: 1, arbitrary: tokenSoup(o.tokens, 80).map((t) => Buffer.from(t, 'latin1'))},
    {weight: 1, arbitrary: anyBytes(600)},
  )
}

/** The same, for parsers of text: bytes read as latin1 or as UTF-8 (which adds U+FFFD). */
export function mutatedText(samples: readonly string[], maxMutations = 5): fc.Arbitrary<string> {
  return fc.tuple(mutated(samples.map((s) => Buffer.from(s, 'utf8')), maxMutations), fc.boolean()).map(([b, utf8]) => b.toString(utf8 ? 'utf8' : 'latin1'))
}

/** Bytes of every kind: random, mutated samples, and the samples themselves. */
export function bytesInput(samples: readonly Buffer[], maxRandom = 512): fc.Arbitrary<Buffer> {
  return fc.oneof({weight: 1, arbitrary: anyBytes(maxRandom)}, {weight: 4, arbitrary: mutated(samples)}, {weight: 1, arbitrary: fc.constantFrom(...samples)})
}

export function textInput(samples: readonly string[], tokens: readonly string[] = [], maxRandom = 256): fc.Arbitrary<string> {
  const soup = tokens.length > 0 ? [{weight: 2, arbitrary: tokenSoup(tokens)}] : []
  return fc.oneof({weight: 1, arbitrary: anyText(maxRandom)}, {weight: 4, arbitrary: mutatedText(samples)}, {weight: 1, arbitrary: fc.constantFrom(...samples)}, ...soup)
}

// ---------------------------------------------------------------------------
// Structure-aware mutations of DER: change one element, keep every length true
// ---------------------------------------------------------------------------

interface Tlv {
  readonly tag: number
  content: Buffer
  /** Elements inside a constructed element; null for primitive ones. */
  children: Tlv[] | null
}

/** DER elements filling `buf` (definite lengths, one-byte tags); null when it is not such DER. */
function parseTlvs(buf: Buffer, depth = 0): Tlv[] | null {
  const out: Tlv[] = []
  let i = 0
  while (i < buf.length) {
    const tag = buf[i++]!
    if ((tag & 0x1f) === 0x1f || i >= buf.length) return null
    let length = buf[i++]!
    if (length === 0x80) return null
    if (length > 0x80) {
      const n = length & 0x7f
      if (n > 4 || i + n > buf.length) return null
      length = 0
      for (let k = 0; k < n; k++) length = length * 256 + buf[i++]!
    }
    if (i + length > buf.length) return null
    const content = buf.subarray(i, i + length)
    i += length
    // Constructed elements, and OCTET STRINGs / BIT STRINGs that happen to wrap DER, are opened.
    let children: Tlv[] | null = null
    if (depth < 20 && ((tag & 0x20) !== 0 || ((tag === 0x04 || tag === 0x03) && content.length > 2))) children = parseTlvs(tag === 0x03 ? content.subarray(1) : content, depth + 1)
    if ((tag & 0x20) !== 0 && children === null) return null
    out.push({tag, content, children})
  }
  return out
}

function encodeLength(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n])
  const bytes: number[] = []
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff)
  return Buffer.from([0x80 | bytes.length, ...bytes])
}

function encodeTlv(t: Tlv): Buffer {
  let content = t.content
  if (t.children !== null) {
    const inner = Buffer.concat(t.children.map(encodeTlv))
    content = t.tag === 0x03 ? Buffer.concat([Buffer.from([0]), inner]) : inner
  }
  return Buffer.concat([Buffer.from([t.tag]), encodeLength(content.length), content])
}

function flatten(nodes: Tlv[], into: {node: Tlv; siblings: Tlv[]}[] = []): {node: Tlv; siblings: Tlv[]}[] {
  for (const node of nodes) {
    into.push({node, siblings: nodes})
    if (node.children) flatten(node.children, into)
  }
  return into
}

const EXTREME_INTEGERS = ['', '00', '80', 'ff', '7fffffff', '0100000000', 'ffffffffffffffffff', '00'.repeat(40)].map((h) => Buffer.from(h, 'hex'))
const OTHER_TAGS = [0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x0c, 0x13, 0x17, 0x18, 0x30, 0x31, 0x80, 0xa0, 0xa3]

type DerEdit = {readonly op: 'empty' | 'random' | 'integer' | 'retag' | 'drop' | 'duplicate' | 'swap' | 'truncate'; readonly which: number; readonly value: number; readonly bytes: Uint8Array}
const derEdit: fc.Arbitrary<DerEdit> = fc.record({
  op: fc.constantFrom('empty', 'random', 'integer', 'retag', 'drop', 'duplicate', 'swap', 'truncate'),
  which: fc.nat(),
  value: fc.nat(),
  bytes: fc.uint8Array({maxLength: 24}),
})

function applyDerEdit(tree: Tlv[], e: DerEdit): void {
  const all = flatten(tree)
  if (all.length === 0) return
  const {node, siblings} = all[e.which % all.length]!
  switch (e.op) {
    case 'empty':
      node.content = Buffer.alloc(0)
      node.children = node.children === null ? null : []
      break
    case 'random':
      node.content = Buffer.from(e.bytes)
      node.children = null
      break
    case 'integer':
      node.content = EXTREME_INTEGERS[e.value % EXTREME_INTEGERS.length]!
      node.children = null
      break
    case 'retag':
      siblings[siblings.indexOf(node)] = {...node, tag: OTHER_TAGS[e.value % OTHER_TAGS.length]!}
      break
    case 'drop':
      siblings.splice(siblings.indexOf(node), 1)
      break
    case 'duplicate':
      siblings.splice(siblings.indexOf(node), 0, ...Array<Tlv>(1 + (e.value % 3)).fill(node))
      break
    case 'swap': {
      const i = siblings.indexOf(node)
      const j = e.value % siblings.length
      ;[siblings[i], siblings[j]] = [siblings[j]!, siblings[i]!]
      break
    }
    case 'truncate':
      if (node.children !== null) node.children = node.children.slice(0, e.value % (node.children.length + 1))
      else node.content = node.content.subarray(0, e.value % (node.content.length + 1))
      break
  }
}

/**
 * DER samples with one to three elements changed (emptied, replaced,
 * extreme INTEGERs, other tags, dropped, duplicated, swapped, cut short)
 * and every enclosing length recomputed: input that gets past the outer
 * structure checks to the decoders of inner fields. Samples that are not
 * definite-length DER come back unchanged.
 */
function derMutated(samples: readonly Buffer[]): fc.Arbitrary<Buffer> {
  return fc.tuple(fc.nat(samples.length - 1), fc.array(derEdit, {minLength: 1, maxLength: 3})).map(([i, edits]) => {
    const tree = parseTlvs(samples[i]!)
    if (tree === null) return samples[i]!
    for (const e of edits) applyDerEdit(tree, e)
    return Buffer.concat(tree.map(encodeTlv)).subarray(0, MAX_MUTATED_BYTES)
  })
}

/** Input for DER decoders: everything bytesInput gives, and structure-aware mutations. */
export function derInput(samples: readonly Buffer[], maxRandom = 512): fc.Arbitrary<Buffer> {
  return fc.oneof({weight: 2, arbitrary: bytesInput(samples, maxRandom)}, {weight: 3, arbitrary: derMutated(samples)})
}

/** Cut bytes into chunks of the given sizes (cycled), as a network might deliver them. */
export function chunk(bytes: Buffer, sizes: readonly number[]): Buffer[] {
  const out: Buffer[] = []
  for (let i = 0, k = 0; i < bytes.length; k++) {
    const size = Math.max(1, sizes[k % sizes.length] ?? bytes.length)
    out.push(bytes.subarray(i, i + size))
    i += size
  }
  return out
}

export const chunkSizes: fc.Arbitrary<number[]> = fc.array(fc.oneof(fc.integer({min: 1, max: 8}), fc.integer({min: 1, max: 4096})), {minLength: 1, maxLength: 8})

// ---------------------------------------------------------------------------
// Checks
// ---------------------------------------------------------------------------

/** An error class a parser documents (constructor arguments vary). */
export type ErrorClass = abstract new (...args: any[]) => Error

/** Texts that only a bug puts in a message meant for a person. */
const INTERNAL_TEXT = /Cannot read propert|Cannot set propert|is not a function|is not iterable|is not defined|Maximum call stack|undefined|\[object Object\]|\bNaN\b|Invalid array length|out of range index/

const show = (input: unknown): string => {
  if (Buffer.isBuffer(input)) return `<${input.length} bytes> ${input.subarray(0, 96).toString('hex')}${input.length > 96 ? '…' : ''}`
  const s = JSON.stringify(input) ?? String(input)
  return s.length > 300 ? `${s.slice(0, 300)}…` : s
}

/**
 * Why `message` is not a clear one-line message for a person, or null. A
 * message may quote what it refuses, so its length may grow with the input
 * (`quotedLength`), not beyond.
 */
export function unclearMessage(message: unknown, quotedLength = 0): string | null {
  if (typeof message !== 'string' || message.trim() === '') return 'an empty message'
  if (/[\r\n]/.test(message)) return 'a message of several lines'
  if (message.length > 1000 + 2 * quotedLength) return `a message of ${message.length} characters`
  const internal = INTERNAL_TEXT.exec(message)
  if (internal) return `a message with internal text "${internal[0]}"`
  return null
}

function judgeError(what: string, input: unknown, error: unknown, allowed: readonly ErrorClass[]): void {
  const typed = allowed.some((k) => error instanceof k)
  const name = error instanceof Error ? error.constructor.name : typeof error
  const message = error instanceof Error ? error.message : String(error)
  if (!typed) {
    const expected = allowed.length === 0 ? 'no exception at all' : `only ${allowed.map((k) => k.name).join(' or ')}`
    const stack = error instanceof Error ? (error.stack ?? '').split('\n').slice(1, 4).join(' | ') : ''
    throw new AssertionError({message: `${what}: threw ${name}: ${message} (${expected} allowed) at ${stack}\n  input: ${show(input)}`})
  }
  const size = Buffer.isBuffer(input) ? input.length : typeof input === 'string' ? input.length : (JSON.stringify(input) ?? '').length
  const unclear = unclearMessage(message, size)
  if (unclear !== null) throw new AssertionError({message: `${what}: ${name} with ${unclear}: ${JSON.stringify(message.slice(0, 300))}\n  input: ${show(input)}`})
}

/**
 * A call that never returns cannot be timed from the thread it blocks. A
 * watchdog thread sees the call in progress and its deadline (HANG_MS, or
 * three times a larger limit the call was given); past it, the watchdog
 * saves the input to a file, prints what was being parsed and ends the
 * process, so the run fails with the input instead of hanging CI.
 */
const HANG_MS = Math.max(10_000, 10 * MAX_CALL_MS)
const WATCH_TEXT = 192 * 1024
const WATCH = new SharedArrayBuffer(16 + 4 + WATCH_TEXT)
/** [start, deadline] of the call in progress (ms since the epoch), 0 when none. */
const watchTimes = new Float64Array(WATCH, 0, 2)
const watchLength = new Int32Array(WATCH, 16, 1)
const watchText = new Uint8Array(WATCH, 20, WATCH_TEXT)
const watchdog = new Worker(
  `const {workerData} = require('node:worker_threads')
  const {writeSync} = require('node:fs')
  const times = new Float64Array(workerData.watch, 0, 2)
  const length = new Int32Array(workerData.watch, 16, 1)
  const text = new Uint8Array(workerData.watch, 20, workerData.size)
  setInterval(() => {
    const t = times[0]
    if (t === 0 || Date.now() < times[1]) return
    const [what, input] = JSON.parse(Buffer.from(text.subarray(0, length[0])).toString())
    const file = require('node:path').join(require('node:os').tmpdir(), 'msgctl-fuzz-hang-' + process.pid + '.json')
    require('node:fs').writeFileSync(file, JSON.stringify({what, input}) + '\\n')
    const line = 'fuzz watchdog: ' + what + ' has not returned after ' + (Date.now() - t) + ' ms (seed ' + workerData.seed + '); the input is in ' + file + '\\n'
    writeSync(1, line)
    writeSync(2, line)
    process.kill(process.pid, 'SIGKILL')
  }, 250)`,
  {eval: true, workerData: {watch: WATCH, size: WATCH_TEXT, seed: FUZZ_SEED}},
)
// A watchdog that failed to start would silently guard nothing.
watchdog.on('error', (e) => {
  throw e
})
watchdog.unref()

/** The whole input, for the file a hang leaves behind: bytes as base64, anything else as JSON. */
function replayable(input: unknown): unknown {
  if (Buffer.isBuffer(input)) return {base64: input.toString('base64')}
  try {
    return JSON.parse(JSON.stringify(input, (_k, v: unknown) => (Buffer.isBuffer(v) ? {base64: v.toString('base64')} : v)) ?? 'null')
  } catch {
    return String(input)
  }
}

function watchEnter(what: string, input: unknown, limitMs = MAX_CALL_MS): void {
  let bytes = Buffer.from(JSON.stringify([what, replayable(input)]))
  if (bytes.length > watchText.length) bytes = Buffer.from(JSON.stringify([what, show(input)]))
  watchText.set(bytes)
  watchLength[0] = bytes.length
  const now = Date.now()
  watchTimes[1] = now + Math.max(HANG_MS, 3 * limitMs)
  watchTimes[0] = now
}

function watchLeave(): void {
  watchTimes[0] = 0
}

function judgeTime(what: string, input: unknown, ms: number, limitMs = MAX_CALL_MS): void {
  if (ms > limitMs) throw new AssertionError({message: `${what}: one input took ${ms.toFixed(0)} ms (limit ${limitMs.toFixed(0)} ms)\n  input: ${show(input)}`})
}

export type Outcome<T> = {readonly ok: true; readonly value: T} | {readonly ok: false; readonly error: Error}

/**
 * Run one parser call: it returns, or throws one of `allowed` with a clear
 * one-line message, within MAX_CALL_MS; anything else fails the property.
 */
export function outcomeOf<T>(what: string, input: unknown, fn: () => T, allowed: readonly ErrorClass[], limitMs = MAX_CALL_MS): Outcome<T> {
  const started = performance.now()
  let outcome: Outcome<T>
  watchEnter(what, input, limitMs)
  try {
    outcome = {ok: true, value: fn()}
  } catch (e) {
    outcome = {ok: false, error: e as Error}
  } finally {
    watchLeave()
  }
  judgeTime(what, input, performance.now() - started, limitMs)
  if (!outcome.ok) judgeError(what, input, outcome.error, allowed)
  return outcome
}

export async function outcomeOfAsync<T>(what: string, input: unknown, fn: () => Promise<T>, allowed: readonly ErrorClass[]): Promise<Outcome<T>> {
  const started = performance.now()
  let outcome: Outcome<T>
  watchEnter(what, input)
  try {
    outcome = {ok: true, value: await fn()}
  } catch (e) {
    outcome = {ok: false, error: e as Error}
  } finally {
    watchLeave()
  }
  judgeTime(what, input, performance.now() - started)
  if (!outcome.ok) judgeError(what, input, outcome.error, allowed)
  return outcome
}

/** outcomeOf, for callers that only want the value (undefined when an allowed error was thrown). */
export function expectTyped<T>(what: string, input: unknown, fn: () => T, allowed: readonly ErrorClass[], limitMs = MAX_CALL_MS): T | undefined {
  const o = outcomeOf(what, input, fn, allowed, limitMs)
  return o.ok ? o.value : undefined
}


/** A full GC (the flag is set at run time, so tests need no node option). */
v8.setFlagsFromString('--expose-gc')
const fullGc = vm.runInNewContext('gc') as () => void

const retained = (): number => {
  const m = process.memoryUsage()
  return m.heapUsed + m.arrayBuffers
}

/**
 * Memory kept across a batch of inputs: after a full GC, heap and buffers
 * together must not have grown by more than MAX_GROWTH_BYTES since the start.
 * `check` is cheap; it only collects when the quick reading is over the bound.
 */
export class MemoryWatch {
  readonly #base: number
  constructor() {
    fullGc()
    this.#base = retained()
  }

  check(what: string): void {
    if (retained() - this.#base <= MAX_GROWTH_BYTES) return
    fullGc()
    const grown = retained() - this.#base
    if (grown > MAX_GROWTH_BYTES) throw new AssertionError({message: `${what}: memory grew by ${(grown / 1048576).toFixed(0)} MiB after a full GC (limit ${MAX_GROWTH_BYTES / 1048576} MiB)`})
  }
}

// ---------------------------------------------------------------------------
// Sessions: a fake transport and a driver that feeds bytes in chunks
// ---------------------------------------------------------------------------

/** A connection as a session sees it, recording everything the session does to it. */
export class FakeTransport implements Transport {
  readonly id = 'f1'
  readonly remoteAddress = '192.0.2.7'
  readonly remotePort = 40001
  readonly localAddress = '127.0.0.1'
  readonly localPort: number
  secure = false
  tls: {protocol: string; cipher: string; bits: number} | null = null
  readonly peerCertificate: Buffer | null = null
  readonly canStartTls = true
  readonly output: Buffer[] = []
  readonly logs: string[] = []
  outputBytes = 0
  closed = false
  writesAfterClose = 0

  constructor(localPort: number) {
    this.localPort = localPort
  }

  write(data: string | Buffer): void {
    if (this.closed) this.writesAfterClose++
    const b = typeof data === 'string' ? Buffer.from(data, 'utf8') : data
    this.output.push(b)
    this.outputBytes += b.length
  }

  /** The handshake "succeeds" at once: what follows runs as under TLS. */
  async startTls(): Promise<void> {
    this.secure = true
    this.tls = {protocol: 'TLSv1.3', cipher: 'TLS_AES_256_GCM_SHA384', bits: 256}
  }

  close(): void {
    this.closed = true
  }

  log(message: string): void {
    this.logs.push(message)
  }

  text(): Buffer {
    return Buffer.concat(this.output)
  }
}

/**
 * Failed logins wait a second on purpose. The session drivers replace
 * setTimeout (global and node:timers/promises) with a clock they advance
 * themselves, so a failure costs nothing and the next command runs.
 */
export function useFakeClock(): {advance: () => void; restore: () => void} {
  mock.timers.enable({apis: ['setTimeout']})
  // Modules that imported setTimeout from node:timers/promises see the mock only after this.
  syncBuiltinESMExports()
  return {
    advance: () => mock.timers.tick(2000),
    restore: () => {
      mock.timers.reset()
      syncBuiltinESMExports()
    },
  }
}

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve))

/** Let the session finish what it can: turns of the event loop (and the fake clock) until output stops changing. */
async function settle(transport: FakeTransport, advance: () => void): Promise<void> {
  let quiet = 0
  for (let i = 0; i < 200 && quiet < 4; i++) {
    const before = transport.outputBytes
    await turn()
    advance()
    await turn()
    quiet = transport.outputBytes === before ? quiet + 1 : 0
  }
}

export interface SessionRun {
  readonly transport: FakeTransport
  /** Bytes fed to onData. */
  readonly inputBytes: number
  /** Errors that escaped onData, start or onClose, and unhandled rejections meanwhile. */
  readonly escaped: unknown[]
}

/**
 * Drive a session: greeting, the chunks (letting it work between some of
 * them, as a network would), then the client goes away. Each onData call
 * is timed; anything thrown out of the session is collected, not rethrown.
 */
export async function driveSession(make: (transport: FakeTransport) => ProtocolSession, transport: FakeTransport, chunks: readonly Buffer[], pauses: readonly boolean[], clock: {advance: () => void}, what: string): Promise<SessionRun> {
  const escaped: unknown[] = []
  const onRejection = (reason: unknown): void => void escaped.push(reason)
  process.on('unhandledRejection', onRejection)
  let inputBytes = 0
  try {
    const session = make(transport)
    try {
      session.start()
    } catch (e) {
      escaped.push(e)
    }
    for (let i = 0; i < chunks.length; i++) {
      const c = chunks[i]!
      inputBytes += c.length
      const started = performance.now()
      watchEnter(`${what}: onData`, c)
      try {
        session.onData(c)
      } catch (e) {
        escaped.push(e)
      } finally {
        watchLeave()
      }
      judgeTime(`${what}: onData`, c, performance.now() - started)
      if (pauses[i % pauses.length]) await settle(transport, clock.advance)
    }
    await settle(transport, clock.advance)
    try {
      session.onClose()
    } catch (e) {
      escaped.push(e)
    }
    await settle(transport, clock.advance)
  } finally {
    process.off('unhandledRejection', onRejection)
  }
  return {transport, inputBytes, escaped}
}

/** Fail with the session's input and output when `problem` is not null. */
export function sessionAssert(problem: string | null, what: string, input: Buffer, run: SessionRun): void {
  if (problem === null) return
  const out = run.transport.text()
  throw new AssertionError({message: `${what}: ${problem}\n  input: ${JSON.stringify(input.toString('latin1').slice(0, 600))}\n  output: ${JSON.stringify(out.toString('latin1').slice(0, 1200))}\n  log: ${JSON.stringify(run.transport.logs.slice(0, 5))}`})
}

/** Problems every session run is checked for, whatever the protocol. */
export function commonSessionProblems(run: SessionRun, maxBytesPerInputByte: number, fixedAllowance: number): string | null {
  if (run.escaped.length > 0) {
    const e = run.escaped[0]
    return `an exception escaped the session: ${e instanceof Error ? `${e.constructor.name}: ${e.message} ${(e.stack ?? '').split('\n').slice(1, 3).join(' | ')}` : String(e)}`
  }
  const internal = run.transport.logs.find((l) => /internal error/i.test(l))
  if (internal !== undefined) return `the session logged an internal error: ${internal.split('\n').slice(0, 3).join(' | ')}`
  if (run.transport.writesAfterClose > 0) return `${run.transport.writesAfterClose} writes after the session closed the connection`
  const bound = fixedAllowance + maxBytesPerInputByte * run.inputBytes
  if (run.transport.outputBytes > bound) return `wrote ${run.transport.outputBytes} bytes for ${run.inputBytes} input bytes (bound ${bound})`
  return null
}

// ---------------------------------------------------------------------------
// Reply syntax of the three line protocols
// ---------------------------------------------------------------------------

const CR = 0x0d
const LF = 0x0a

/**
 * Why `out` is not a sequence of whole IMAP responses (RFC 3501 §7, §9), or
 * null: continuations `+ text`, tagged `tag OK|NO|BAD text`, untagged
 * status `* OK|NO|BAD|BYE|PREAUTH text`, untagged data whose parentheses
 * balance, whose quoted strings hold no CR, LF or NUL and escape only `"`
 * and `\`, whose atoms are 7-bit, and whose literals `{n}` are followed by
 * exactly n bytes. Every response ends with CRLF.
 */
export function imapResponseProblem(out: Buffer): string | null {
  let i = 0
  const at = (): string => `at byte ${i}: ${JSON.stringify(out.subarray(Math.max(0, i - 40), i + 40).toString('latin1'))}`
  /** Free text up to CRLF (status and continuation lines). */
  const text = (): string | null => {
    const lf = out.indexOf(LF, i)
    if (lf === -1) return `unterminated line ${at()}`
    if (out[lf - 1] !== CR) return `bare LF ${at()}`
    for (let k = i; k < lf - 1; k++) if (out[k] === 0 || out[k] === CR) return `NUL or CR in response text ${at()}`
    i = lf + 1
    return null
  }
  while (i < out.length) {
    if (out[i] === 0x2b) {
      // "+" SP text, or a bare "+" (some servers); we always send "+ ".
      if (out[i + 1] !== 0x20) return `continuation without a space ${at()}`
      i += 2
      const p = text()
      if (p) return p
      continue
    }
    const sp = out.indexOf(0x20, i)
    if (sp === -1) return `no tag ${at()}`
    const tag = out.toString('latin1', i, sp)
    if (tag !== '*' && !/^[\x21-\x7e]+$/.test(tag)) return `bad tag ${JSON.stringify(tag)} ${at()}`
    if (tag !== '*' && tag.includes('+')) return `tag with "+" ${at()}`
    i = sp + 1
    const word = /^[A-Z]+/.exec(out.toString('latin1', i, i + 8))?.[0] ?? ''
    const isStatus = ['OK', 'NO', 'BAD'].includes(word) || (tag === '*' && ['BYE', 'PREAUTH'].includes(word))
    if (tag !== '*' && !isStatus) return `tagged response that is not OK, NO or BAD ${at()}`
    if (isStatus) {
      if (out[i + word.length] !== 0x20) return `status without text ${at()}`
      const p = text()
      if (p) return p
      continue
    }
    // Untagged data: values up to CRLF at depth 0.
    let depth = 0
    for (;;) {
      const b = out[i]
      if (b === undefined) return `unterminated response ${at()}`
      if (b === CR) {
        if (out[i + 1] !== LF) return `CR without LF ${at()}`
        if (depth !== 0) return `unbalanced parentheses ${at()}`
        i += 2
        break
      }
      if (b === 0x20) i++
      else if (b === 0x28) {
        depth++
        i++
      } else if (b === 0x29) {
        if (--depth < 0) return `")" without "(" ${at()}`
        i++
      } else if (b === 0x22) {
        i++
        for (;;) {
          const q = out[i++]
          if (q === undefined) return `unterminated quoted string ${at()}`
          if (q === 0x22) break
          if (q === CR || q === LF || q === 0) return `CR, LF or NUL in a quoted string ${at()}`
          if (q === 0x5c) {
            const e = out[i++]
            if (e !== 0x22 && e !== 0x5c) return `bad escape in a quoted string ${at()}`
          }
        }
      } else if (b === 0x7b) {
        const m = /^\{(\d+)\}\r\n/.exec(out.toString('latin1', i, i + 24))
        if (!m) return `bad literal header ${at()}`
        i += m[0].length + Number(m[1])
        if (i > out.length) return `literal longer than the output ${at()}`
      } else if (b < 0x20 || b === 0x7f) {
        return `control byte 0x${b.toString(16)} ${at()}`
      } else if (b > 0x7f) {
        return `8-bit byte in an atom ${at()}`
      } else {
        i++
      }
    }
  }
  return null
}

/**
 * RFC 4515 filter: "(" ( ("&" / "|") 1*filter / "!" filter / attr "=" value ) ")".
 * A value may hold any character but NUL, "(", ")", "*" and "\" unless escaped as \XX.
 * Returns null when `s` is one whole filter, else the problem.
 */
export function filterProblem(s: string): string | null {
  let i = 0
  const one = (): string | null => {
    if (s[i] !== '(') return `expected "(" at ${i}`
    i++
    if (s[i] === '&' || s[i] === '|') {
      i++
      let n = 0
      while (s[i] === '(') {
        const p = one()
        if (p) return p
        n++
      }
      if (n === 0) return `empty & or | at ${i}`
    } else if (s[i] === '!') {
      i++
      const p = one()
      if (p) return p
    } else {
      const attr = /^[A-Za-z][A-Za-z0-9-]*(;[A-Za-z0-9-]+)*|^\d+(\.\d+)+/.exec(s.slice(i))
      if (!attr) return `expected an attribute at ${i}`
      i += attr[0].length
      if (s[i] !== '=') return `expected "=" at ${i}`
      i++
      // objectclass=* is the one wildcard we write ourselves.
      if (s.slice(i, i + 2) === '*)' && /objectclass$/i.test(attr[0])) i++
      for (; i < s.length && s[i] !== ')'; i++) {
        const c = s[i]!
        if (c === '\\') {
          if (!/^[0-9a-fA-F]{2}$/.test(s.slice(i + 1, i + 3))) return `bad escape at ${i}`
          i += 2
        } else if (c === '(' || c === '*' || c === '\0') return `unescaped ${JSON.stringify(c)} at ${i}`
      }
    }
    if (s[i] !== ')') return `expected ")" at ${i}`
    i++
    return null
  }
  const p = one()
  if (p) return p
  return i === s.length ? null : `text after the filter at ${i}`
}

/** Lines of `out` with their CRLF; a last piece without CRLF is returned as is. */
function crlfLines(out: Buffer): {lines: string[]; problem: string | null} {
  const lines: string[] = []
  let i = 0
  while (i < out.length) {
    const lf = out.indexOf(LF, i)
    if (lf === -1) return {lines, problem: `unterminated line ${JSON.stringify(out.toString('latin1', i, i + 80))}`}
    if (out[lf - 1] !== CR) return {lines, problem: `bare LF in ${JSON.stringify(out.toString('latin1', i, lf + 1))}`}
    lines.push(out.toString('latin1', i, lf - 1))
    i = lf + 1
  }
  return {lines, problem: null}
}

/**
 * Why `out` is not a sequence of whole POP3 responses (RFC 1939 §3, RFC 2449
 * §4), or null: status lines "+OK[ text]" / "-ERR[ text]" of at most 512
 * octets ending in CRLF, SASL continuations "+ base64", and after a +OK
 * possibly a multi-line body ended by a ".\r\n" line. Message lines inside
 * a body keep the line ends the message was stored with (bare LF too); the
 * test's messages never have a line that looks like a status line.
 */
export function popResponseProblem(out: Buffer): string | null {
  const status = (l: string): boolean => /^(\+OK|-ERR)( |$)/.test(l)
  let inBody = false
  let afterOk = false
  let i = 0
  while (i < out.length) {
    const lf = out.indexOf(LF, i)
    if (lf === -1) return `unterminated line ${JSON.stringify(out.toString('latin1', i, i + 80))}`
    const crlf = out[lf - 1] === CR && lf > i
    const line = out.toString('latin1', i, crlf ? lf - 1 : lf)
    i = lf + 1
    if (inBody) {
      if (line === '.') {
        if (!crlf) return 'the final "." of a multi-line response without CRLF'
        inBody = false
      } else if (status(line)) return `status line ${JSON.stringify(line)} inside a multi-line response`
      else if (line.startsWith('.') && !line.startsWith('..')) return `body line ${JSON.stringify(line)} is not dot-stuffed`
      continue
    }
    if (status(line)) {
      if (!crlf) return `bare LF after ${JSON.stringify(line)}`
      if (line.length + 2 > 512) return `status line of ${line.length + 2} octets`
      if (/[\x00-\x1f\x7f]/.test(line)) return `control character in ${JSON.stringify(line)}`
      afterOk = line.startsWith('+OK')
      continue
    }
    if (/^\+ [A-Za-z0-9+/=]*$/.test(line) && crlf) {
      afterOk = false
      continue
    }
    if (!afterOk) return `line ${JSON.stringify(line)} is neither a status line nor part of a +OK multi-line response`
    inBody = line !== '.'
    afterOk = false
  }
  if (inBody) return 'a multi-line response without its final "."'
  return null
}

/**
 * Why `out` is not a sequence of whole SMTP replies (RFC 5321 §4.2), or
 * null: lines "ddd-text" continuing and "ddd text" ending a reply with the
 * same code, 2xx-5xx, at most 512 octets, 7-bit printable text.
 */
export function smtpReplyProblem(out: Buffer, allow8bit = false): string | null {
  const {lines, problem} = crlfLines(out)
  if (problem) return problem
  let open: string | null = null
  for (const line of lines) {
    const m = /^([2-5][0-9][0-9])([ -])(.*)$/.exec(line) ?? /^([2-5][0-9][0-9])()$/.exec(line)
    if (!m) return `not a reply line: ${JSON.stringify(line)}`
    if (line.length + 2 > 512) return `reply line of ${line.length + 2} octets`
    if ((allow8bit ? /[\x00-\x1f\x7f]/ : /[^\x20-\x7e]/).test(line)) return `non-printable or 8-bit text in ${JSON.stringify(line)}`
    if (open !== null && m[1] !== open) return `code ${m[1]} inside a multi-line ${open} reply`
    open = m[2] === '-' ? m[1]! : null
  }
  if (open !== null) return `multi-line ${open} reply without its last line`
  return null
}

// ---------------------------------------------------------------------------
// Sample messages (mail stores, MIME, web mail)
// ---------------------------------------------------------------------------

const crlf = (lines: string[]): Buffer => Buffer.from(lines.join('\r\n'), 'utf8')

/** Messages with most of what MIME allows: nested multiparts, message/rfc822, digest, encodings, groups, RFC 2231. */
export const SAMPLE_MESSAGES = [
  crlf([
    'From: "Ann (the boss)" <ann@example.test>, group: bob@example.test, "c, d" <cd@x>;',
    'To: =?utf-8?B?w6lsw6h2ZQ==?= <eleve@example.test>',
    'Cc: undisclosed-recipients:;',
    'Subject: =?ISO-8859-1?Q?caf=E9?= report',
    'Date: Mon, 1 Mar 2027 10:00:00 +0100',
    'Message-ID: <1@example.test>',
    'In-Reply-To: <0@example.test>',
    'MIME-Version: 1.0',
    'Content-Type: multipart/mixed; boundary="outer"',
    '',
    'preamble',
    '--outer',
    'Content-Type: multipart/alternative; boundary=inner',
    '',
    '--inner',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: quoted-printable',
    '',
    'caf=C3=A9 =',
    'soft break',
    '--inner',
    'Content-Type: text/html; charset="iso-8859-1"',
    '',
    '<p>caf\xe9</p>',
    '--inner--',
    '--outer',
    'Content-Type: message/rfc822',
    '',
    'From: x@y',
    'Subject: inner',
    'Content-Type: multipart/digest; boundary=d',
    '',
    '--d',
    '',
    'Subject: digest part',
    '',
    'body',
    '--d--',
    '--outer',
    'Content-Type: application/octet-stream; name*0="a"; name*1="b.bin"',
    'Content-Disposition: attachment; filename*=utf-8\'\'%C3%A9.bin',
    'Content-Transfer-Encoding: base64',
    '',
    'AAECAwQFBgc=',
    '--outer--',
    'epilogue',
  ]),
  crlf(['Subject: plain', '', 'one line', '.', '..dots']),
  Buffer.from('Subject: bare LF\nContent-Type: text/plain\n\nbody\n'),
  crlf(['Content-Type: multipart/related; boundary=""', '', '--', 'x']),
]

