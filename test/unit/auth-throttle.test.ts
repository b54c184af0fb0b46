import assert from 'node:assert/strict'
import {test} from 'node:test'
import {AuthThrottle, throttledDirectory, throttleDelayMs} from '../../src/daemon/auth_throttle.js'
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
  const attempt = (ip: string, user: string, pw: string) => throttledDirectory(directory, throttle, ip).verifyPassword(user, pw)
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
