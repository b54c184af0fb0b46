import {MsgctlError} from '../errors.js'

/** certutil's status for almost every failure (reference §1.6). */
const NSS_FAILURE = 255

/** A certificate or key operation refused by the database. */
export class CertDbError extends MsgctlError {
  constructor(message: string, exitCode: number = NSS_FAILURE) {
    super(message, exitCode)
  }
}
