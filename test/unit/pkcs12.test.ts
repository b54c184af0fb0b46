import assert from 'node:assert/strict'
import {createCipheriv, generateKeyPairSync, hash, randomBytes} from 'node:crypto'
import {test} from 'node:test'
import {
  DIGESTS, KDF_PURPOSE, P12_OID, Pkcs12Error, baseNickname, bmpPassword, computeMac, decodePfx, derivedNickname, encodePfx,
  parseCipher, parseMacAlgorithm, parsePbeAlgorithm, passwordBytes, pbeDecrypt, pkcs12Kdf, certHasKey, type PbeChoice, type DigestInfo,
} from '../../src/core/pkcs12/index.js'
import {parseBer} from '../../src/core/pkcs12/ber.js'
import {repeatHash} from '../../src/core/pkcs12/repeated_hash.js'
import {rc4} from '../../src/core/pkcs12/rc4.js'
import {rc2Cbc} from '../../src/core/pkcs12/rc2.js'
import {der, parseDn} from '../../src/core/pki/index.js'

const digest = (node: string): DigestInfo => DIGESTS.find((d) => d.node === node)!
const hex = (s: string): Buffer => Buffer.from(s.replace(/[: ]/g, ''), 'hex')

test('BMPString passwords: UTF-16BE with a zero terminator; PBES2 takes UTF-8', () => {
  assert.deepEqual(bmpPassword('pw'), hex('0070 0077 0000'))
  assert.deepEqual(bmpPassword(''), hex('0000'))
  assert.deepEqual(bmpPassword('é€'), hex('00e9 20ac 0000'))
  assert.deepEqual(bmpPassword('😀'), hex('d83d de00 0000'), 'outside the BMP: a surrogate pair')
  assert.deepEqual(passwordBytes('pä').utf8, hex('70 c3a4'))
})

test('PKCS #12 KDF matches OpenSSL 3 (openssl kdf ... PKCS12KDF)', () => {
  const kdf = (d: string, pw: string | Buffer, salt: string, iter: number, id: number, len: number) =>
    pkcs12Kdf(digest(d), typeof pw === 'string' ? bmpPassword(pw) : pw, hex(salt), iter, id, len).toString('hex').toUpperCase()
  // The classic "smeg" vector: SHA-1, one iteration.
  assert.equal(kdf('sha1', 'smeg', '0a58cf64530d823f', 1, KDF_PURPOSE.key, 24), '8AAAE6297B6CB04642AB5B077851284EB7128F1A2A7FBCA3')
  assert.equal(kdf('sha256', 'pässwörd€', '00112233445566778899aabbccddeeff', 2048, KDF_PURPOSE.mac, 32), 'DC70C5F4D1682D040CB1D09AC452F04DF97004D55445D7C28B9F1A86EF3D753A')
  assert.equal(kdf('sha512', 'pw', '0102', 3, KDF_PURPOSE.mac, 64), 'CE865C313E6B4824180B01ECFCEC40DD3D870B1B3DC2ED9A96BE109802AECAB280804D13180C931CBD50CAE3A35E419FAABD960F238C61BCA8DA6D0B5C41C64F')
  // Two output blocks: the I update between blocks is exercised.
  assert.equal(kdf('sha1', 'pw', '0102030405060708', 5, KDF_PURPOSE.key, 40), 'B1780FBC597865870EB630B1C004366D6A2F6F2DDD58B7B1FF11A06E4D7241B8046AD7D0DBDFCEC8')
  assert.equal(kdf('sha1', hex('0000'), '0102030405060708', 600, KDF_PURPOSE.iv, 24), 'BAB2ED0BC375C31FFBE4D33610FE6A7E62105F8D26BA0E8E')
})

test('the word-level SHA-1 / SHA-256 repetition equals crypto.hash applied N times', () => {
  for (const [alg, size] of [['sha256', 32], ['sha1', 20]] as const) {
    for (const rounds of [0, 1, 2, 65, 1000]) {
      const start = randomBytes(size)
      let expected = start
      for (let i = 0; i < rounds; i++) expected = hash(alg, expected, 'buffer')
      assert.deepEqual(repeatHash(alg, start, rounds), expected, `${alg} x${rounds}`)
    }
  }
  assert.deepEqual(repeatHash('sha384', hash('sha384', 'x', 'buffer'), 2), hash('sha384', hash('sha384', hash('sha384', 'x', 'buffer'), 'buffer'), 'buffer'))
})

test('RC4 and RC2 agree with published / OpenSSL legacy-provider outputs', () => {
  assert.equal(rc4(Buffer.from('Key'), Buffer.from('Plaintext')).toString('hex'), 'bbf316e8d940af0ad3')
  // openssl enc -rc2-40-cbc -K 0102030405 -iv 0001020304050607 -provider legacy (PKCS #7 padded "0123456789abcdef0123")
  const plain = Buffer.concat([Buffer.from('0123456789abcdef0123'), Buffer.alloc(4, 4)])
  const ct = rc2Cbc(true, hex('0102030405'), 40, hex('0001020304050607'), plain)
  assert.equal(ct.toString('hex'), '39286680924c1c6d9b59b88ac96134214deed5cc3f534fe5')
  assert.deepEqual(rc2Cbc(false, hex('0102030405'), 40, hex('0001020304050607'), ct), plain)
})

const {privateKey} = generateKeyPairSync('ec', {namedCurve: 'P-256'})
const PKCS8 = privateKey.export({type: 'pkcs8', format: 'der'})
const FAKE_CERT = der.sequence(der.integer(1), der.utf8String('not parsed by the codec'))
const ID = hex('01020304')

function encodeWith(keyEncryption: PbeChoice, certEncryption: PbeChoice | null, mac: DigestInfo, password = 'pw'): Buffer {
  return encodePfx([{pkcs8: PKCS8, friendlyName: 'mykey', localKeyId: ID}], [
    {der: FAKE_CERT, friendlyName: 'Issuer CA', localKeyId: null},
    {der: FAKE_CERT, friendlyName: 'mykey', localKeyId: ID},
  ], {password, keyEncryption, certEncryption, mac, iterations: 3})
}

test('encode and decode round trip for every scheme an export can name', () => {
  const sha256 = parseMacAlgorithm(undefined)
  const names: [string, string][] = [
    ['AES-256-CBC', 'AES-128-CBC'], ['aes-192-cbc', 'NONE'], ['CAMELLIA-256-CBC', 'CAMELLIA-128-CBC'],
    ['DES-EDE3-CBC', 'RC2-CBC'], ['RC4', 'PKCS #12 V2 PBE With SHA-1 And 40 Bit RC2 CBC'],
    ['PKCS #12 V2 PBE With SHA-1 And 3KEY Triple DES-CBC', 'PKCS #12 V2 PBE With SHA-1 And 40 Bit RC4'],
    ['DES-CBC', 'PKCS #5 Password Based Encryption with MD5 and DES-CBC'],
  ]
  for (const [k, c] of names) {
    for (const mac of [sha256, parseMacAlgorithm('SHA-1'), parseMacAlgorithm('sha-512')]) {
      const pfx = decodePfx(encodeWith(parseCipher(k, undefined, mac, false)!, parseCipher(c, undefined, mac, true), mac, 'pässwörd'), 'pässwörd')
      assert.equal(pfx.mac?.digest.node, mac.node)
      assert.deepEqual(pfx.bags.map((b) => [b.type, b.friendlyName]), c === 'NONE'
        ? [['certificate', 'Issuer CA'], ['certificate', 'mykey'], ['shroudedKey', 'mykey']]
        : [['shroudedKey', 'mykey'], ['certificate', 'Issuer CA'], ['certificate', 'mykey']], `${k} / ${c}`)
      const key = pfx.bags.find((b) => b.type === 'shroudedKey')
      assert.ok(key && key.type === 'shroudedKey')
      assert.deepEqual(key.privateKeyInfo, PKCS8)
      const certs = pfx.bags.filter((b) => b.type === 'certificate')
      assert.deepEqual(certs.map((b) => b.type === 'certificate' && certHasKey(pfx, b)), [false, true])
      assert.equal(pfx.safes.length, c === 'NONE' ? 1 : 2)
    }
  }
})

test('PBES1 DES written the OpenSSL way (plain password, IV from digest bytes 8-15) is read too', () => {
  const salt = hex('0102030405060708')
  let t = hash('sha1', Buffer.concat([Buffer.from('pw'), salt]), 'buffer')
  for (let i = 1; i < 50; i++) t = hash('sha1', t, 'buffer')
  const k = t.subarray(0, 8)
  const c = createCipheriv('des-ede3-cbc', Buffer.concat([k, k, k]), t.subarray(8, 16))
  const ciphertext = Buffer.concat([c.update(PKCS8), c.final()])
  const alg = der.sequence(der.oid(P12_OID.pbeSha1Des), der.sequence(der.octetString(salt), der.integer(50)))
  const scheme = parsePbeAlgorithm(parseBer(alg, 'test'), 'test')
  assert.equal(scheme.kind, 'pbes1')
  assert.deepEqual(pbeDecrypt(scheme, passwordBytes('pw'), ciphertext, 'test'), PKCS8)
  assert.throws(() => pbeDecrypt(scheme, passwordBytes('wrong'), ciphertext, 'test'), Pkcs12Error)
})

test('PBES2 follows the MAC digest for its PRF, as NSS does (MD5 falls back to HMAC-SHA-1)', () => {
  const prf = (m: string) => {
    const c = parseCipher('AES-256-CBC', undefined, parseMacAlgorithm(m), false)
    return c?.kind === 'pbes2' ? c.prf.node : null
  }
  assert.equal(prf('SHA-384'), 'sha384')
  assert.equal(prf('MD5'), 'sha1')
  const pfx = decodePfx(encodeWith(parseCipher('AES-128-CBC', undefined, parseMacAlgorithm('SHA-224'), false)!, null, parseMacAlgorithm('SHA-224')), 'pw')
  const key = pfx.bags.find((b) => b.type === 'shroudedKey')
  assert.ok(key?.type === 'shroudedKey' && key.encryption.kind === 'pbes2')
  assert.equal(key.encryption.kdf.prf.node, 'sha224')
  assert.equal(key.encryption.kdf.keyLength, 16)
  assert.equal(key.encryption.kdf.salt.length, 16)
})

test('algorithm names NSS refuses are refused with its message; key lengths pick RC2/RC4 strength', () => {
  const mac = parseMacAlgorithm('SHA-256')
  assert.throws(() => parseMacAlgorithm('SHA1'), /Algorithm: "SHA1": SEC_ERROR_INVALID_ALGORITHM: security library: invalid algorithm\./)
  assert.throws(() => parseCipher('BOGUS', undefined, mac, false), /Algorithm: "BOGUS": SEC_ERROR_INVALID_ALGORITHM/)
  assert.throws(() => parseCipher('NONE', undefined, mac, false), /Algorithm: "NONE"/, 'keys are always encrypted')
  assert.throws(() => parseCipher('RC2-CBC', 64, mac, false), /Algorithm: "RC2-CBC"/)
  assert.deepEqual(parseCipher('RC2-CBC', 40, mac, false), {kind: 'pkcs12', oid: P12_OID.pbeSha1Rc2_40})
  assert.deepEqual(parseCipher('rc4', undefined, mac, false), {kind: 'pkcs12', oid: P12_OID.pbeSha1Rc4_128})
  assert.deepEqual(parseCipher('DES-EDE3-CBC', undefined, mac, false), {kind: 'pkcs12', oid: P12_OID.pbeSha1TripleDes})
  assert.throws(() => parseCipher('PKCS #12 V2 PBE With SHA-1 And 2KEY Triple DES-CBC', undefined, mac, false), /key or cert safe creation failed/)
  assert.equal(parseCipher('none', undefined, mac, true), null)
})

/** The outer PFX re-encoded as NSS and Windows write it: indefinite lengths and a chunked OCTET STRING (the MAC still covers the same octets). */
function toBer(pfx: Buffer): Buffer {
  const indefinite = (tag: number, ...parts: Buffer[]) => Buffer.concat([Buffer.from([tag, 0x80]), ...parts, Buffer.from([0, 0])])
  const [version, authSafe, mac] = der.childrenOf(der.parseDer(pfx))
  const [type, wrapped] = der.childrenOf(authSafe!)
  const octets = der.childrenOf(wrapped!)[0]!.content
  const chunks: Buffer[] = []
  for (let i = 0; i < octets.length; i += 100) chunks.push(der.octetString(octets.subarray(i, i + 100)))
  const content = indefinite(0xa0, indefinite(0x24, ...chunks))
  return indefinite(0x30, version!.raw, indefinite(0x30, type!.raw, content), mac!.raw)
}

test('BER input (indefinite lengths, constructed OCTET STRING) decodes like DER', () => {
  const mac = parseMacAlgorithm('SHA-256')
  const file = encodeWith(parseCipher('AES-256-CBC', undefined, mac, false)!, parseCipher('AES-128-CBC', undefined, mac, true), mac)
  const ber = toBer(file)
  assert.notDeepEqual(ber, file)
  assert.deepEqual(decodePfx(ber, 'pw').bags.map((b) => b.type), decodePfx(file, 'pw').bags.map((b) => b.type))
})

test('bad input: wrong password, truncation, garbage, an empty file and a non-PKCS #12 DER file each fail with their kind', () => {
  const mac = parseMacAlgorithm('SHA-256')
  const file = encodeWith(parseCipher('AES-256-CBC', undefined, mac, false)!, parseCipher('AES-128-CBC', undefined, mac, true), mac)
  const failure = (input: Buffer, pw = 'pw') => {
    try {
      decodePfx(input, pw)
    } catch (err) {
      assert.ok(err instanceof Pkcs12Error, String(err))
      return err.failure
    }
    return 'decoded'
  }
  assert.equal(failure(file, 'wrong'), 'password')
  assert.equal(failure(file.subarray(0, file.length - 40)), 'format')
  const ber = toBer(file)
  assert.equal(failure(ber.subarray(0, ber.length - 3)), 'format', 'the end-of-contents marker cut off')
  assert.equal(failure(ber.subarray(0, 200)), 'format')
  assert.equal(failure(randomBytes(300)), 'format')
  assert.equal(failure(Buffer.alloc(0)), 'format')
  assert.equal(failure(der.sequence(der.integer(1), der.sequence())), 'format')
  assert.equal(failure(Buffer.concat([file, Buffer.from('junk')])), 'format')
  assert.equal(failure(Buffer.concat([file, Buffer.alloc(3)])), 'decoded', 'zero padding after the PFX is tolerated')
})

test('empty password: the bare BMP terminator, and files that used no password bytes at all', () => {
  const mac = parseMacAlgorithm('SHA-1')
  const choice = parseCipher('PKCS #12 V2 PBE With SHA-1 And 3KEY Triple DES-CBC', undefined, mac, false)!
  assert.equal(decodePfx(encodeWith(choice, null, mac, ''), '').bags.length, 3)
  // A MAC keyed over zero password bytes (some writers' "no password").
  const authSafe = der.sequence(der.sequence(der.oid(P12_OID.data), der.explicit(0, der.octetString(der.sequence()))))
  const salt = randomBytes(8)
  const value = computeMac({digest: mac, salt, iterations: 1}, Buffer.alloc(0), authSafe)
  const file = der.sequence(der.integer(3), der.sequence(der.oid(P12_OID.data), der.explicit(0, der.octetString(authSafe))),
    der.sequence(der.sequence(der.sequence(der.oid(mac.oid), der.nullValue()), der.octetString(value)), der.octetString(salt)))
  assert.deepEqual(decodePfx(file, '').bags, [])
})

test('a Windows-style file: 3DES everywhere, SHA-1 MAC, localKeyID 01000000 and Microsoft attributes', () => {
  const sha1 = parseMacAlgorithm('SHA-1')
  const pw = passwordBytes('Win-Export1')
  const salt = randomBytes(8)
  const it = 2000
  const key = pkcs12Kdf(sha1, pw.bmp, salt, it, KDF_PURPOSE.key, 24)
  const iv = pkcs12Kdf(sha1, pw.bmp, salt, it, KDF_PURPOSE.iv, 8)
  const enc = (data: Buffer) => {
    const c = createCipheriv('des-ede3-cbc', key, iv)
    return Buffer.concat([c.update(data), c.final()])
  }
  const alg = der.sequence(der.oid(P12_OID.pbeSha1TripleDes), der.sequence(der.octetString(salt), der.integer(it)))
  const localKeyId = der.sequence(der.oid(P12_OID.localKeyId), der.set(der.octetString(hex('01000000'))))
  const bmp = (s: string) => {
    const b = Buffer.from(s, 'utf16le')
    b.swap16()
    return der.tlv(0x1e, b)
  }
  const keyAttrs = der.set(
    localKeyId,
    der.sequence(der.oid(P12_OID.friendlyName), der.set(bmp('te-4a1b2c3d-0000-1111-2222-333344445555'))),
    der.sequence(der.oid('1.3.6.1.4.1.311.17.1'), der.set(bmp('Microsoft Software Key Storage Provider'))),
    der.sequence(der.oid('1.3.6.1.4.1.311.17.2'), der.set()),
  )
  const keyBag = der.sequence(der.oid(P12_OID.pkcs8ShroudedKeyBag), der.explicit(0, der.sequence(alg, der.octetString(enc(PKCS8)))), keyAttrs)
  const certBag = der.sequence(der.oid(P12_OID.certBag), der.explicit(0, der.sequence(der.oid(P12_OID.x509Certificate), der.explicit(0, der.octetString(FAKE_CERT)))), der.set(localKeyId))
  const encrypted = der.sequence(der.oid(P12_OID.encryptedData), der.explicit(0, der.sequence(der.integer(0),
    der.sequence(der.oid(P12_OID.data), alg, der.implicit(0, enc(der.sequence(certBag)))))))
  const authSafe = der.sequence(der.sequence(der.oid(P12_OID.data), der.explicit(0, der.octetString(der.sequence(keyBag)))), encrypted)
  const macSalt = randomBytes(20)
  const mac = computeMac({digest: sha1, salt: macSalt, iterations: it}, pw.bmp, authSafe)
  const file = der.sequence(der.integer(3), der.sequence(der.oid(P12_OID.data), der.explicit(0, der.octetString(authSafe))),
    der.sequence(der.sequence(der.sequence(der.oid(sha1.oid), der.nullValue()), der.octetString(mac)), der.octetString(macSalt), der.integer(it)))
  const pfx = decodePfx(file, 'Win-Export1')
  const [k, c] = pfx.bags
  assert.ok(k?.type === 'shroudedKey' && c?.type === 'certificate')
  assert.deepEqual(k.privateKeyInfo, PKCS8)
  assert.equal(c.friendlyName, null)
  assert.ok(certHasKey(pfx, c))
  assert.equal(k.attributes.length, 4)
})

test('nicknames derived as NSS does for certificates without one', () => {
  const nick = (dn: string) => baseNickname(parseDn(dn))
  assert.equal(nick('CN=Bob,O=Example Corp,C=US'), 'Bob - Example Corp')
  assert.equal(nick('O=OnlyOrg,C=US'), 'OnlyOrg')
  assert.equal(nick('CN=OnlyCN'), 'OnlyCN')
  assert.equal(nick('E=a@b.c,OU=Unit,C=US'), 'Unit')
  assert.equal(nick('L=Town,C=US'), 'Unknown CA')
  // DER order is the reverse of the text: the last CN in DER, the first O and OU.
  assert.equal(nick('O=O1,CN=Last,CN=First'), 'Last - O1')
  assert.equal(nick('O=X,OU=U2,OU=U1'), 'U1 - X')
  assert.equal(nick('O=A2,O=A1'), 'A1')
  const taken = new Set(['Bob - Example Corp', 'Bob - Example Corp #2'])
  assert.equal(derivedNickname(parseDn('CN=Bob,O=Example Corp'), (n) => taken.has(n)), 'Bob - Example Corp #3')
})
