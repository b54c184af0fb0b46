import {constants, publicDecrypt, type KeyObject} from 'node:crypto'
import {chooseSignatureAlgorithm, der, describeSignatureAlgorithm, encodeAlgorithmIdentifier, signData, verifyData, type HashName, type SignatureAlgorithm} from '../pki/index.js'
import {CmsError} from './errors.js'
import type {DigestName} from './digests.js'
import {digestInfo} from './digests.js'
import {CMS_OID} from './oids.js'

const RSA_WITH: Record<DigestName, string> = {
  SHA1: '1.2.840.113549.1.1.5', SHA224: '1.2.840.113549.1.1.14', SHA256: '1.2.840.113549.1.1.11',
  SHA384: '1.2.840.113549.1.1.12', SHA512: '1.2.840.113549.1.1.13',
}
const ECDSA_WITH: Record<DigestName, string> = {
  SHA1: '1.2.840.10045.4.1', SHA224: '1.2.840.10045.4.3.1', SHA256: '1.2.840.10045.4.3.2',
  SHA384: '1.2.840.10045.4.3.3', SHA512: '1.2.840.10045.4.3.4',
}

/** What a signer will write: the algorithm used to sign, and the identifier put in the SignerInfo. */
export interface SignerAlgorithm {
  readonly sign: SignatureAlgorithm
  /** SignerInfo.signatureAlgorithm DER. */
  readonly identifier: Buffer
}

/**
 * RSA PKCS #1 v1.5 is announced as rsaEncryption, as NSS and OpenSSL both
 * do (the digest algorithm says which hash); ECDSA, RSA-PSS and Ed25519
 * carry their own identifiers.
 */
export function signerAlgorithm(privateKey: KeyObject, digest: DigestName): SignerAlgorithm {
  const sign = chooseSignatureAlgorithm(privateKey, {hash: digest as HashName})
  if (sign.kind === 'rsa-pkcs1') return {sign, identifier: der.sequence(der.oid(CMS_OID.rsaEncryption), der.nullValue())}
  return {sign, identifier: sign.der}
}

export function signAttributes(alg: SignerAlgorithm, privateKey: KeyObject, signedAttrsAsSet: Buffer): Buffer {
  return signData(alg.sign, privateKey, signedAttrsAsSet)
}

/**
 * The X.509-style algorithm a SignerInfo's (signatureAlgorithm,
 * digestAlgorithm) pair stands for; null when the OID is unknown.
 */
export function verificationAlgorithm(sigOid: string, sigParams: Buffer | null, digest: DigestName): SignatureAlgorithm | null {
  let oid = sigOid
  let params = sigParams
  if (sigOid === CMS_OID.rsaEncryption) {
    oid = RSA_WITH[digest]
    params = der.nullValue()
  } else if (sigOid === CMS_OID.ecPublicKey) {
    oid = ECDSA_WITH[digest]
    params = null
  }
  const alg = describeSignatureAlgorithm({oid, parameters: params, der: encodeAlgorithmIdentifier(oid, params)})
  return alg.kind === null ? null : alg
}

/** Verify over signed attributes; CmsError for algorithms node:crypto cannot check. */
export function verifySignature(alg: SignatureAlgorithm, publicKey: KeyObject, data: Buffer, signature: Buffer): boolean {
  try {
    return verifyData(alg, publicKey, data, signature)
  } catch (e) {
    throw new CmsError('SEC_ERROR_INVALID_ALGORITHM', (e as Error).message)
  }
}

/**
 * A signer without signed attributes signs the content digest directly.
 * For RSA PKCS #1 v1.5 the DigestInfo can be recovered and compared, so the
 * content need not be held; other algorithms would need the whole content.
 */
export function verifyRsaDigest(publicKey: KeyObject, digest: DigestName, value: Buffer, signature: Buffer): boolean {
  let recovered: Buffer
  try {
    recovered = publicDecrypt({key: publicKey, padding: constants.RSA_PKCS1_PADDING}, signature)
  } catch {
    return false
  }
  const expected = der.sequence(der.sequence(der.oid(digestInfo(digest).oid), der.nullValue()), der.octetString(value))
  const withoutNull = der.sequence(der.sequence(der.oid(digestInfo(digest).oid)), der.octetString(value))
  return recovered.equals(expected) || recovered.equals(withoutNull)
}
