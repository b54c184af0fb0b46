/**
 * Certificates and requests signed by a key that stays on a PKCS #11 token:
 * the pki builders take a SigningKey, and a token key is one whose
 * signatures come from C_Sign through the session.
 */
import type {KeyObject} from 'node:crypto'
import {
  buildCertificate, buildCertificationRequest, SigningError,
  type Certificate, type CertificationRequest, type CertificateTemplate, type DistinguishedName, type ExtensionSpec, type HashName, type SigningKey,
} from '../pki/index.js'
import type {TokenSession} from './token_session.js'
import type {TokenPrivateKey} from './types.js'

export type CertificateSigningKey = SigningKey

/** A store key (already unsealed): node signs with it. */
export function keyObjectSigner(privateKey: KeyObject): CertificateSigningKey {
  return privateKey
}

/** A key on a token: the private half is only ever used through the session. */
export function tokenSigner(session: TokenSession, key: TokenPrivateKey, publicKey: KeyObject): CertificateSigningKey {
  return {
    publicKey,
    sign: (alg, data) => {
      if (alg.kind === 'rsa-pss') throw new SigningError('RSA-PSS signing with a token key is not supported; drop --pss-sign.')
      return session.sign(key, (alg.hash ?? 'SHA256') as 'SHA256', data)
    },
  }
}

/** buildCertificate with either kind of key. */
export function buildCertificateWith(
  template: CertificateTemplate,
  signer: CertificateSigningKey,
  options: {issuerCertificate?: Certificate; hash?: HashName; pss?: boolean} = {},
): Certificate {
  return buildCertificate(template, {privateKey: signer, ...options})
}

/** A PKCS #10 request signed by `signer`. */
export function buildRequestWith(template: {subject: DistinguishedName; extensions?: readonly ExtensionSpec[]; hash?: HashName}, signer: CertificateSigningKey): CertificationRequest {
  return buildCertificationRequest({subject: template.subject, privateKey: signer, ...(template.extensions ? {extensions: template.extensions} : {}), ...(template.hash ? {hash: template.hash} : {})})
}
