import assert from 'node:assert/strict'
import {test} from 'node:test'
import {offeredMechanisms, plaintextAllowed, type OfferInputs} from '../../src/core/auth/sasl/index.js'

const base: OfferInputs = {
  mechList: [],
  hasPlainPasswords: false,
  allowAnonymous: false,
  plaintextMinCipher: 0,
  tlsBits: null,
  clientCertificate: false,
  directoryHasScram: false,
}
const offer = (over: Partial<OfferInputs>) => offeredMechanisms({...base, ...over})

test('plaintextmincipher: -1 never, 0 always, >0 needs that many TLS bits', () => {
  const table: [number, number | null, boolean][] = [
    [-1, null, false],
    [-1, 256, false],
    [0, null, true],
    [0, 128, true],
    [128, null, false],
    [128, 56, false],
    [128, 128, true],
    [128, 256, true],
  ]
  for (const [min, bits, allowed] of table) {
    assert.equal(plaintextAllowed(min, bits), allowed, `${min}/${bits}`)
    const o = offer({plaintextMinCipher: min, tlsBits: bits})
    assert.equal(o.loginDisabled, !allowed)
    assert.deepEqual(o.mechanisms, allowed ? ['PLAIN', 'LOGIN'] : [])
  }
})

test('offered mechanisms by directory and connection', () => {
  const table: [Partial<OfferInputs>, string[], boolean][] = [
    [{}, ['PLAIN', 'LOGIN'], false],
    [{hasPlainPasswords: true}, ['SCRAM-SHA-256', 'SCRAM-SHA-1', 'DIGEST-MD5', 'CRAM-MD5', 'PLAIN', 'LOGIN'], true],
    [{directoryHasScram: true}, ['SCRAM-SHA-256', 'SCRAM-SHA-1', 'PLAIN', 'LOGIN'], false],
    [{allowAnonymous: true}, ['PLAIN', 'LOGIN', 'ANONYMOUS'], false],
    [{clientCertificate: true, plaintextMinCipher: -1}, ['EXTERNAL'], false],
    [{hasPlainPasswords: true, plaintextMinCipher: 128, tlsBits: null}, ['SCRAM-SHA-256', 'SCRAM-SHA-1', 'DIGEST-MD5', 'CRAM-MD5'], true],
  ]
  for (const [over, mechanisms, apop] of table) {
    const o = offer(over)
    assert.deepEqual(o.mechanisms, mechanisms, JSON.stringify(over))
    assert.equal(o.apop, apop)
    assert.deepEqual(o.warnings, [])
  }
})

test('mech_list: exactly those, in that order, still subject to the rules; unknown ones dropped with a warning', () => {
  const o = offer({mechList: ['login', 'CRAM-MD5', 'GSSAPI', 'PLAIN', 'login', 'SCRAM-SHA-1'], hasPlainPasswords: true})
  assert.deepEqual(o.mechanisms, ['LOGIN', 'CRAM-MD5', 'PLAIN', 'SCRAM-SHA-1'])
  assert.equal(o.warnings.length, 1)
  assert.match(o.warnings[0]!, /GSSAPI/)
  // CRAM-MD5 listed but the directory has no plain passwords: not offered.
  assert.deepEqual(offer({mechList: ['CRAM-MD5', 'PLAIN']}).mechanisms, ['PLAIN'])
  assert.deepEqual(offer({mechList: ['ANONYMOUS'], allowAnonymous: false}).mechanisms, [])
})
