/**
 * PKCS #12 password integrity (RFC 7292 §4, Appendix B): an HMAC over the
 * authenticated safe's octets, keyed by the PKCS #12 KDF (purpose 3) with
 * the MAC's own digest over the BMPString password.
 */
import {createHmac, timingSafeEqual} from 'node:crypto'
import type {DigestInfo} from './oids.js'
import {KDF_PURPOSE, pkcs12Kdf} from './pkcs12_kdf.js'

export interface MacParameters {
  readonly digest: DigestInfo
  readonly salt: Buffer
  readonly iterations: number
}

export function computeMac(params: MacParameters, passwordBmp: Buffer, data: Buffer): Buffer {
  const {digest, salt, iterations} = params
  const key = pkcs12Kdf(digest, passwordBmp, salt, iterations, KDF_PURPOSE.mac, digest.size)
  return createHmac(digest.node, key).update(data).digest()
}

export function macMatches(params: MacParameters, passwordBmp: Buffer, data: Buffer, expected: Buffer): boolean {
  const mac = computeMac(params, passwordBmp, data)
  return mac.length === expected.length && timingSafeEqual(mac, expected)
}
