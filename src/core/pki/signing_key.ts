import {KeyObject} from 'node:crypto'
import {signData, type SignatureAlgorithm} from './algorithms.js'

/**
 * A private key that signs somewhere else (a PKCS #11 token): only its
 * public half is here, and signatures come back through `sign`.
 */
export interface ExternalSigningKey {
  readonly publicKey: KeyObject
  sign(alg: SignatureAlgorithm, data: Buffer): Buffer
}

/** What certificates and requests are signed with: a node private key, or a key on a device. */
export type SigningKey = KeyObject | ExternalSigningKey

/**
 * The key that picks the signature algorithm and is matched against the
 * issuer or subject: the node key itself (private keys describe their public
 * half), or the device key's public half.
 */
export function signingPublicKey(key: SigningKey): KeyObject {
  return key instanceof KeyObject ? key : key.publicKey
}

export function signWith(alg: SignatureAlgorithm, key: SigningKey, data: Buffer): Buffer {
  return key instanceof KeyObject ? signData(alg, key, data) : key.sign(alg, data)
}
