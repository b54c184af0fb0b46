import assert from 'node:assert/strict'
import {spawnSync} from 'node:child_process'
import {createHash, randomBytes} from 'node:crypto'
import {test} from 'node:test'
import {cleartextOf, hashSsha512, parseStoredPassword, sha512Crypt, verifyCrypt, verifyUserPassword} from '../../src/core/auth/password_schemes.js'

/** A salted RFC 2307-style value, computed independently of the module under test. */
function salted(scheme: string, algorithm: string, password: string, salt: Buffer): string {
  return `{${scheme}}${Buffer.concat([createHash(algorithm).update(password).update(salt).digest(), salt]).toString('base64')}`
}

test('{SSHA}, {SSHA256}, {SSHA512}, {SHA}, {SMD5}: right password matches, wrong one and tampering do not', () => {
  const salt = Buffer.from('0011223344556677', 'hex')
  for (const [scheme, algorithm] of [['SSHA', 'sha1'], ['SSHA256', 'sha256'], ['SSHA512', 'sha512'], ['SMD5', 'md5']] as const) {
    const stored = salted(scheme, algorithm, 'Secret-1', salt)
    assert.equal(verifyUserPassword('Secret-1', stored), true, scheme)
    assert.equal(verifyUserPassword('Secret-1', stored.replace(`{${scheme}}`, `{${scheme.toLowerCase()}}`)), true, `${scheme} prefix is case-insensitive`)
    assert.equal(verifyUserPassword('secret-1', stored), false, scheme)
    assert.equal(verifyUserPassword('', stored), false, scheme)
    // One flipped salt bit must break it: the salt really is used.
    const raw = Buffer.from(stored.slice(scheme.length + 2), 'base64')
    raw[raw.length - 1] = raw[raw.length - 1]! ^ 1
    assert.equal(verifyUserPassword('Secret-1', `{${scheme}}${raw.toString('base64')}`), false, scheme)
  }
  // OpenLDAP's slappasswd documents {SHA} of "secret" as this value.
  assert.equal(verifyUserPassword('secret', '{SHA}5en6G6MezRroT3XKqkdPOmY/BfQ='), true)
  assert.equal(verifyUserPassword('Secret', '{SHA}5en6G6MezRroT3XKqkdPOmY/BfQ='), false)
  // A truncated or salt-less "salted" value never matches.
  assert.equal(verifyUserPassword('secret', '{SSHA}5en6G6MezRroT3XKqkdPOmY/BfQ='), false)
  assert.equal(verifyUserPassword('x', '{SSHA}'), false)
})

test('{CLEARTEXT} and unprefixed values compare exactly; unknown schemes never match', () => {
  assert.equal(verifyUserPassword('plain pw', 'plain pw'), true)
  assert.equal(verifyUserPassword('plain pw', 'plain pw '), false)
  assert.equal(verifyUserPassword('plain pw', '{CLEARTEXT}plain pw'), true)
  assert.equal(verifyUserPassword('plain pw', Buffer.from('{cleartext}plain pw')), true)
  assert.equal(verifyUserPassword('{CLEARTEXT}plain pw', '{CLEARTEXT}plain pw'), false)
  assert.equal(verifyUserPassword('', ''), false, 'an empty stored password is no password')
  assert.equal(verifyUserPassword('x', '{ARGON2}$argon2id$v=19$m=65536,t=2,p=1$c2FsdA$aGFzaA'), false)
  assert.equal(verifyUserPassword('päss', '{CLEARTEXT}päss'), true, 'UTF-8')
  assert.equal(cleartextOf('{CLEARTEXT}abc'), 'abc')
  assert.equal(cleartextOf('abc'), 'abc')
  assert.equal(cleartextOf('{SSHA}abc'), null)
  assert.deepEqual(parseStoredPassword('{ssha512}AAA'), {scheme: 'SSHA512', value: 'AAA'})
})

test('hashSsha512 makes salted values that verify and differ each time', () => {
  const a = hashSsha512('Transition-Me')
  const b = hashSsha512('Transition-Me')
  assert.match(a, /^\{SSHA512\}[A-Za-z0-9+/]+=*$/)
  assert.notEqual(a, b)
  assert.equal(Buffer.from(a.slice(9), 'base64').length, 64 + 16)
  assert.equal(verifyUserPassword('Transition-Me', a), true)
  assert.equal(verifyUserPassword('Transition-Mf', a), false)
  // Same bytes as an independent computation with a given salt.
  const salt = randomBytes(16)
  assert.equal(hashSsha512('pw', salt), salted('SSHA512', 'sha512', 'pw', salt))
})

// Vectors: the two rounds=10000 ones are from Drepper's specification; the
// rest were produced here by `openssl passwd -6/-5/-1 -salt ...` and python3's crypt module.
const CRYPT_VECTORS: readonly [string, string][] = [
  ['Hello world!', '$6$rounds=10000$saltstringsaltst$OW1/O6BYHV6BcXZu8QVeXbDWra3Oeqh0sbHbbMCVNSnCM/UrjmM0Dp8vOuZeHBy/YTBmSK6H9qs/y3RnOaw5v.'],
  ['Hello world!', '$5$rounds=10000$saltstringsaltst$3xv.VbSHBb41AL9AvLeujZkZRBAwqFMz2.opqey6IcA'],
  ['pw', '$6$saltsalt$pauPrmdmG4BTE9h2HPmywiw152IFch6BJCEsaY6D.PLTfpV8sqvXwWdyfsgVgozkYH9B80bAip/08R2BPH2xk/'],
  ['pw', '$5$saltsalt$0rl.MZtoLLPP3X0Rdl8riRnphIcAXJY27/aOAyK2hB5'],
  ['pw', '$1$saltsalt$6SNdNaZLKst2LlSm7oPPL1'],
  ['hello world', '$6$abc$GfBYyAuGVyUfKo5BhO6YOsZBAX1lPyRTNMJzZaN7aVmtRqWd3SnT3YDk8g7BTpxO6PkSxhJaSI6LTIyR1Y/RC1'],
  ['hello world', '$5$abc$KxtQiDHOb.DdSwczg/edE7uzgRGyI91zy9.tceTgQH3'],
  ['hello world', '$1$abc$vEg1.ZEkkuk/fpExKa3yT0'],
  ['', '$1$x$fwjfZtMwarkdetsjiQreU1'],
  // A 16-character salt (a longer one is cut to 16) and a UTF-8 password.
  ['päss', '$6$0123456789abcdef$zuRzceQzJSA/r8M0fbIOm7kABr62TWEl6KXAZA6D9ixWZBAChLH72i.JxonD.fSqpH.HZY8YJ0yp3pxPC0mFv/'],
  ['päss', '$5$0123456789abcdef$xjrfIk7Oevfd4BpL1YHjKR4p/IcjMcwq6dDmI7Eot2D'],
  ['päss', '$1$01234567$K385Rfzq9Z8VbMMcrqaJk.'],
  ['secret-Crypt', '$6$rounds=1000$xyz$ZWTmSBd5UFXa98k6r3RO0BAmTdMCzUa7DmlfSduQ/mKJtvNwJ5/Wvr.vl/C.mzeERsq2KFavXdVBukFckZ31m0'],
]

test('{CRYPT}: SHA-512-crypt, SHA-256-crypt and MD5-crypt vectors', () => {
  for (const [password, hash] of CRYPT_VECTORS) {
    assert.equal(verifyCrypt(password, hash), true, `${JSON.stringify(password)} ${hash}`)
    assert.equal(verifyUserPassword(password, `{CRYPT}${hash}`), true, hash)
    assert.equal(verifyUserPassword(`${password}x`, `{CRYPT}${hash}`), false, hash)
  }
  assert.equal(sha512Crypt('Hello world!', 'saltstringsaltstring', 10000), CRYPT_VECTORS[0]![1])
  assert.equal(verifyCrypt('pw', '$6$saltsalt$pauPrmdmG4BTE9h2HPmywiw152IFch6BJCEsaY6D.PLTfpV8sqvXwWdyfsgVgozkYH9B80bAip/08R2BPH2xk.'), false, 'last character changed')
  assert.equal(verifyCrypt('pw', 'abJnggxhB/yWI'), false, 'DES crypt is not supported')
  assert.equal(verifyCrypt('pw', '$6$rounds=99999999$salt$x'), false, 'absurd round counts are refused, not computed')
  assert.equal(verifyCrypt('pw', '$2b$10$abcdefghijklmnopqrstuu'), false, 'bcrypt is not supported')
})

test('{CRYPT}: agrees with openssl passwd for random passwords and salts', (t) => {
  const probe = spawnSync('openssl', ['version'], {encoding: 'utf8'})
  if (probe.error) {
    t.skip('openssl is not installed')
    return
  }
  const saltChars = './0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'
  for (let i = 0; i < 12; i++) {
    // Lengths around the 32/64/16-byte block sizes, where the algorithms branch.
    const password = randomBytes(48).toString('base64').slice(0, [0, 1, 15, 16, 17, 31, 32, 33, 63, 64, 65, 3][i]!) || 'p'
    const salt = Array.from(randomBytes(1 + (i % 16)), (b) => saltChars[b % 64]).join('')
    for (const flag of ['-6', '-5', '-1']) {
      const r = spawnSync('openssl', ['passwd', flag, '-salt', flag === '-1' ? salt.slice(0, 8) : salt, '-stdin'], {input: `${password}\n`, encoding: 'utf8'})
      assert.equal(r.status, 0, r.stderr)
      const hash = r.stdout.trim()
      assert.equal(verifyCrypt(password, hash), true, `${flag} ${JSON.stringify(password)} ${hash}`)
      assert.equal(verifyCrypt(`${password}!`, hash), false)
    }
  }
})

test('{CRYPT}: agrees with python3 crypt() at a custom round count, when that module exists', (t) => {
  const r = spawnSync('python3', ['-W', 'ignore', '-c', 'import crypt,sys; print(crypt.crypt(sys.argv[1], "$6$rounds=2345$NaCl4u"))', 'Zwölf Boxkämpfer'], {encoding: 'utf8'})
  if (r.status !== 0 || !r.stdout.startsWith('$6$')) {
    t.skip('python3 with the crypt module is not available')
    return
  }
  const hash = r.stdout.trim()
  assert.equal(verifyCrypt('Zwölf Boxkämpfer', hash), true, hash)
  assert.equal(sha512Crypt('Zwölf Boxkämpfer', 'NaCl4u', 2345), hash)
})
