/**
 * The PKCS #12 key derivation function (RFC 7292 Appendix B.2), used for
 * the MAC key and by the SHA-1 PBE ciphers. node:crypto has no such
 * primitive; its inner loop, plain iterated hashing, is repeated_hash.ts.
 */
import {hash} from 'node:crypto'
import type {DigestInfo} from './oids.js'
import {repeatHash} from './repeated_hash.js'

/** What the derived bytes are for (the "ID" byte). */
export const KDF_PURPOSE = {key: 1, iv: 2, mac: 3} as const

/** `data` repeated to fill a multiple of `v` bytes (empty stays empty). */
function fill(data: Buffer, v: number): Buffer {
  if (data.length === 0) return data
  const out = Buffer.alloc(v * Math.ceil(data.length / v))
  for (let i = 0; i < out.length; i++) out[i] = data[i % data.length] as number
  return out
}

export function pkcs12Kdf(digest: DigestInfo, passwordBmp: Buffer, salt: Buffer, iterations: number, purpose: number, length: number): Buffer {
  const u = digest.size
  const v = digest.block
  const d = Buffer.alloc(v, purpose)
  const input = Buffer.concat([fill(salt, v), fill(passwordBmp, v)])
  const blocks: Buffer[] = []
  for (let produced = 0; produced < length; produced += u) {
    const a = repeatHash(digest.node, hash(digest.node, Buffer.concat([d, input]), 'buffer'), iterations - 1)
    blocks.push(a)
    if (produced + u >= length) break
    // I_j = (I_j + B + 1) mod 2^(8v) for every v-byte block of I, B = A repeated to v bytes.
    const b = fill(a, v).subarray(0, v)
    for (let j = 0; j < input.length; j += v) {
      let carry = 1
      for (let k = v - 1; k >= 0; k--) {
        const sum = (input[j + k] as number) + (b[k] as number) + carry
        input[j + k] = sum & 0xff
        carry = sum >> 8
      }
    }
  }
  return Buffer.concat(blocks).subarray(0, length)
}
