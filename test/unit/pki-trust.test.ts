import assert from 'node:assert/strict'
import {test} from 'node:test'
import {
  NO_TRUST, TRUST, TrustStringError, flagsFromLevels, formatTrust, parseTrustString, requestsUserTrust, storedTrust, trustBlockLines, trustLevels,
} from '../../src/core/pki/index.js'

/** `-t` given to certutil -M, and what certutil -L showed afterwards (NSS 3.87, sql DB, no key). */
const ROUND_TRIPS: ReadonlyArray<readonly [string, string]> = [
  // Reference §1.4 table.
  [',,', ',,'],
  ['c,,', 'c,,'],
  ['C,,', 'C,,'],
  ['T,,', 'T,,'],
  ['CT,CT,CT', 'CT,C,C'],
  ['TC,C,C', 'CT,C,C'],
  ['p,p,p', 'p,p,p'],
  ['P,P,P', 'P,P,P'],
  ['pP,,', 'P,,'],
  ['cC,,', 'C,,'],
  ['w,,', ',,'],
  ['Pw,,', 'P,,'],
  ['u,,', ',,'],
  [',,c', ',,c'],
  // Further rows observed on the same machine.
  [',T,', ',c,'],
  [',,T', ',,c'],
  ['pc,,', 'p,,'],
  ['Pc,,', 'P,,'],
  ['PC,,', 'CP,,'],
  ['pC,,', 'pC,,'],
  ['g,g,g', ',,'],
  ['i,,', ',,'],
  ['c,c,c,C', 'c,c,C'],
  ['C', 'C,,'],
  ['c,C', 'c,C,'],
  ['c,,,,', 'c,,'],
  ['pT,,', 'pT,,'],
  ['PT,pc,Pc', 'TP,p,P'],
]

test('every -M/-L round trip observed with NSS', () => {
  for (const [input, shown] of ROUND_TRIPS) {
    assert.equal(formatTrust(storedTrust(parseTrustString(input)), false), shown, input)
  }
})

test('u is shown when a private key exists: CTu,CTu,CTu lists as CTu,Cu,Cu', () => {
  const t = storedTrust(parseTrustString('CTu,CTu,CTu'))
  assert.equal(formatTrust(t, true), 'CTu,Cu,Cu')
  assert.equal(formatTrust(NO_TRUST, true), 'u,u,u')
  assert.equal(formatTrust(NO_TRUST, false), ',,')
  assert.ok(requestsUserTrust(parseTrustString(',,u')))
  assert.ok(!requestsUserTrust(parseTrustString('CT,C,C')))
})

test('before storage, the display shows every typed letter in NSS order', () => {
  assert.equal(formatTrust(parseTrustString('giw,,'), false), 'wIG,,')
  assert.equal(formatTrust(parseTrustString('giwuPTCcp,,'), false), 'CTPuwIG,,')
  assert.equal(formatTrust(parseTrustString('TC,,'), false), 'CT,,')
})

test('pretty-print trust block lines, as -L -n shows them', () => {
  assert.deepEqual(trustBlockLines(storedTrust(parseTrustString('CTu,CTu,CTu')), true), {
    ssl: ['Valid CA', 'Trusted CA', 'User', 'Trusted Client CA'],
    email: ['Valid CA', 'Trusted CA', 'User'],
    objectSigning: ['Valid CA', 'Trusted CA', 'User'],
  })
  assert.deepEqual(trustBlockLines(NO_TRUST, true), {ssl: ['User'], email: ['User'], objectSigning: ['User']})
  assert.deepEqual(trustBlockLines(storedTrust(parseTrustString('pT,,')), false).ssl, ['Terminal Record', 'Valid CA', 'Trusted Client CA'])
  assert.deepEqual(trustBlockLines(storedTrust(parseTrustString('PC,,')), false).ssl, ['Terminal Record', 'Trusted', 'Valid CA', 'Trusted CA'])
  assert.deepEqual(trustBlockLines(storedTrust(parseTrustString('pc,,')), false).ssl, ['Terminal Record'])
  assert.deepEqual(trustBlockLines(parseTrustString('wg,,'), false).ssl, ['Warn When Sending', 'Step-up'])
})

test('letters map to NSS bits; storage is per-purpose trust levels and is idempotent', () => {
  const f = parseTrustString('CT,P,p')
  assert.equal(f.ssl, TRUST.TRUSTED_CA | TRUST.TRUSTED_CLIENT_CA | TRUST.VALID_CA)
  assert.equal(f.email, TRUST.TRUSTED | TRUST.TERMINAL_RECORD)
  assert.equal(f.objectSigning, TRUST.TERMINAL_RECORD)
  assert.deepEqual(trustLevels(f), {serverAuth: 'trustedDelegator', clientAuth: 'trustedDelegator', emailProtection: 'trusted', codeSigning: 'notTrusted'})
  for (const [input] of ROUND_TRIPS) {
    const once = storedTrust(parseTrustString(input))
    assert.deepEqual(storedTrust(once), once, input)
    assert.deepEqual(flagsFromLevels(trustLevels(once)), once)
  }
})

test('unknown letters are a TrustStringError that exits 1, as NSS does', () => {
  for (const bad of ['x,,', 'C,,X', 'CT C', 'c;,']) {
    assert.throws(() => parseTrustString(bad), (e: unknown) => {
      assert.ok(e instanceof TrustStringError)
      assert.equal(e.exitCode, 1)
      assert.match(e.message, /^unable to decode trust string/)
      assert.match(e.message, /p P c C T u w i g/)
      return true
    })
  }
  assert.deepEqual(parseTrustString(''), {ssl: 0, email: 0, objectSigning: 0})
})
