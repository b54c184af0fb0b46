/**
 * The daemon's shared SASL layer (src/daemon/sasl): the adapter from the
 * core mechanisms to sessions, the offer (what to advertise and accept
 * now), the plaintext rule and the base64 line form. The protocols' own
 * framing is tested in the session integration tests.
 */
import assert from 'node:assert/strict'
import {test} from 'node:test'
import {deriveScramCredentials, verifyApop} from '../../src/core/auth/sasl/index.js'
import {
  advertisedMechanisms,
  mechanismOffer,
  parseSaslResponseLine,
  plaintextVerdict,
  saslCredentials,
  sessionOutcome,
  startExchange,
  type ExchangeContext,
  type SaslExchange,
} from '../../src/daemon/sasl/index.js'
import type {Directory, Transport} from '../../src/daemon/session_types.js'
import {testDirectory, testSettings} from '../helpers/session_fixtures.js'
import {cramMd5Response, digestMd5Response, ScramClient} from '../helpers/sasl_clients.js'

const b64 = (s: string): Buffer => Buffer.from(s, 'base64')
const tls = (bits: number): Transport['tls'] => ({protocol: 'TLSv1.3', cipher: 'X', bits})
const CERT = Buffer.from('30820101', 'hex') // stands for a verified client certificate's DER

const ALL = ['SCRAM-SHA-256', 'SCRAM-SHA-1', 'DIGEST-MD5', 'CRAM-MD5', 'PLAIN', 'LOGIN', 'EXTERNAL', 'ANONYMOUS']

function context(directory: Directory, transport: Partial<Transport> = {}): ExchangeContext {
  const t = {secure: false, tls: null, peerCertificate: null, ...transport} as unknown as Transport
  return {directory, settings: testSettings({hostname: 'mail.example.test', saslMechanisms: ALL}), transport: t}
}

const users = {tim: 'tanstaaftanstaaf', kurt: 'xipj3plmq', chris: 'secret', user: 'pencil'}
const plainDirectory = testDirectory(users)
const cleartextDirectory = testDirectory(users, {cleartext: true})

function exchange(name: string, ctx: ExchangeContext, service: 'imap' | 'pop' | 'smtp' = 'smtp'): SaslExchange {
  const e = startExchange(name, ctx, service)
  assert.ok(e, `${name} is implemented`)
  return e
}

test('response lines: base64, "=" only as an initial response, "*" cancels, garbage is invalid', () => {
  assert.deepEqual(parseSaslResponseLine('dGlt', false), {kind: 'data', bytes: Buffer.from('tim')})
  assert.deepEqual(parseSaslResponseLine(' dGlt \t', false), {kind: 'data', bytes: Buffer.from('tim')})
  assert.deepEqual(parseSaslResponseLine('=', true), {kind: 'data', bytes: Buffer.alloc(0)})
  assert.deepEqual(parseSaslResponseLine('=', false), {kind: 'invalid'})
  assert.deepEqual(parseSaslResponseLine('*', false), {kind: 'cancel'})
  assert.deepEqual(parseSaslResponseLine('*', true), {kind: 'cancel'})
  assert.deepEqual(parseSaslResponseLine('dGl', false), {kind: 'invalid'})
  assert.deepEqual(parseSaslResponseLine('dG!t', false), {kind: 'invalid'})
  assert.deepEqual(parseSaslResponseLine('', false), {kind: 'data', bytes: Buffer.alloc(0)})
})

test('plaintextmincipher: -1 never, 0 always, n needs TLS with n bits', () => {
  assert.equal(plaintextVerdict({plaintextMinCipher: -1}, {tls: tls(256)}), 'never')
  assert.equal(plaintextVerdict({plaintextMinCipher: 0}, {tls: null}), 'allowed')
  assert.equal(plaintextVerdict({plaintextMinCipher: 128}, {tls: null}), 'needs-tls')
  assert.equal(plaintextVerdict({plaintextMinCipher: 128}, {tls: tls(128)}), 'allowed')
  assert.equal(plaintextVerdict({plaintextMinCipher: 256}, {tls: tls(128)}), 'needs-tls')
})

test('offer: configured order; PLAIN/LOGIN by the plaintext rule; EXTERNAL only with a certificate', () => {
  const settings = (plaintextMinCipher: number, saslMechanisms = ALL) => ({plaintextMinCipher, saslMechanisms})
  assert.deepEqual(advertisedMechanisms(settings(0), {tls: null, peerCertificate: null}), ['SCRAM-SHA-256', 'SCRAM-SHA-1', 'DIGEST-MD5', 'CRAM-MD5', 'PLAIN', 'LOGIN', 'ANONYMOUS'])
  assert.deepEqual(advertisedMechanisms(settings(128), {tls: null, peerCertificate: null}), ['SCRAM-SHA-256', 'SCRAM-SHA-1', 'DIGEST-MD5', 'CRAM-MD5', 'ANONYMOUS'])
  assert.deepEqual(advertisedMechanisms(settings(128), {tls: tls(256), peerCertificate: CERT}), ALL)
  assert.deepEqual(advertisedMechanisms(settings(-1, ['LOGIN', 'plain', 'PLAIN', 'EXTERNAL', 'X-UNKNOWN']), {tls: tls(256), peerCertificate: CERT}), ['EXTERNAL'])
  assert.deepEqual(advertisedMechanisms(settings(0, ['login', 'plain', 'X-UNKNOWN']), {tls: null}), ['LOGIN', 'PLAIN'])
  assert.deepEqual(advertisedMechanisms(settings(0, []), {tls: null, peerCertificate: CERT}), [])
  // Asked for by name: the reason it is refused.
  assert.equal(mechanismOffer('plain', settings(0), {tls: null}), 'offered')
  assert.equal(mechanismOffer('PLAIN', settings(128), {tls: null}), 'needs-tls')
  assert.equal(mechanismOffer('PLAIN', settings(128), {tls: tls(128)}), 'offered')
  assert.equal(mechanismOffer('LOGIN', settings(-1), {tls: tls(256)}), 'plaintext-disabled')
  assert.equal(mechanismOffer('EXTERNAL', settings(0), {tls: tls(256), peerCertificate: null}), 'needs-certificate')
  assert.equal(mechanismOffer('EXTERNAL', settings(0), {tls: tls(256), peerCertificate: Buffer.alloc(0)}), 'needs-certificate')
  assert.equal(mechanismOffer('external', settings(0), {tls: tls(256), peerCertificate: CERT}), 'offered')
  assert.equal(mechanismOffer('CRAM-MD5', settings(0, ['PLAIN']), {tls: null}), 'not-offered')
  assert.equal(mechanismOffer('X-UNKNOWN', settings(0, ['X-UNKNOWN']), {tls: null}), 'not-offered')
  // Challenge-response mechanisms are not plaintext: offered in clear even when passwords are not.
  assert.equal(mechanismOffer('CRAM-MD5', settings(-1), {tls: null}), 'offered')
})

test('credentials: optional directory abilities are passed on only when present', async () => {
  assert.deepEqual(Object.keys(saslCredentials(plainDirectory)).sort(), ['lookup', 'verifyPassword'])
  const full = saslCredentials(testDirectory(users, {cleartext: true, mapCertificate: () => 'tim'}))
  assert.deepEqual(Object.keys(full).sort(), ['cleartextPassword', 'lookup', 'mapCertificate', 'verifyPassword'])
  assert.equal(await full.cleartextPassword!('TIM'), 'tanstaaftanstaaf')
  assert.equal(await full.mapCertificate!(CERT), 'tim')
  assert.equal(await full.verifyPassword('tim', 'tanstaaftanstaaf'), 'tim')
  // Stored SCRAM keys (the embedded directory) are what SCRAM uses when there is no clear-text password.
  const keys = await deriveScramCredentials('pencil', 'sha256')
  const scramOnly: Directory = {...plainDirectory, scramCredentials: async (user, hash) => (user === 'user' && hash === 'sha256' ? keys : null)}
  assert.deepEqual(Object.keys(saslCredentials(scramOnly)).sort(), ['lookup', 'scramCredentials', 'verifyPassword'])
  const client = new ScramClient('sha256', 'user', 'pencil')
  const scram = exchange('SCRAM-SHA-256', context(scramOnly))
  const first = await scram.step(client.clientFirst())
  assert.equal(first.kind === 'challenge' && first.data.toString().includes(`s=${keys.salt.toString('base64')}`), true)
  assert.equal((await scram.step(client.clientFinal(first.kind === 'challenge' ? first.data : Buffer.alloc(0)))).kind, 'challenge')
  assert.deepEqual(await scram.step(Buffer.alloc(0)), {kind: 'success', user: 'user'})
})

test('PLAIN: RFC 4616 vectors; empty challenge without an initial response; authzid and malformed', async () => {
  const ctx = context(plainDirectory)
  assert.deepEqual(await exchange('plain', ctx).step(b64('AHRpbQB0YW5zdGFhZnRhbnN0YWFm')), {kind: 'success', user: 'tim'})
  const refused = await exchange('PLAIN', ctx).step(b64('VXJzZWwAS3VydAB4aXBqM3BsbXE='))
  assert.equal(refused.kind === 'failure' && refused.reason, 'authzid')
  const asked = exchange('PLAIN', ctx)
  assert.deepEqual(await asked.step(null), {kind: 'challenge', data: Buffer.alloc(0)})
  assert.deepEqual(await asked.step(Buffer.from('kurt\0Kurt\0xipj3plmq')), {kind: 'success', user: 'kurt'})
  const wrong = await exchange('PLAIN', ctx).step(Buffer.from('\0tim\0tanstaaf'))
  assert.equal(wrong.kind === 'failure' && wrong.reason, 'credentials')
  // Passwords are not trimmed.
  const spaced = await exchange('PLAIN', ctx).step(Buffer.from('\0tim\0tanstaaftanstaaf '))
  assert.equal(spaced.kind === 'failure' && spaced.reason, 'credentials')
  for (const m of ['u\0p', '\0\0p', '\0u\0', 'a\0b\0c\0d', '', `\0${'u'.repeat(256)}\0p`]) {
    const step = await exchange('PLAIN', ctx).step(Buffer.from(m))
    assert.equal(step.kind === 'failure' && step.reason, 'malformed', JSON.stringify(m))
  }
})

test('LOGIN: both prompt shapes; an empty user name is malformed', async () => {
  const ctx = context(plainDirectory)
  const a = exchange('LOGIN', ctx)
  assert.deepEqual(await a.step(null), {kind: 'challenge', data: Buffer.from('Username:')})
  assert.deepEqual(await a.step(Buffer.from('tim')), {kind: 'challenge', data: Buffer.from('Password:')})
  assert.deepEqual(await a.step(Buffer.from('tanstaaftanstaaf')), {kind: 'success', user: 'tim'})
  // smtplib: the user name as initial response.
  const c = exchange('LOGIN', ctx)
  assert.deepEqual(await c.step(Buffer.from('kurt')), {kind: 'challenge', data: Buffer.from('Password:')})
  assert.equal((await c.step(Buffer.from('nope'))).kind, 'failure')
  const e = exchange('LOGIN', ctx)
  await e.step(null)
  const empty = await e.step(Buffer.alloc(0))
  assert.equal(empty.kind === 'failure' && empty.reason, 'malformed')
})

test('a directory that throws is "unavailable", never a credentials failure', async () => {
  const down: Directory = {
    verifyPassword: async () => {
      throw new Error('ldap down')
    },
    lookup: () => null,
  }
  const step = await exchange('PLAIN', context(down)).step(Buffer.from('\0tim\0x'))
  assert.equal(step.kind === 'failure' && step.reason, 'unavailable')
})

test('CRAM-MD5 and DIGEST-MD5 need clear-text passwords; with them, the right answer succeeds', async () => {
  const noClear = await exchange('CRAM-MD5', context(plainDirectory)).step(null)
  assert.equal(noClear.kind === 'failure' && noClear.reason, 'unavailable')

  const ctx = context(cleartextDirectory)
  const cram = exchange('CRAM-MD5', ctx)
  const challenge = await cram.step(null)
  assert.equal(challenge.kind, 'challenge')
  const sent = challenge.kind === 'challenge' ? challenge.data : Buffer.alloc(0)
  assert.match(sent.toString(), /^<\d+\.\d+@mail\.example\.test>$/)
  assert.deepEqual(await cram.step(cramMd5Response('tim', 'tanstaaftanstaaf', sent)), {kind: 'success', user: 'tim'})
  const bad = exchange('CRAM-MD5', ctx)
  const second = await bad.step(null)
  const wrong = await bad.step(cramMd5Response('tim', 'wrong', second.kind === 'challenge' ? second.data : Buffer.alloc(0)))
  assert.equal(wrong.kind === 'failure' && wrong.reason, 'credentials')

  // The service name from the session goes into digest-uri: a client answering for another service is refused.
  for (const [service, expected] of [['smtp', 'success'], ['imap', 'failure']] as const) {
    const digest = exchange('DIGEST-MD5', ctx, 'smtp')
    const first = await digest.step(null)
    assert.equal(first.kind, 'challenge')
    const {response, rspauth} = digestMd5Response('chris', 'secret', first.kind === 'challenge' ? first.data : Buffer.alloc(0), service)
    const proof = await digest.step(response)
    if (expected === 'failure') {
      assert.equal(proof.kind, 'failure')
      continue
    }
    assert.deepEqual(proof, {kind: 'challenge', data: Buffer.from(rspauth)})
    assert.deepEqual(await digest.step(Buffer.alloc(0)), {kind: 'success', user: 'chris'})
  }
})

test('SCRAM: the server-final message goes out as a challenge; the empty answer completes it', async () => {
  const ctx = context(cleartextDirectory)
  for (const hash of ['sha256', 'sha1'] as const) {
    const client = new ScramClient(hash, 'user', 'pencil')
    const scram = exchange(hash === 'sha1' ? 'SCRAM-SHA-1' : 'SCRAM-SHA-256', ctx)
    const serverFirst = await scram.step(client.clientFirst())
    assert.equal(serverFirst.kind, 'challenge')
    const serverFinal = await scram.step(client.clientFinal(serverFirst.kind === 'challenge' ? serverFirst.data : Buffer.alloc(0)))
    assert.deepEqual(serverFinal, {kind: 'challenge', data: Buffer.from(client.expectedServerFinal())})
    assert.deepEqual(await scram.step(Buffer.alloc(0)), {kind: 'success', user: 'user'})
  }
  // Anything but an empty answer to the server-final message is malformed.
  const client = new ScramClient('sha256', 'user', 'pencil')
  const scram = exchange('SCRAM-SHA-256', ctx)
  const first = await scram.step(client.clientFirst())
  await scram.step(client.clientFinal(first.kind === 'challenge' ? first.data : Buffer.alloc(0)))
  const extra = await scram.step(Buffer.from('x'))
  assert.equal(extra.kind === 'failure' && extra.reason, 'malformed')
  // A wrong password fails at the proof.
  const liar = new ScramClient('sha256', 'user', 'crayon')
  const s2 = exchange('SCRAM-SHA-256', ctx)
  const f2 = await s2.step(liar.clientFirst())
  const r2 = await s2.step(liar.clientFinal(f2.kind === 'challenge' ? f2.data : Buffer.alloc(0)))
  assert.equal(r2.kind === 'failure' && r2.reason, 'credentials')
})

test('EXTERNAL: the certificate mapped by the directory; authzid rules; no mapping is unavailable', async () => {
  const mapped = testDirectory(users, {mapCertificate: (der) => (der.equals(CERT) ? 'tim' : null)})
  const withCert = context(mapped, {secure: true, peerCertificate: CERT})
  assert.deepEqual(await exchange('EXTERNAL', withCert).step(Buffer.alloc(0)), {kind: 'success', user: 'tim'})
  assert.deepEqual(await exchange('EXTERNAL', withCert).step(Buffer.from('tim')), {kind: 'success', user: 'tim'})
  const other = await exchange('EXTERNAL', withCert).step(Buffer.from('kurt'))
  assert.equal(other.kind === 'failure' && other.reason, 'authzid')
  // No initial response: an empty challenge, then the (empty) authzid.
  const asked = exchange('EXTERNAL', withCert)
  assert.deepEqual(await asked.step(null), {kind: 'challenge', data: Buffer.alloc(0)})
  assert.deepEqual(await asked.step(Buffer.alloc(0)), {kind: 'success', user: 'tim'})
  const unknownCert = await exchange('EXTERNAL', context(mapped, {secure: true, peerCertificate: Buffer.from('3000', 'hex')})).step(Buffer.alloc(0))
  assert.equal(unknownCert.kind === 'failure' && unknownCert.reason, 'credentials')
  const noCert = await exchange('EXTERNAL', context(mapped)).step(Buffer.alloc(0))
  assert.equal(noCert.kind === 'failure' && noCert.reason, 'credentials')
  const noCertmap = await exchange('EXTERNAL', context(plainDirectory, {secure: true, peerCertificate: CERT})).step(Buffer.alloc(0))
  assert.equal(noCertmap.kind === 'failure' && noCertmap.reason, 'unavailable')
})

test('ANONYMOUS succeeds as "anonymous" with the trace for the log; unknown names have no exchange', async () => {
  assert.deepEqual(await exchange('ANONYMOUS', context(plainDirectory), 'imap').step(Buffer.from('sirhc')), {kind: 'success', user: 'anonymous', trace: 'sirhc'})
  assert.equal(startExchange('X-UNKNOWN', context(plainDirectory), 'smtp'), null)
})

test('APOP outcomes in session terms (RFC 1939 §7 vector)', async () => {
  const credentials = saslCredentials(testDirectory({mrose: 'tanstaaf'}, {cleartext: true}))
  const timestamp = '<1896.697170952@dbc.mtview.ca.us>'
  assert.deepEqual(sessionOutcome(await verifyApop(timestamp, 'mrose', 'c4c9334bac560ecc979e58001b3e22fb', credentials)), {kind: 'success', user: 'mrose'})
  const wrong = sessionOutcome(await verifyApop(timestamp, 'mrose', 'c4c9334bac560ecc979e58001b3e22fc', credentials))
  assert.equal(wrong.kind === 'failure' && wrong.reason, 'credentials')
  const malformed = sessionOutcome(await verifyApop(timestamp, 'mrose', 'xyz', credentials))
  assert.equal(malformed.kind === 'failure' && malformed.reason, 'malformed')
  const none = sessionOutcome(await verifyApop(timestamp, 'mrose', 'c4c9334bac560ecc979e58001b3e22fb', saslCredentials(testDirectory({mrose: 'tanstaaf'}))))
  assert.equal(none.kind === 'failure' && none.reason, 'unavailable')
})
