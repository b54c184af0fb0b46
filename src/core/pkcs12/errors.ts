/**
 * Why a PKCS #12 file could not be read or written. The codec is pure and
 * does not know which pk12util mode it serves, so it names the kind of
 * failure; the command turns a kind into NSS's message and exit status for
 * that mode (reference §3.2, §3.4).
 */
import {MsgctlError} from '../errors.js'

export type Pkcs12Failure =
  /** Not BER, not a PFX, a truncated file, or a structure that does not fit. */
  | 'format'
  /** The MAC does not verify: a wrong password (or a tampered file). */
  | 'password'
  /** A safe or key bag does not decrypt under the password (files without a MAC). */
  | 'decrypt'
  /** An algorithm this implementation cannot use. */
  | 'algorithm'

export class Pkcs12Error extends MsgctlError {
  constructor(
    readonly failure: Pkcs12Failure,
    message: string,
  ) {
    super(message, 1)
  }
}
