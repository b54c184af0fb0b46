import assert from 'node:assert/strict'
import {test} from 'node:test'
import {availableMechanisms, checkPassword, findMechanism, parseSaslResponseLine} from '../../src/daemon/smtp/sasl/index.js'

const BOTH = ['PLAIN', 'LOGIN']
import {plaintextVerdict} from '../../src/daemon/smtp/plaintext_policy.js'
import type {Directory} from '../../src/daemon/session_types.js'

const b64 = (s: string): Buffer => Buffer.from(s, 'base64')

test('PLAIN: RFC 4616 vectors; initial response or empty challenge first', () => {
  const plain = findMechanism('plain', BOTH)!
  assert.deepEqual(plain.start().step(b64('AHRpbQB0YW5zdGFhZnRhbnN0YWFm')), {kind: 'password', authzid: '', authcid: 'tim', password: 'tanstaaftanstaaf'})
  assert.deepEqual(plain.start().step(b64('VXJzZWwAS3VydAB4aXBqM3BsbXE=')), {kind: 'password', authzid: 'Ursel', authcid: 'Kurt', password: 'xipj3plmq'})
  const ex = plain.start()
  assert.deepEqual(ex.step(null), {kind: 'challenge', data: Buffer.alloc(0)})
  // Passwords are not trimmed.
  assert.deepEqual(ex.step(Buffer.from('\0u\0 p w ')), {kind: 'password', authzid: '', authcid: 'u', password: ' p w '})
})

test('PLAIN: malformed messages', () => {
  for (const m of ['u\0p', '\0\0p', '\0u\0', 'a\0b\0c\0d', '', `\0${'u'.repeat(256)}\0p`]) {
    assert.equal(findMechanism('PLAIN', BOTH)!.start().step(Buffer.from(m)).kind, 'malformed', JSON.stringify(m))
  }
})

test('LOGIN: both prompt shapes', () => {
  const a = findMechanism('LOGIN', BOTH)!.start()
  assert.deepEqual(a.step(null), {kind: 'challenge', data: Buffer.from('Username:')})
  assert.deepEqual(a.step(Buffer.from('tim')), {kind: 'challenge', data: Buffer.from('Password:')})
  assert.deepEqual(a.step(Buffer.from('secret')), {kind: 'password', authzid: '', authcid: 'tim', password: 'secret'})
  // smtplib: user name as initial response.
  const c = findMechanism('LOGIN', BOTH)!.start()
  assert.deepEqual(c.step(Buffer.from('tim')), {kind: 'challenge', data: Buffer.from('Password:')})
  assert.equal(c.step(Buffer.from('secret')).kind, 'password')
  assert.equal(findMechanism('LOGIN', BOTH)!.start().step(Buffer.alloc(0)).kind, 'malformed')
})

test('unknown mechanisms and the plaintext filter', () => {
  assert.equal(findMechanism('CRAM-MD5', ['CRAM-MD5']), null)
  assert.deepEqual(availableMechanisms(true, BOTH).map((m) => m.name), ['PLAIN', 'LOGIN'])
  assert.deepEqual(availableMechanisms(false, BOTH), [])
  // sasl.default.mech_list "PLAIN": LOGIN is neither shown nor accepted.
  assert.deepEqual(availableMechanisms(true, ['PLAIN']).map((m) => m.name), ['PLAIN'])
  assert.equal(findMechanism('LOGIN', ['PLAIN']), null)
})

test('response lines: base64, "=", "*", garbage', () => {
  assert.deepEqual(parseSaslResponseLine('dGlt', false), {kind: 'data', bytes: Buffer.from('tim')})
  assert.deepEqual(parseSaslResponseLine('=', true), {kind: 'data', bytes: Buffer.alloc(0)})
  assert.deepEqual(parseSaslResponseLine('=', false), {kind: 'invalid'})
  assert.deepEqual(parseSaslResponseLine('*', false), {kind: 'cancel'})
  assert.deepEqual(parseSaslResponseLine('dGl', false), {kind: 'invalid'})
  assert.deepEqual(parseSaslResponseLine('dG!t', false), {kind: 'invalid'})
  assert.deepEqual(parseSaslResponseLine('', false), {kind: 'data', bytes: Buffer.alloc(0)})
})

test('plaintextmincipher: -1 never, 0 always, n needs TLS with n bits', () => {
  const tls = (bits: number) => ({protocol: 'TLSv1.3', cipher: 'X', bits})
  assert.equal(plaintextVerdict(-1, tls(256)), 'never')
  assert.equal(plaintextVerdict(0, null), 'allowed')
  assert.equal(plaintextVerdict(128, null), 'needs-tls')
  assert.equal(plaintextVerdict(128, tls(128)), 'allowed')
  assert.equal(plaintextVerdict(256, tls(128)), 'needs-tls')
})

test('password check: authzid must be empty or the same user', async () => {
  const directory: Directory = {
    verifyPassword: async (u, p) => (u.toLowerCase() === 'kurt' && p === 'pw' ? 'kurt' : null),
    lookup: () => null,
  }
  assert.equal(await checkPassword(directory, 'Kurt', 'pw'), 'kurt')
  assert.equal(await checkPassword(directory, 'Kurt', 'pw', 'Kurt'), 'kurt')
  assert.equal(await checkPassword(directory, 'Kurt', 'pw', 'kurt'), 'kurt')
  assert.equal(await checkPassword(directory, 'Kurt', 'pw', 'Ursel'), null)
  assert.equal(await checkPassword(directory, 'Kurt', 'bad'), null)
})
