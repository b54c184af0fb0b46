import assert from 'node:assert/strict'
import {test} from 'node:test'
import {AuthThrottle, LoginGuard, throttleDelayMs} from '../../src/daemon/auth_throttle.js'
import type {Directory} from '../../src/daemon/session_types.js'

test('delays grow with failures and are capped', () => {
  assert.deepEqual([0, 1, 2, 3, 4, 5, 10, 20].map(throttleDelayMs), [0, 0, 1000, 2000, 4000, 8000, 30_000, 30_000])
})

test('failures count per address and per user, across connections; success and time clear them', async () => {
  let now = 1_000_000
  const slept: number[] = []
  const throttle = new AuthThrottle(() => now, async (ms) => void slept.push(ms))
  const directory: Directory = {lookup: (u) => (u === 'alice' ? 'alice' : null), verifyPassword: async (u, p) => (u === 'alice' && p === 'right' ? 'alice' : null)}
  // Each attempt on a fresh connection, as a guesser would.
  const attempt = (ip: string, user: string, pw: string) => new LoginGuard(throttle, ip).wrap(directory).verifyPassword(user, pw)
  for (let i = 0; i < 4; i++) assert.equal(await attempt('192.0.2.1', 'alice', `guess${i}`), null)
  assert.deepEqual(slept, [1000, 2000], 'the third and fourth tries waited')
  slept.length = 0
  // Another address, same user: the user's record slows it too.
  assert.equal(await attempt('198.51.100.7', 'alice', 'guess'), null)
  assert.deepEqual(slept, [4000])
  slept.length = 0
  // Another user from a clean address is not slowed.
  assert.equal(await attempt('203.0.113.9', 'bob', 'x'), null)
  assert.deepEqual(slept, [])
  // The right password still works (after the wait) and clears that address and user.
  assert.equal(await attempt('192.0.2.1', 'alice', 'right'), 'alice')
  slept.length = 0
  assert.equal(await attempt('192.0.2.1', 'alice', 'nope'), null)
  assert.deepEqual(slept, [])
  // Old failures are forgotten.
  for (let i = 0; i < 5; i++) await attempt('192.0.2.50', 'carol', 'x')
  now += 16 * 60_000
  slept.length = 0
  await attempt('192.0.2.50', 'carol', 'x')
  assert.deepEqual(slept, [])
})

test('challenge-response and EXTERNAL: the wait comes before the secret is fetched, the verdict is reported by the session', async () => {
  const slept: number[] = []
  const throttle = new AuthThrottle(() => 1_000_000, async (ms) => void slept.push(ms))
  const directory: Directory = {
    lookup: () => null,
    verifyPassword: async () => null,
    cleartextPassword: async (u) => (u === 'alice' ? 'secret' : null),
    mapCertificate: async () => null,
  }
  // CRAM-MD5 style: fetch the clear text, the proof is wrong, the session says so.
  for (let i = 0; i < 3; i++) {
    const guard = new LoginGuard(throttle, '192.0.2.1')
    assert.equal(await guard.wrap(directory).cleartextPassword!('alice'), 'secret')
    guard.failed()
  }
  assert.deepEqual(slept, [1000], 'the third fetch waited for the two failures before it')
  assert.equal(throttle.failuresOf('u:alice'), 3)
  // A password failure is counted by the check itself, not again by the session's report.
  const pw = new LoginGuard(throttle, '192.0.2.9')
  await pw.wrap(directory).verifyPassword('bob', 'x')
  pw.failed()
  assert.equal(throttle.failuresOf('a:192.0.2.9'), 1)
  // EXTERNAL has no user name: only the address is counted, never a shared empty user.
  const ext = new LoginGuard(throttle, '198.51.100.2')
  await ext.wrap(directory).mapCertificate!(Buffer.from('30', 'hex'))
  ext.failed()
  assert.equal(throttle.failuresOf('a:198.51.100.2'), 1)
  assert.equal(throttle.failuresOf('u:'), 0)
  // Success clears the address and the user.
  const ok = new LoginGuard(throttle, '192.0.2.1')
  await ok.wrap(directory).cleartextPassword!('alice')
  ok.succeeded('alice')
  assert.equal(throttle.failuresOf('u:alice'), 0)
  assert.equal(throttle.failuresOf('a:192.0.2.1'), 0)
})
