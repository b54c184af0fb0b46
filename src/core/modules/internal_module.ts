/**
 * The internal module: msgctl's own store, presented the way NSS presents
 * its softoken, with its two slots. The second slot's token is the store's
 * token; the seed's sslpassword.conf calls it "Internal (Software) Token".
 */
import {INTERNAL_TOKEN_NAME} from '../pki/index.js'

export const INTERNAL_MODULE_NAME = 'NSS Internal PKCS #11 Module'

export const INTERNAL_SLOTS = [
  {slot: 'NSS Internal Cryptographic Services', token: 'NSS Generic Crypto Services', keys: false},
  {slot: 'NSS User Private Key and Certificate Services', token: INTERNAL_TOKEN_NAME, keys: true},
] as const

/** Names that mean the store's token (compared without case). */
const KEY_TOKEN_ALIASES = ['internal (software) token', 'internal', INTERNAL_TOKEN_NAME.toLowerCase(), 'nss user private key and certificate services']

export function isInternalKeyToken(name: string): boolean {
  return KEY_TOKEN_ALIASES.includes(name.trim().toLowerCase())
}

/** The generic crypto token holds no keys and has no password. */
export function isInternalCryptoToken(name: string): boolean {
  const n = name.trim().toLowerCase()
  return n === 'nss generic crypto services' || n === 'nss internal cryptographic services'
}

export const INTERNAL_MANUFACTURER = 'Mozilla Foundation'
export const INTERNAL_DESCRIPTION = 'NSS Internal Crypto Services'
