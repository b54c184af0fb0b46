/**
 * SASL responses are the first thing an unauthenticated client sends.
 *
 * Properties, for every mechanism the core implements (createMechanism)
 * and for the sessions' adapter (startExchange):
 *  - an exchange fed client messages that are random, or valid ones (built
 *    from the server's real challenges) with mutations, never rejects; each
 *    step resolves to a challenge, a success or a failure within the time
 *    limit;
 *  - with a directory that always answers, no failure is 'unavailable': the
 *    guard turns an exception inside a mechanism into 'unavailable', so one
 *    here is a bug the guard hid;
 *  - a failure carries a non-empty one-line message; a success names a user
 *    the directory knows (or ANONYMOUS's fixed user);
 *  - parseSaslResponseLine never throws and hands over data only for
 *    base64 text ("=" as an initial response, "*" to cancel).
 */
import assert from 'node:assert/strict'
import {test} from 'node:test'
import fc from 'fast-check'
import {createMechanism, deriveScramCredentials, IMPLEMENTED_MECHANISMS, type SaslContext, type SaslCredentials, type SaslStep, type ScramCredentials, type ScramHash} from '../../../src/core/auth/sasl/index.js'
import {parseSaslResponseLine, startExchange} from '../../../src/daemon/sasl/index.js'
import {digestMd5Response, ScramClient, cramMd5Response} from '../../helpers/sasl_clients.js'
import {testDirectory, testSettings} from '../../helpers/session_fixtures.js'
import {anyBytes, anyText, applyPlan, FakeTransport, fuzzParams, MemoryWatch, mutationPlan, outcomeOfAsync, outcomeOf, textInput, unclearMessage, type MutationPlan} from './fuzz_config.js'

const USER = 'ann'
const PASSWORD = 'ann pw'
const CERT = Buffer.from('3003020101', 'hex')
const SCRAM: Record<ScramHash, ScramCredentials> = {sha1: await deriveScramCredentials(PASSWORD, 'sha1'), sha256: await deriveScramCredentials(PASSWORD, 'sha256')}

/** A directory that always answers (never throws): only the client can make an exchange fail. */
const credentials: SaslCredentials = {
  verifyPassword: async (user, password) => (user.toLowerCase() === USER && password === PASSWORD ? USER : null),
  cleartextPassword: async (user) => (user.toLowerCase() === USER ? PASSWORD : null),
  scramCredentials: async (user, hash) => (user.toLowerCase() === USER ? SCRAM[hash] : null),
  mapCertificate: async (der) => (der.equals(CERT) ? USER : null),
  lookup: (user) => (user.toLowerCase() === USER ? USER : null),
}
const KNOWN_USERS = new Set([USER, 'anonymous'])

/** What a correct client would send next, given the server's last challenge (null before the first); null: no initial response. */
function validResponse(mechanism: string, challenge: Buffer | null, scram: ScramClient): Buffer | null {
  const text = challenge?.toString('latin1') ?? ''
  // Server-first mechanisms: the client waits for the challenge.
  if (challenge === null && (mechanism === 'CRAM-MD5' || mechanism === 'DIGEST-MD5')) return null
  try {
    switch (mechanism) {
      case 'PLAIN':
        return Buffer.from(`\0${USER}\0${PASSWORD}`)
      case 'LOGIN':
        return Buffer.from(/pass/i.test(text) ? PASSWORD : USER)
      case 'CRAM-MD5':
        return cramMd5Response(USER, PASSWORD, challenge!)
      case 'DIGEST-MD5':
        return text.includes('nonce=') ? digestMd5Response(USER, PASSWORD, challenge!, 'imap').response : Buffer.alloc(0)
      case 'SCRAM-SHA-1':
      case 'SCRAM-SHA-256':
        return /(^|,)s=/.test(text) ? scram.clientFinal(challenge!) : text.startsWith('v=') ? Buffer.alloc(0) : scram.clientFirst()
      case 'EXTERNAL':
        return Buffer.from(challenge === null ? USER : '')
      case 'ANONYMOUS':
        return Buffer.from('trace@example.test')
      default:
        return Buffer.alloc(0)
    }
  } catch {
    // The server's challenge was not one a client could answer (it is not what is under test here).
    return Buffer.alloc(0)
  }
}

/** One client move: the valid message, a mutated one, random bytes, or (first move only) no initial response. */
const move = fc.oneof(
  {weight: 3, arbitrary: mutationPlan(3).map((plan) => ({kind: 'valid' as const, plan}))},
  {weight: 1, arbitrary: anyBytes(300).map((bytes) => ({kind: 'random' as const, bytes}))},
  {weight: 1, arbitrary: fc.constant({kind: 'none' as const})},
)
type Move = {kind: 'valid'; plan: MutationPlan} | {kind: 'random'; bytes: Buffer} | {kind: 'none'}

function stepProblem(step: SaslStep | {kind: string; reason?: string; message?: string; detail?: string; user?: string}): string | null {
  if (step.kind === 'failure') {
    const reason = (step as {reason: string}).reason
    if (reason === 'unavailable') return `failure "unavailable" with a directory that always answers (an exception inside the mechanism): ${JSON.stringify(step)}`
    const message = (step as {message?: string; detail?: string}).message ?? (step as {detail?: string}).detail
    if (message !== undefined && unclearMessage(message) !== null) return `failure message ${JSON.stringify(message)}: ${unclearMessage(message)}`
  }
  if (step.kind === 'success' && !KNOWN_USERS.has((step as {user: string}).user)) return `success for ${JSON.stringify((step as {user: string}).user)}, a user the directory does not know`
  return null
}

test('core mechanisms: random and mutated client messages never reject, never hide an exception as "unavailable", succeed only as a known user', async () => {
  const memory = new MemoryWatch()
  await fc.assert(
    fc.asyncProperty(fc.constantFrom(...IMPLEMENTED_MECHANISMS), fc.boolean(), fc.array(move, {minLength: 1, maxLength: 5}), async (name, secure, moves) => {
      const context: SaslContext = {credentials, serviceName: 'imap', hostname: 'mail.example.test', secure, ...(secure ? {peerCertificate: CERT} : {})}
      const mechanism = createMechanism(name, context)!
      const scram = new ScramClient(name === 'SCRAM-SHA-1' ? 'sha1' : 'sha256', USER, PASSWORD)
      let challenge: Buffer | null = null
      for (let round = 0; round < moves.length; round++) {
        const m = moves[round] as Move
        const valid = validResponse(name, challenge, scram)
        const response = m.kind === 'valid' ? (valid === null ? null : applyPlan(valid, m.plan, [valid])) : m.kind === 'random' ? m.bytes : round === 0 ? null : Buffer.alloc(0)
        const step = (await outcomeOfAsync(`${name} step ${round}`, response, () => (round === 0 ? mechanism.start(response) : mechanism.next(response ?? Buffer.alloc(0))), []))
        assert.ok(step.ok)
        const problem = stepProblem(step.value)
        if (problem !== null) throw new Error(`${name}: ${problem}\n  responses so far end with ${JSON.stringify(response?.toString('latin1'))}`)
        if (step.value.kind !== 'challenge') break
        challenge = step.value.data
      }
      memory.check(name)
    }),
    fuzzParams(15),
  )
})

test('session adapter (startExchange): the same guarantees through the layer IMAP, POP3 and SMTP use', async () => {
  const directory = testDirectory({ann: PASSWORD}, {cleartext: true, mapCertificate: (der) => (der.equals(CERT) ? USER : null)})
  const settings = testSettings({saslMechanisms: [...IMPLEMENTED_MECHANISMS]})
  await fc.assert(
    fc.asyncProperty(fc.constantFrom(...IMPLEMENTED_MECHANISMS), fc.constantFrom('imap' as const, 'pop' as const, 'smtp' as const), fc.array(move, {minLength: 1, maxLength: 5}), async (name, service, moves) => {
      const transport = new FakeTransport(143)
      const exchange = startExchange(name, {directory, settings, transport}, service)!
      const scram = new ScramClient(name === 'SCRAM-SHA-1' ? 'sha1' : 'sha256', USER, PASSWORD)
      let challenge: Buffer | null = null
      for (let round = 0; round < moves.length; round++) {
        const m = moves[round] as Move
        const valid = validResponse(name, challenge, scram)
        const response = m.kind === 'valid' ? (valid === null ? null : applyPlan(valid, m.plan, [valid])) : m.kind === 'random' ? m.bytes : round === 0 ? null : Buffer.alloc(0)
        const step = await outcomeOfAsync(`${name} exchange step ${round}`, response, () => exchange.step(response), [])
        assert.ok(step.ok)
        const problem = stepProblem(step.value)
        if (problem !== null) throw new Error(`${name} over ${service}: ${problem}`)
        if (step.value.kind !== 'challenge') break
        challenge = step.value.data
      }
    }),
    fuzzParams(10),
  )
})

test('the client model answers every mechanism correctly (the fuzz starts from valid exchanges)', async () => {
  for (const name of IMPLEMENTED_MECHANISMS) {
    const mechanism = createMechanism(name, {credentials, serviceName: 'imap', hostname: 'mail.example.test', secure: true, peerCertificate: CERT})!
    const scram = new ScramClient(name === 'SCRAM-SHA-1' ? 'sha1' : 'sha256', USER, PASSWORD)
    let step = await mechanism.start(validResponse(name, null, scram))
    for (let round = 0; step.kind === 'challenge' && round < 5; round++) step = await mechanism.next(validResponse(name, step.data, scram) ?? Buffer.alloc(0))
    assert.equal(step.kind, 'success', `${name}: ${JSON.stringify(step)}`)
  }
})

test('parseSaslResponseLine: any line gives cancel, invalid, or data decoded from base64 text only', () => {
  const samples = [Buffer.from(`\0${USER}\0${PASSWORD}`).toString('base64'), '=', '*', ' *\t', 'AGFubgBhbm4gcHc=', 'QQ', 'QR==', '====', '']
  fc.assert(
    fc.property(fc.oneof(textInput(samples, ['A', 'Q', '=', '+', '/', '*', ' ', '\t', '\r', '-', '_']), anyText(40)), fc.boolean(), (line, initial) => {
      const r = outcomeOf('parseSaslResponseLine', line, () => parseSaslResponseLine(line, initial), [])
      assert.ok(r.ok)
      const v = r.value
      if (v.kind === 'data' && !(initial && line.trim() === '=')) assert.match(line.trim(), /^[A-Za-z0-9+/]*={0,2}$/, `data from ${JSON.stringify(line)}`)
      if (v.kind === 'cancel') assert.equal(line.trim(), '*')
    }),
    fuzzParams(5),
  )
})
