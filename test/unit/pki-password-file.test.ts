import assert from 'node:assert/strict'
import {test} from 'node:test'
import {PasswordFileError, passwordFromFile} from '../../src/core/pki/index.js'

/** File content and the password NSS 3.87 took from it for token "NSS Certificate DB" (observed with certutil -K -f). */
const CASES: ReadonlyArray<readonly [string, string]> = [
  ['sekrit', 'sekrit'],
  ['sekrit\n', 'sekrit'],
  ['sekrit\r\n', 'sekrit'],
  ['sekrit\n\n', 'sekrit'],
  ['sekrit\n\r\n\r', 'sekrit'],
  ['wrong\nsekrit\n', 'sekrit'],
  ['sekrit\nwrong\n', 'wrong'],
  ['\n\nsekrit', 'sekrit'],
  ['sekrit\n \n', ' '],
  ['wrong\nNSS Certificate DB:sekrit\nwrong2\n', 'sekrit'],
  ['NSS Certificate DB:sekrit\nwrong', 'sekrit'],
  ['NSS Certificate DB:wrong\nsekrit', 'wrong'],
  ['NSS Certificate DB:sekrit', 'sekrit'],
  ['nss certificate db:sekrit', 'nss certificate db:sekrit'],
  ['internal:sekrit\nx', 'x'],
  ['NSS Certificate DB:', ''],
  ['\n', ''],
  ['\r\n', ''],
]

test('password file lines and token lines, as NSS reads them', () => {
  for (const [content, password] of CASES) {
    assert.equal(passwordFromFile(Buffer.from(content)), password, JSON.stringify(content))
  }
})

test('the named token decides which token line applies', () => {
  const file = Buffer.from('NSS Certificate DB:internal-pw\nSoftHSM:hsm-pw\nfallback\n')
  assert.equal(passwordFromFile(file), 'internal-pw')
  assert.equal(passwordFromFile(file, 'SoftHSM'), 'hsm-pw')
  assert.equal(passwordFromFile(file, 'Other'), 'fallback')
})

test('only the first 4096 bytes count', () => {
  // The last line is cut at byte 4096.
  const long = Buffer.from('a'.repeat(4090) + '\nbeyond\n')
  assert.equal(passwordFromFile(long), 'beyon')
  assert.equal(passwordFromFile(Buffer.from('a'.repeat(4096) + '\nlater\n')), 'a'.repeat(4096))
  assert.equal(passwordFromFile(Buffer.from('x'.repeat(5000))), 'x'.repeat(4096))
})

test('an empty file gives no password', () => {
  assert.throws(() => passwordFromFile(Buffer.alloc(0)), (e: unknown) => {
    assert.ok(e instanceof PasswordFileError)
    assert.equal(e.message, 'password file contains no data')
    return true
  })
})
