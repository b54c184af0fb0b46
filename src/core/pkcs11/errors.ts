import {MsgctlError} from '../errors.js'

/** PKCS #11 return values this code tells apart (PKCS #11 v2.40 section 5.1). */
export const CKR = {
  OK: 0x0,
  CRYPTOKI_ALREADY_INITIALIZED: 0x191,
  PIN_INCORRECT: 0xa0,
  PIN_INVALID: 0xa1,
  PIN_LEN_RANGE: 0xa2,
  PIN_LOCKED: 0xa4,
  USER_ALREADY_LOGGED_IN: 0x100,
  USER_PIN_NOT_INITIALIZED: 0x102,
  TOKEN_NOT_PRESENT: 0xe0,
  TOKEN_NOT_RECOGNIZED: 0xe1,
} as const

/** A PKCS #11 call failed; `ckr` is its CK_RV (null when the library could not even be loaded). */
export class Pkcs11Error extends MsgctlError {
  constructor(
    message: string,
    readonly ckr: number | null = null,
  ) {
    super(message, 1)
  }

  /** The PIN was refused (wrong, or the token is locked after too many). */
  get badPin(): boolean {
    return this.ckr === CKR.PIN_INCORRECT || this.ckr === CKR.PIN_INVALID || this.ckr === CKR.PIN_LEN_RANGE || this.ckr === CKR.PIN_LOCKED
  }
}

/**
 * Run a pkcs11js call and turn its native error into a Pkcs11Error that
 * says which call failed and why, in words rather than only a number.
 */
export function p11<T>(what: string, fn: () => T): T {
  try {
    return fn()
  } catch (err) {
    throw asPkcs11Error(what, err)
  }
}

export function asPkcs11Error(what: string, err: unknown): Pkcs11Error {
  if (err instanceof Pkcs11Error) return err
  const e = err as {code?: unknown; message?: string}
  const code = typeof e.code === 'number' ? e.code : null
  // pkcs11js messages look like "CKR_PIN_INCORRECT:160"; keep the name.
  const name = (e.message ?? String(err)).split(':')[0]!.trim()
  return new Pkcs11Error(`${what} failed: ${name}`, code)
}
