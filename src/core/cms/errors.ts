import {MsgctlError} from '../errors.js'

/** The NSS error names cmsutil reports, with NSS's texts (reference §6). */
export const NSS_ERRORS = {
  SEC_ERROR_BAD_DER: 'security library: improperly formatted DER-encoded message.',
  SEC_ERROR_INVALID_ARGS: 'security library: invalid arguments.',
  SEC_ERROR_INVALID_ALGORITHM: 'security library: invalid algorithm.',
  SEC_ERROR_PKCS7_BAD_SIGNATURE: 'Signature verification failed: no signer found, too many signers found, or improper or corrupted data.',
  SEC_ERROR_NOT_A_RECIPIENT: 'Cannot decrypt: you are not a recipient, or matching certificate and private key not found.',
  SEC_ERROR_BAD_DATA: 'security library: received bad data.',
  SEC_ERROR_UNKNOWN_CERT: 'The requested certificate could not be found.',
  SEC_ERROR_UNKNOWN_ISSUER: "Peer's Certificate issuer is not recognized.",
  SEC_ERROR_UNTRUSTED_ISSUER: "Peer's certificate issuer has been marked as not trusted by the user.",
  SEC_ERROR_UNTRUSTED_CERT: "Peer's certificate has been marked as not trusted by the user.",
  SEC_ERROR_EXPIRED_CERTIFICATE: "Peer's Certificate has expired.",
  SEC_ERROR_EXPIRED_ISSUER_CERTIFICATE: "The certificate issuer's certificate has expired. Check your system date and time.",
  SEC_ERROR_INADEQUATE_KEY_USAGE: 'Certificate key usage inadequate for attempted operation.',
  SEC_ERROR_INADEQUATE_CERT_TYPE: 'Certificate type not approved for application.',
  SEC_ERROR_BAD_SIGNATURE: "Peer's certificate has an invalid signature.",
  SEC_ERROR_CA_CERT_INVALID: 'Issuer certificate is invalid.',
  SEC_ERROR_PATH_LEN_CONSTRAINT_INVALID: 'Certificate path length constraint is invalid.',
  SEC_ERROR_BAD_PASSWORD: 'The security password entered is incorrect.',
} as const

export type NssErrorName = keyof typeof NSS_ERRORS

/**
 * A CMS failure named as NSS names it. `detail` says what exactly was wrong
 * (which byte, which field), because NSS's texts alone rarely help.
 */
export class CmsError extends MsgctlError {
  constructor(
    readonly code: NssErrorName,
    readonly detail?: string,
  ) {
    super(`${code}: ${NSS_ERRORS[code]}${detail ? ` (${detail})` : ''}`, 1)
  }
}

/** Malformed or truncated input. */
export const badDer = (detail: string): CmsError => new CmsError('SEC_ERROR_BAD_DER', detail)
