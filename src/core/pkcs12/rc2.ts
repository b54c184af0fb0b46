/**
 * RC2-CBC (RFC 2268) for the legacy PBE schemes: OpenSSL 3 keeps RC2 in its
 * legacy provider, which Node does not load, yet `openssl pkcs12 -legacy`
 * and old Windows and NSS exports put certificates under 40-bit RC2.
 * node-forge's RC2 block cipher is used, loaded only when such a file
 * turns up; padding is done here so a bad pad is our error, not forge's.
 */
import {createRequire} from 'node:module'

interface ForgeBuffer {
  getBytes(): string
}
interface ForgeRc2Cipher {
  start(iv: string): void
  update(input: ForgeBuffer): void
  finish(pad: () => boolean): boolean
  output: ForgeBuffer
}
interface ForgeRc2 {
  createEncryptionCipher(key: string, bits: number): ForgeRc2Cipher
  createDecryptionCipher(key: string, bits: number): ForgeRc2Cipher
}
interface ForgeUtil {
  createBuffer(bytes: string, encoding: 'raw'): ForgeBuffer
}

let forge: {rc2: ForgeRc2; util: ForgeUtil} | undefined

function load(): {rc2: ForgeRc2; util: ForgeUtil} {
  if (!forge) {
    const require = createRequire(import.meta.url)
    forge = {rc2: require('node-forge/lib/rc2.js') as ForgeRc2, util: require('node-forge/lib/util.js') as ForgeUtil}
  }
  return forge
}

/** Raw CBC over whole 8-byte blocks; the caller pads and unpads. */
export function rc2Cbc(encrypt: boolean, key: Buffer, effectiveBits: number, iv: Buffer, data: Buffer): Buffer {
  const {rc2, util} = load()
  const cipher = encrypt ? rc2.createEncryptionCipher(key.toString('binary'), effectiveBits) : rc2.createDecryptionCipher(key.toString('binary'), effectiveBits)
  cipher.start(iv.toString('binary'))
  cipher.update(util.createBuffer(data.toString('binary'), 'raw'))
  cipher.finish(() => true)
  return Buffer.from(cipher.output.getBytes(), 'binary')
}
