/**
 * PKCS #12 files come from anyone (pk12util -i). Property: decodePfx over
 * any bytes and over mutated real files (written by our encoder with
 * several schemes) returns the bags or throws Pkcs12Error with a clear
 * one-line message, within 1 s plus the time the file's own iteration
 * counts ask for; a count no real file uses (over 10,000,000) is refused
 * before any hashing.
 */
import assert from 'node:assert/strict'
import {generateKeyPairSync} from 'node:crypto'
import {test} from 'node:test'
import fc from 'fast-check'
import {decodePfx, encodePfx, parseCipher, parseMacAlgorithm, Pkcs12Error, type PbeChoice} from '../../../src/core/pkcs12/index.js'
import {BER, childrenOf, MAX_ITERATIONS, parseBer, type BerNode} from '../../../src/core/pkcs12/ber.js'
import {der} from '../../../src/core/pki/index.js'
import {NSS} from '../../unit/pki-helpers.js'
import {derInput, fuzzParams, MAX_CALL_MS, MemoryWatch, outcomeOf} from './fuzz_config.js'

const PASSWORD = 'pässwörd'
const PKCS8 = generateKeyPairSync('ec', {namedCurve: 'P-256'}).privateKey.export({type: 'pkcs8', format: 'der'})
const ID = Buffer.from('01020304', 'hex')

function sample(key: string, cert: string, mac: string, iterations: number): Buffer {
  const digest = parseMacAlgorithm(mac)
  return encodePfx([{pkcs8: PKCS8, friendlyName: 'mykey', localKeyId: ID}], [
    {der: NSS.ecCa.der, friendlyName: 'Issuer CA', localKeyId: null},
    {der: NSS.rsa.der, friendlyName: 'mykey', localKeyId: ID},
  ], {password: PASSWORD, keyEncryption: parseCipher(key, undefined, digest, false) as PbeChoice, certEncryption: parseCipher(cert, undefined, digest, true), mac: digest, iterations})
}

const SAMPLES = [
  sample('AES-256-CBC', 'AES-128-CBC', 'SHA-256', 3),
  sample('PKCS #12 V2 PBE With SHA-1 And 3KEY Triple DES-CBC', 'PKCS #12 V2 PBE With SHA-1 And 40 Bit RC2 CBC', 'SHA-1', 2),
  sample('DES-EDE3-CBC', 'NONE', 'SHA-512', 1),
  sample('RC4', 'CAMELLIA-128-CBC', 'SHA-384', 300),
]

/** The same file with its MacData iteration count replaced (re-encoded, so every length stays true). */
function withMacIterations(file: Buffer, iterations: number): Buffer {
  const [version, authSafe, mac] = der.childrenOf(der.parseDer(file))
  const [digestInfo, salt] = der.childrenOf(mac!)
  return der.sequence(version!.raw, authSafe!.raw, der.sequence(digestInfo!.raw, salt!.raw, der.integer(iterations)))
}

/**
 * Time the file itself asks for: every INTEGER that could be an iteration count (up to the
 * decoder's limit), at a generous 10 µs per iteration. A mutated count of a few hundred
 * thousand is legitimate work (NSS writes 600000); anything beyond it is not.
 */
function declaredWorkMs(file: Buffer): number {
  let iterations = 0
  const walk = (node: BerNode, depth: number): void => {
    if (depth > 30) return
    if (node.tag === BER.INTEGER && node.content.length > 0 && node.content.length <= 4) {
      const n = node.content.readUIntBE(0, node.content.length)
      if (n <= MAX_ITERATIONS) iterations += n
    }
    try {
      if (node.constructed) for (const c of childrenOf(node, 'x')) walk(c, depth + 1)
      else if (node.tag === BER.OCTET_STRING && node.content.length > 1) walk(parseBer(node.content, 'x'), depth + 1)
    } catch {
      // Not BER inside: no counts there.
    }
  }
  try {
    walk(parseBer(file, 'x'), 0)
  } catch {
    return 0
  }
  return iterations * 0.01
}

test('decodePfx: any bytes and mutated PFX files give bags or Pkcs12Error, within the time their iteration counts ask for', () => {
  const memory = new MemoryWatch()
  // Length lies a byte mutation rarely hits: the MAC's iteration count at the INTEGER maximum.
  const examples: [Buffer, boolean][] = [[withMacIterations(SAMPLES[0]!, 0x7fffffff), true], [withMacIterations(SAMPLES[1]!, 0), true]]
  fc.assert(
    fc.property(derInput(SAMPLES), fc.boolean(), (input, rightPassword) => {
      outcomeOf('decodePfx', input, () => decodePfx(input, rightPassword ? PASSWORD : 'wrong'), [Pkcs12Error], MAX_CALL_MS + declaredWorkMs(input))
      memory.check('decodePfx')
    }),
    {...fuzzParams(10), examples},
  )
})

test('decodePfx: the samples themselves decode with the right password (the fuzz starts from valid files)', () => {
  for (const file of SAMPLES) assert.equal(decodePfx(file, PASSWORD).bags.length, 3)
})
