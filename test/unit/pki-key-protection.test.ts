import assert from 'node:assert/strict'
import {test} from 'node:test'
import {
  CorruptKeyError, DEFAULT_KDF_PARAMETERS, IncorrectPasswordError, createTokenSecret, createTokenSecretSync, exportPkcs8, generateKeyPair,
  importPkcs8, keyIdOf, unlockToken, unlockTokenSync, type TokenSecret,
} from '../../src/core/pki/index.js'

const key = await generateKeyPair({type: 'ec'})
const pkcs8 = exportPkcs8(key.privateKey)
const keyId = keyIdOf(key.publicKey)

test('seal and open a PKCS #8 key under the token password', async () => {
  const {secret, key: tokenKey} = await createTokenSecret('correct horse')
  assert.deepEqual(secret.params, {algorithm: 'scrypt', N: 16384, r: 8, p: 1, keyLength: 32})
  assert.equal(secret.salt.length, 16)
  const blob = tokenKey.seal(pkcs8, keyId)
  assert.ok(!blob.includes(pkcs8.subarray(-32)), 'ciphertext does not contain the key')
  assert.notDeepEqual(tokenKey.seal(pkcs8, keyId), blob, 'fresh IV per seal')
  // A later process unlocks with the stored record and the password.
  const again = await unlockToken('correct horse', secret)
  const opened = again.open(blob, keyId)
  assert.ok(opened.equals(pkcs8))
  assert.ok(importPkcs8(opened).export({format: 'jwk'}).d === key.privateKey.export({format: 'jwk'}).d)
})

test('a wrong password is IncorrectPasswordError; a damaged blob is CorruptKeyError', async () => {
  const {secret, key: tokenKey} = createTokenSecretSync('pw')
  const blob = tokenKey.seal(pkcs8, keyId)
  await assert.rejects(unlockToken('PW', secret), (e: unknown) => {
    assert.ok(e instanceof IncorrectPasswordError)
    assert.equal(e.message, 'Incorrect password/PIN entered.')
    return true
  })
  assert.throws(() => unlockTokenSync('', secret), IncorrectPasswordError)
  const right = unlockTokenSync('pw', secret)
  for (const at of [0, 5, 20, blob.length - 1]) {
    const bad = Buffer.from(blob)
    bad[at] = (bad[at] as number) ^ 0x40
    assert.throws(() => right.open(bad, keyId), (e: unknown) => {
      assert.ok(e instanceof CorruptKeyError)
      assert.match(e.message, new RegExp(`stored private key ${keyId.toString('hex')} is damaged`))
      return true
    })
  }
  assert.throws(() => right.open(blob.subarray(0, 10), keyId), CorruptKeyError)
  // Bound to its key id: a blob moved to another key's row does not open.
  assert.throws(() => right.open(blob, Buffer.alloc(20, 1)), CorruptKeyError)
  // A truncated password record is damage, not a wrong password.
  const brokenRecord: TokenSecret = {...secret, check: secret.check.subarray(0, 5)}
  assert.throws(() => unlockTokenSync('pw', brokenRecord), CorruptKeyError)
  assert.throws(() => unlockTokenSync('pw', {...secret, params: {...secret.params, N: 1000}}), CorruptKeyError)
})

test('the empty password (--empty-password) works the same way', async () => {
  const {secret, key: tokenKey} = await createTokenSecret('')
  const blob = tokenKey.seal(pkcs8, keyId)
  assert.ok((await unlockToken('', secret)).open(blob, keyId).equals(pkcs8))
  await assert.rejects(unlockToken('x', secret), IncorrectPasswordError)
})

test('password change re-encrypts under the new key; parameters can be raised', async () => {
  const old = await createTokenSecret('old')
  const blob = old.key.seal(pkcs8, keyId)
  const next = await createTokenSecret('new', {...DEFAULT_KDF_PARAMETERS, N: 2 ** 15})
  assert.equal(next.secret.params.N, 32768)
  const moved = old.key.reseal(blob, keyId, next.key)
  assert.ok((await unlockToken('new', next.secret)).open(moved, keyId).equals(pkcs8))
  await assert.rejects(unlockToken('old', next.secret), IncorrectPasswordError)
  assert.throws(() => next.key.open(blob, keyId), CorruptKeyError)
  assert.ok(next.key.matches(next.secret.check) && !next.key.matches(old.secret.check))
})
