import assert from 'node:assert/strict'
import {createHash} from 'node:crypto'
import {test} from 'node:test'
import {
  Certificate, KeyImportError, OptionValueError, checkKeyGenerationOptions, describePublicKey, exportPkcs8, exportSpki, generateKeyPair,
  importPkcs8, importSpki, keyIdOf, keyMatches, nssKeyTypeName, parseKeyType, publicKeyOf, type KeyGenerationOptions,
} from '../../src/core/pki/index.js'
import {NSS} from './pki-helpers.js'

const sha1hex = (b: Buffer): string => createHash('sha1').update(b).digest('hex')
const fromB64url = (s: string | undefined): Buffer => Buffer.from(s ?? '', 'base64url')

function refuses(options: KeyGenerationOptions, option: string, message: string): void {
  assert.throws(() => checkKeyGenerationOptions(options), (e: unknown) => {
    assert.ok(e instanceof OptionValueError, String(e))
    assert.equal(e.option, option)
    assert.equal(e.message, message)
    assert.equal(e.exitCode, 255)
    return true
  })
}

test('certutil parameter checks, with NSS wording', () => {
  refuses({bits: 511}, '-g', 'Keysize must be between 512 and 8192.')
  refuses({bits: 8193}, '-g', 'Keysize must be between 512 and 8192.')
  refuses({type: 'rsa-pss', bits: 100}, '-g', 'Keysize must be between 512 and 8192.')
  refuses({publicExponent: 5}, '-y', 'incorrect public exponent 5.Must be 3, 17, or 65537.')
  refuses({type: 'ec', bits: 256}, '-g', 'Not for ec keys.')
  refuses({type: 'rsa', curve: 'nistp256'}, '-q', 'specifies a PQG file for DSA keys (-k dsa) or a named curve for EC keys (-k ec)')
  refuses({type: 'ec', curve: 'nistp999'}, '-q', 'unrecognized elliptic curve nistp999; use nistp256, nistp384 or nistp521.')
  assert.deepEqual(checkKeyGenerationOptions({}), {type: 'rsa', bits: 2048, publicExponent: 65537})
  assert.deepEqual(checkKeyGenerationOptions({type: 'ec'}), {type: 'ec', curve: 'nistp256'})
  assert.deepEqual(checkKeyGenerationOptions({type: 'ec', curve: 'secp384r1'}), {type: 'ec', curve: 'nistp384'})
  assert.deepEqual(checkKeyGenerationOptions({type: 'rsa-pss', bits: 1024}), {type: 'rsa-pss', bits: 1024, publicExponent: 65537, hash: 'SHA256'})
  assert.deepEqual(checkKeyGenerationOptions({type: 'ed25519'}), {type: 'ed25519'})
  assert.equal(parseKeyType('rsa'), 'rsa')
  assert.equal(parseKeyType('EC'), 'ec')
  assert.equal(parseKeyType('server-cert'), null)
  assert.throws(() => parseKeyType('dsa'), OptionValueError)
})

test('RSA keys: exponent honoured; key id is SHA-1 of the modulus without its sign byte', async () => {
  const {privateKey, publicKey} = await generateKeyPair({bits: 1024, publicExponent: 3})
  assert.equal(publicKey.asymmetricKeyDetails?.publicExponent, 3n)
  assert.equal(publicKey.asymmetricKeyDetails?.modulusLength, 1024)
  const n = fromB64url(publicKey.export({format: 'jwk'}).n)
  assert.equal(n[0] !== 0, true)
  assert.equal(keyIdOf(publicKey).toString('hex'), sha1hex(n))
  assert.equal(keyIdOf(privateKey).toString('hex'), sha1hex(n))
  const info = describePublicKey(publicKey)
  assert.equal(info.type, 'rsa')
  assert.equal(info.bits, 1024)
  assert.equal(info.rsa?.exponent, 3n)
  assert.equal(nssKeyTypeName(info.type), 'rsa')
  const small = await generateKeyPair({bits: 512, publicExponent: 17})
  assert.equal(small.publicKey.asymmetricKeyDetails?.publicExponent, 17n)
})

test('EC keys on each NIST curve: key id is SHA-1 of the uncompressed public point', async () => {
  for (const [curve, bytes, bits] of [['nistp256', 32, 256], ['nistp384', 48, 384], ['nistp521', 66, 521]] as const) {
    const {publicKey} = await generateKeyPair({type: 'ec', curve})
    const jwk = publicKey.export({format: 'jwk'})
    const x = fromB64url(jwk.x)
    const y = fromB64url(jwk.y)
    assert.equal(x.length, bytes)
    const point = Buffer.concat([Buffer.from([4]), x, y])
    const info = describePublicKey(publicKey)
    assert.equal(info.ec?.curve, curve)
    assert.equal(info.bits, bits)
    assert.ok(info.ec?.point.equals(point))
    assert.equal(info.keyId.toString('hex'), sha1hex(point))
    assert.equal(nssKeyTypeName(info.type), 'ec')
  }
  const p256 = describePublicKey((await generateKeyPair({type: 'ec'})).publicKey)
  assert.equal(p256.ec?.curveDisplayName, 'ANSI X9.62 elliptic curve prime256v1 (aka secp256r1, NIST P-256)')
})

test('Ed25519 keys: key id is SHA-1 of the 32-byte public key', async () => {
  const {publicKey} = await generateKeyPair({type: 'ed25519'})
  const raw = fromB64url(publicKey.export({format: 'jwk'}).x)
  const info = describePublicKey(publicKey)
  assert.equal(info.type, 'ed25519')
  assert.ok(info.ed25519?.equals(raw))
  assert.equal(info.keyId.toString('hex'), sha1hex(raw))
})

test('RSA-PSS keys carry their hash restriction like NSS --pss keys', async () => {
  const {publicKey} = await generateKeyPair({type: 'rsa-pss', bits: 1024, hash: 'SHA384'})
  const info = describePublicKey(publicKey)
  assert.equal(info.type, 'rsa-pss')
  assert.deepEqual(info.rsaPss, {hash: 'SHA384', mgf1Hash: 'SHA384', saltLength: 48, trailerField: 1})
  assert.equal(nssKeyTypeName(info.type), 'rsaPss')
  assert.equal(info.keyId.toString('hex'), sha1hex(info.rsa?.modulus ?? Buffer.alloc(0)))
})

test('key ids equal what NSS certutil -K printed for its own keys', () => {
  for (const fixture of [NSS.rsa, NSS.ecExtensions, NSS.pss, NSS.ecCa]) {
    assert.equal(Certificate.fromDer(fixture.der).keyId.toString('hex'), fixture.keyId)
  }
})

test('PKCS #8 and SPKI round trips; matching keys', async () => {
  const a = await generateKeyPair({type: 'ec'})
  const b = await generateKeyPair({type: 'ed25519'})
  const back = importPkcs8(exportPkcs8(a.privateKey))
  assert.ok(exportSpki(publicKeyOf(back)).equals(exportSpki(a.publicKey)))
  assert.ok(exportSpki(importSpki(exportSpki(b.publicKey))).equals(exportSpki(b.publicKey)))
  assert.ok(keyMatches(a.privateKey, a.publicKey))
  assert.ok(keyMatches(a.privateKey, exportSpki(a.publicKey)))
  assert.ok(!keyMatches(a.privateKey, b.publicKey))
  assert.throws(() => importPkcs8(Buffer.from('3003020100', 'hex')), KeyImportError)
  assert.throws(() => importSpki(Buffer.from('not a key')), KeyImportError)
  assert.throws(() => exportPkcs8(a.publicKey), KeyImportError)
})
