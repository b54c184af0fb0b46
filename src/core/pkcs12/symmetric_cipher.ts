/**
 * The bulk ciphers PKCS #12 files use, behind one encrypt/decrypt pair.
 * node:crypto (OpenSSL) does AES, Camellia and Triple DES; RC2 and RC4,
 * which OpenSSL 3 only offers in its legacy provider, come from rc2.ts and
 * rc4.ts; single DES (also outside the default provider) runs as
 * Triple DES with its key three times, which is the same cipher. CBC
 * ciphers use PKCS #7 padding; a bad pad means a wrong key, reported as
 * Pkcs12Error('decrypt').
 */
import {createCipheriv, createDecipheriv} from 'node:crypto'
import {Pkcs12Error} from './errors.js'
import {rc2Cbc} from './rc2.js'
import {rc4} from './rc4.js'

export type CipherKind = 'openssl' | 'des' | 'rc2' | 'rc4'

export interface CipherSpec {
  readonly kind: CipherKind
  /** node:crypto's name for kind 'openssl'. */
  readonly node: string
  readonly keyLength: number
  /** 0 for the stream cipher. */
  readonly ivLength: number
  /** RC2's effective key bits. */
  readonly rc2Bits?: number
}

const BLOCK = 8

function pad(data: Buffer, block: number): Buffer {
  const n = block - (data.length % block)
  return Buffer.concat([data, Buffer.alloc(n, n)])
}

function unpad(data: Buffer, block: number, what: string): Buffer {
  const n = data[data.length - 1] ?? 0
  if (data.length === 0 || data.length % block !== 0 || n < 1 || n > block || !data.subarray(data.length - n).every((b) => b === n)) {
    throw new Pkcs12Error('decrypt', `${what} does not decrypt (wrong password or damaged data)`)
  }
  return data.subarray(0, data.length - n)
}

/** node:crypto's cipher and key for the kinds OpenSSL runs. */
function opensslCipher(spec: CipherSpec, key: Buffer): {name: string; key: Buffer} {
  return spec.kind === 'des' ? {name: 'des-ede3-cbc', key: Buffer.concat([key, key, key])} : {name: spec.node, key}
}

export function encrypt(spec: CipherSpec, key: Buffer, iv: Buffer, data: Buffer): Buffer {
  switch (spec.kind) {
    case 'rc4':
      return rc4(key, data)
    case 'rc2':
      return rc2Cbc(true, key, spec.rc2Bits ?? key.length * 8, iv, pad(data, BLOCK))
    case 'des':
    case 'openssl': {
      const o = opensslCipher(spec, key)
      const c = createCipheriv(o.name, o.key, iv)
      return Buffer.concat([c.update(data), c.final()])
    }
  }
}

export function decrypt(spec: CipherSpec, key: Buffer, iv: Buffer, data: Buffer, what: string): Buffer {
  switch (spec.kind) {
    case 'rc4':
      return rc4(key, data)
    case 'rc2':
      if (data.length === 0 || data.length % BLOCK !== 0) throw new Pkcs12Error('decrypt', `${what} is not a whole number of cipher blocks (damaged data)`)
      return unpad(rc2Cbc(false, key, spec.rc2Bits ?? key.length * 8, iv, data), BLOCK, what)
    case 'des':
    case 'openssl': {
      try {
        const o = opensslCipher(spec, key)
        const d = createDecipheriv(o.name, o.key, iv)
        return Buffer.concat([d.update(data), d.final()])
      } catch {
        throw new Pkcs12Error('decrypt', `${what} does not decrypt (wrong password or damaged data)`)
      }
    }
  }
}
