/**
 * Typed errors of the PKI core. Each message is one line that names what was
 * wrong; where NSS has a well-known text for the same failure, the message
 * uses it so the commands stay close to the classic tools' output.
 *
 * Exit status: certutil ends almost every failure with 255 (reference §1.6),
 * so that is the default here; a command for another tool may map these
 * errors to its own status.
 */
import {MsgctlError} from '../errors.js'

const NSS_FAILURE = 255

/** Base class: any refused or unreadable PKI input. */
export class PkiError extends MsgctlError {
  constructor(message: string, exitCode: number = NSS_FAILURE) {
    super(message, exitCode)
  }
}

/** Control characters as \xHH, so text quoted in a message keeps it on one printable line. */
const printable = (text: string): string => text.replace(/[\x00-\x1f\x7f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`)

/** A subject/issuer string (`-s`) that is not an RFC 1485 DN. */
export class DnSyntaxError extends PkiError {
  constructor(readonly input: string, readonly reason: string) {
    super(`improperly formatted name: "${printable(input)}" (${printable(reason)})`)
  }
}

/** Input that is neither DER nor a PEM block of an accepted kind. */
export class PemError extends PkiError {}

/** DER that does not decode as the structure it should be. */
export class CertificateParseError extends PkiError {}

/** A PKCS #10 request that does not decode. */
export class CertificationRequestParseError extends PkiError {}

/**
 * An option value out of range (key size, exponent, curve, hash name).
 * `option` is the certutil letter it belongs to (`-g`, `-y`, `-q`, `-k`,
 * `-Z`), so a command can print NSS's `certutil -g:  <message>` form.
 */
export class OptionValueError extends PkiError {
  constructor(readonly option: string, message: string) {
    super(message)
  }
}

/** An algorithm, hash or key type the operation cannot use. */
export class UnsupportedAlgorithmError extends PkiError {}

/** Signing or key import failed (wrong key for the issuer, broken key). */
export class SigningError extends PkiError {}

/** A certutil extension argument (`--keyUsage`, `--extSAN` ...) that cannot be encoded. */
export class ExtensionSyntaxError extends PkiError {}

/**
 * A trust string with a letter outside `pPwcTCuig`. NSS exits 1 here (its
 * shutdown fails after the error, reference §1.6), so this one does too.
 */
export class TrustStringError extends PkiError {
  constructor(readonly input: string, readonly badLetter: string) {
    super(`unable to decode trust string ${JSON.stringify(input)}: ${JSON.stringify(badLetter)} is not a trust flag; use letters from p P c C T u w i g in three comma-separated fields`, 1)
  }
}

/** A password file that yields no password. */
export class PasswordFileError extends PkiError {}

/** The token password does not match the store's password-check record. */
export class IncorrectPasswordError extends PkiError {
  constructor() {
    super('Incorrect password/PIN entered.')
  }
}

/** An encrypted key (or the password record) that fails to decrypt under the right password. */
export class CorruptKeyError extends PkiError {}

/** A `-b` time that is not `YYMMDDHHMM[SS](Z|+HHMM|-HHMM)`. */
export class InvalidTimeError extends PkiError {
  constructor(readonly input: string) {
    super('invalid input date: SEC_ERROR_INVALID_TIME: Improperly formatted time string.')
  }
}

/** PKCS #8 or SPKI bytes that node:crypto cannot load as a key. */
export class KeyImportError extends PkiError {}
