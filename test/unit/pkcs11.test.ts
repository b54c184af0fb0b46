import {test} from 'node:test'
import assert from 'node:assert/strict'
import {verify as cryptoVerify} from 'node:crypto'
import {ecdsaDer, EC_PARAMS, Pkcs11Error, Pkcs11Library, pkcs11js} from '../../src/core/pkcs11/index.js'
import {softhsmAvailable, softhsmToken} from '../helpers/softhsm.js'

test('ecdsaDer encodes r||s as a DER SEQUENCE of two positive INTEGERs', () => {
  const raw = Buffer.concat([Buffer.alloc(32, 0xff), Buffer.concat([Buffer.alloc(2, 0), Buffer.alloc(30, 0x01)])])
  const der = ecdsaDer(raw)
  assert.equal(der[0], 0x30)
  assert.equal(der[2], 0x02)
  assert.equal(der[3], 33, 'a high bit gets a leading zero')
  assert.equal(der[4], 0x00)
  const s = der.subarray(4 + 33)
  assert.deepEqual([...s.subarray(0, 2)], [0x02, 30], 'leading zero bytes are dropped')
})

test('EC_PARAMS are the curve OIDs', () => {
  assert.equal(EC_PARAMS.nistp256.toString('hex'), '06082a8648ce3d030107')
})

test('a library that does not exist fails with the loader reason', () => {
  assert.throws(() => Pkcs11Library.open('/nonexistent/libnothing.so'), (e: unknown) => e instanceof Pkcs11Error && /cannot load PKCS #11 library "\/nonexistent\/libnothing.so"/.test(e.message))
})

test('SoftHSM: slots, login, key generation on the token, signing', (t) => {
  if (!softhsmAvailable(t)) return
  const tok = softhsmToken(t, 'UnitToken', '1111')
  const lib = Pkcs11Library.open(tok.library)
  try {
    assert.match(lib.info().manufacturer, /^SoftHSM\s*$/)
    const slot = lib.slots().find((s) => s.token?.label.trim() === 'UnitToken')
    assert.ok(slot, 'the initialised token is in a slot')
    assert.equal(slot.token!.loginRequired, true)
    assert.equal(slot.token!.userPinInitialized, true)
    const session = lib.openSession(slot)
    try {
      assert.throws(() => session.login('0000'), (e: unknown) => e instanceof Pkcs11Error && e.badPin)
      session.login('1111')
      const {key, publicKey} = session.generateKeyPair({type: 'ec', curve: 'nistp256'}, 'k1')
      assert.equal(key.id.length, 20, 'CKA_ID is the SHA-1 key id')
      const found = session.privateKeys()
      assert.equal(found.length, 1)
      assert.ok(found[0]!.id.equals(key.id))
      assert.equal(found[0]!.label, 'k1')
      const c = pkcs11js()
      // The private key stays on the token: check the attributes that promise it.
      const mod = (session as unknown as {module: import('pkcs11js').PKCS11; session: Buffer})
      const attrs = mod.module.C_GetAttributeValue(mod.session, key.handle, [{type: c.CKA_SENSITIVE}, {type: c.CKA_EXTRACTABLE}, {type: c.CKA_PRIVATE}, {type: c.CKA_TOKEN}])
      assert.deepEqual(attrs.map((a) => a.value[0]), [1, 0, 1, 1])
      const data = Buffer.from('to be signed')
      const sig = session.sign(key, 'SHA256', data)
      assert.ok(cryptoVerify('sha256', data, {key: publicKey, dsaEncoding: 'der'}, sig))
      const rsa = session.generateKeyPair({type: 'rsa', bits: 1024, publicExponent: 65537}, 'r1')
      const rsaSig = session.sign(rsa.key, 'SHA256', data)
      assert.ok(cryptoVerify('sha256', data, rsa.publicKey, rsaSig))
      session.setPin('1111', '2222')
      assert.throws(() => session.setPin('1111', '3333'), (e: unknown) => e instanceof Pkcs11Error && e.badPin)
    } finally {
      session.close()
    }
  } finally {
    lib.close()
  }
})
