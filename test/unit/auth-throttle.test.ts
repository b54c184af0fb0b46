import assert from 'node:assert/strict'
import {test} from 'node:test'
import {AuthThrottle, LoginGuard, throttleDelayMs} from '../../src/daemon/auth_throttle.js'
import type {CertificateMapper} from '../../src/daemon/certificate_login/certificate_mapper.js'
import {withCertificateLogin} from '../../src/daemon/certificate_login/login_directory.js'
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

test('the login-path wrappers (throttle, certificate login) keep every capability of the directory they wrap', async () => {
  // Required<Directory>: a capability added to the interface fails to compile here until it is listed, and then this
  // test fails until both wrappers forward it (web mail's From once went missing that way).
  const calls: string[] = []
  const full: Required<Directory> = {
    verifyPassword: async () => (calls.push('verifyPassword'), 'u'),
    lookup: () => (calls.push('lookup'), 'u'),
    lookupAsync: async () => (calls.push('lookupAsync'), 'u'),
    cleartextPassword: async () => (calls.push('cleartextPassword'), 'pw'),
    mapCertificate: async () => (calls.push('mapCertificate'), 'u'),
    scramCredentials: async () => (calls.push('scramCredentials'), null),
    isStoreAdministrator: async () => (calls.push('isStoreAdministrator'), true),
    mailAddress: async () => (calls.push('mailAddress'), 'u@example.org'),
  }
  const mapper = {map: async () => (calls.push('mapCertificate'), 'u')} as unknown as CertificateMapper
  const wrappers: Array<[string, Directory]> = [
    ['LoginGuard.wrap', new LoginGuard(new AuthThrottle(Date.now, async () => undefined), '192.0.2.1').wrap(full)],
    ['withCertificateLogin', withCertificateLogin(full, mapper)],
  ]
  for (const [name, wrapped] of wrappers) {
    assert.deepEqual(Object.keys(wrapped).sort(), Object.keys(full).sort(), `${name} offers every capability`)
    calls.length = 0
    await wrapped.verifyPassword('u', 'pw')
    wrapped.lookup('u')
    await wrapped.lookupAsync!('u')
    await wrapped.cleartextPassword!('u')
    await wrapped.mapCertificate!(Buffer.alloc(1))
    await wrapped.scramCredentials!('u', 'sha256')
    await wrapped.isStoreAdministrator!('u')
    assert.equal(await wrapped.mailAddress!('u'), 'u@example.org')
    assert.deepEqual(calls.sort(), Object.keys(full).sort(), `${name} reaches the directory for each`)
  }
})
