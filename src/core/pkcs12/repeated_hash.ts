/**
 * H applied `rounds` times to a digest-sized value: the inner loop of the
 * PKCS #12 KDF, which NSS runs 600000 times for every MAC. Through
 * node:crypto each round costs a call into OpenSSL (about 1.5 µs for
 * SHA-256, so ~0.9 s a file); SHA-1 and SHA-256 of one digest fit a
 * single padded block whose layout never changes, so their compression
 * function (FIPS 180-4 §6.1.2, §6.2.2) runs here on 32-bit words instead,
 * several times faster. Other digests go through crypto.hash.
 */
import {hash} from 'node:crypto'

const SHA256_K = new Int32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
])
const SHA256_IV = new Int32Array([0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19])
const SHA1_IV = new Int32Array([0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0])

function toWords(bytes: Buffer): Int32Array {
  const w = new Int32Array(bytes.length / 4)
  for (let i = 0; i < w.length; i++) w[i] = bytes.readInt32BE(i * 4)
  return w
}

function toBytes(words: Int32Array): Buffer {
  const out = Buffer.alloc(words.length * 4)
  for (let i = 0; i < words.length; i++) out.writeInt32BE(words[i] as number, i * 4)
  return out
}

/** SHA-256 of a 32-byte value, `rounds` times, on words. */
function repeatSha256(value: Buffer, rounds: number): Buffer {
  const h = toWords(value)
  const w = new Int32Array(64)
  for (let r = 0; r < rounds; r++) {
    // The block: the 8 words of the previous digest, then 0x80, zeros, and the bit length 256.
    for (let i = 0; i < 8; i++) w[i] = h[i] as number
    w[8] = 0x80000000 | 0
    for (let i = 9; i < 15; i++) w[i] = 0
    w[15] = 256
    for (let i = 16; i < 64; i++) {
      const x = w[i - 15] as number
      const y = w[i - 2] as number
      const s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3)
      const s1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10)
      w[i] = ((w[i - 16] as number) + s0 + (w[i - 7] as number) + s1) | 0
    }
    let a = SHA256_IV[0] as number, b = SHA256_IV[1] as number, c = SHA256_IV[2] as number, d = SHA256_IV[3] as number
    let e = SHA256_IV[4] as number, f = SHA256_IV[5] as number, g = SHA256_IV[6] as number, hh = SHA256_IV[7] as number
    for (let i = 0; i < 64; i++) {
      const S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7))
      const ch = (e & f) ^ (~e & g)
      const t1 = (hh + S1 + ch + (SHA256_K[i] as number) + (w[i] as number)) | 0
      const S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10))
      const maj = (a & b) ^ (a & c) ^ (b & c)
      const t2 = (S0 + maj) | 0
      hh = g
      g = f
      f = e
      e = (d + t1) | 0
      d = c
      c = b
      b = a
      a = (t1 + t2) | 0
    }
    h[0] = ((SHA256_IV[0] as number) + a) | 0
    h[1] = ((SHA256_IV[1] as number) + b) | 0
    h[2] = ((SHA256_IV[2] as number) + c) | 0
    h[3] = ((SHA256_IV[3] as number) + d) | 0
    h[4] = ((SHA256_IV[4] as number) + e) | 0
    h[5] = ((SHA256_IV[5] as number) + f) | 0
    h[6] = ((SHA256_IV[6] as number) + g) | 0
    h[7] = ((SHA256_IV[7] as number) + hh) | 0
  }
  return toBytes(h)
}

/** SHA-1 of a 20-byte value, `rounds` times, on words. */
function repeatSha1(value: Buffer, rounds: number): Buffer {
  const h = toWords(value)
  const w = new Int32Array(80)
  for (let r = 0; r < rounds; r++) {
    for (let i = 0; i < 5; i++) w[i] = h[i] as number
    w[5] = 0x80000000 | 0
    for (let i = 6; i < 15; i++) w[i] = 0
    w[15] = 160
    for (let i = 16; i < 80; i++) {
      const x = (w[i - 3] as number) ^ (w[i - 8] as number) ^ (w[i - 14] as number) ^ (w[i - 16] as number)
      w[i] = (x << 1) | (x >>> 31)
    }
    let a = SHA1_IV[0] as number, b = SHA1_IV[1] as number, c = SHA1_IV[2] as number, d = SHA1_IV[3] as number, e = SHA1_IV[4] as number
    for (let i = 0; i < 80; i++) {
      let f: number
      let k: number
      if (i < 20) {
        f = (b & c) | (~b & d)
        k = 0x5a827999
      } else if (i < 40) {
        f = b ^ c ^ d
        k = 0x6ed9eba1
      } else if (i < 60) {
        f = (b & c) | (b & d) | (c & d)
        k = 0x8f1bbcdc | 0
      } else {
        f = b ^ c ^ d
        k = 0xca62c1d6 | 0
      }
      const t = (((a << 5) | (a >>> 27)) + f + e + k + (w[i] as number)) | 0
      e = d
      d = c
      c = (b << 30) | (b >>> 2)
      b = a
      a = t
    }
    h[0] = ((SHA1_IV[0] as number) + a) | 0
    h[1] = ((SHA1_IV[1] as number) + b) | 0
    h[2] = ((SHA1_IV[2] as number) + c) | 0
    h[3] = ((SHA1_IV[3] as number) + d) | 0
    h[4] = ((SHA1_IV[4] as number) + e) | 0
  }
  return toBytes(h)
}

/** `digest` (node:crypto's name) applied `rounds` more times to `value`, a digest of that algorithm. */
export function repeatHash(digest: string, value: Buffer, rounds: number): Buffer {
  if (digest === 'sha256' && value.length === 32) return repeatSha256(value, rounds)
  if (digest === 'sha1' && value.length === 20) return repeatSha1(value, rounds)
  let v = value
  for (let r = 0; r < rounds; r++) v = hash(digest, v, 'buffer')
  return v
}
