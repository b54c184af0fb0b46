/**
 * pk12util's two passwords. -K/-k unlock the store's token, as certutil's
 * -f does (NSS password-file format; an empty password is tried silently;
 * otherwise a prompt on a terminal, or a clear error without one). -W/-w
 * give the PKCS #12 file's password, else it is asked for (twice when
 * exporting). The statuses are NSS's: 13 for the token, 1 for the file
 * password ("user cancelled").
 */
import {readFileSync} from 'node:fs'
import {initToken, tokenSecret, unlockToken} from '../../core/certdb/index.js'
import {MsgctlError} from '../../core/errors.js'
import {passwordFromFile, PasswordFileError, IncorrectPasswordError, type TokenKey} from '../../core/pki/index.js'
import type {Store} from '../../core/store/index.js'
import {askSecret, canPrompt} from '../prompt.js'
import {EXIT_SLOT, type ResolvedToken} from './token.js'

/** NSS's status when a password is not given ("user cancelled"). */
export const EXIT_CANCELLED = 1

/** A password file in NSS's format; `tokenName` picks a `token:password` line. */
export function readPasswordFile(file: string, tokenName: string, exitCode: number): string {
  let content: Buffer
  try {
    content = readFileSync(file)
  } catch {
    throw new MsgctlError(`No password file "${file}" exists.`, exitCode)
  }
  try {
    return passwordFromFile(content, tokenName)
  } catch (err) {
    if (err instanceof PasswordFileError) throw new MsgctlError(err.message, exitCode)
    throw err
  }
}

export interface TokenPasswordOptions {
  /** -K */
  readonly password?: string
  /** -k */
  readonly file?: string
}

const BAD_TOKEN_PASSWORD = 'Failed to authenticate to PKCS11 slot: SEC_ERROR_BAD_PASSWORD: The security password entered is incorrect.'

/**
 * Log in to the token. Returns a function giving the token key; on a store
 * whose token was never given a password (no certutil -N), that function
 * sets it up with the empty password, as NSS treats a fresh database, and
 * is meant to run inside the import's transaction.
 */
export async function loginToken(store: Store, token: ResolvedToken, opts: TokenPasswordOptions): Promise<() => TokenKey> {
  if (!tokenSecret(store, token.name)) return () => initToken(store, '', token.name)
  const given = opts.password ?? (opts.file !== undefined ? readPasswordFile(opts.file, token.name, EXIT_SLOT) : undefined)
  const unlock = (pw: string): TokenKey | null => {
    try {
      return unlockToken(store, pw, token.name)
    } catch (err) {
      if (err instanceof IncorrectPasswordError) return null
      throw err
    }
  }
  if (given !== undefined) {
    const key = unlock(given)
    if (!key) throw new MsgctlError(BAD_TOKEN_PASSWORD, EXIT_SLOT)
    return () => key
  }
  const empty = unlock('')
  if (empty) return () => empty
  if (!canPrompt()) {
    throw new MsgctlError(`Failed to authenticate to "${token.name}": it has a password and stdin is not a terminal to ask on; give it with -K PASSWORD or -k FILE`, EXIT_SLOT)
  }
  for (let attempt = 0; attempt < 3; attempt++) {
    const key = unlock(await askSecret(`Enter Password or Pin for "${token.name}":`, 'give the token password with -K or -k', EXIT_SLOT))
    if (key) return () => key
    process.stderr.write('Incorrect password/PIN entered.\n')
  }
  throw new MsgctlError(BAD_TOKEN_PASSWORD, EXIT_SLOT)
}

export interface FilePasswordOptions {
  /** -W */
  readonly password?: string
  /** -w */
  readonly file?: string
}

/** A name no token has, so a -w file's last line is taken (it belongs to no token). */
const NO_TOKEN = '\u0000'

/** The PKCS #12 file password; `confirm` asks twice (export). */
export async function filePassword(opts: FilePasswordOptions, confirm: boolean, exitCode: number = EXIT_CANCELLED): Promise<string> {
  if (opts.password !== undefined) return opts.password
  if (opts.file !== undefined) return readPasswordFile(opts.file, NO_TOKEN, exitCode)
  const answerWith = 'give the PKCS12 file password with -W PASSWORD or -w FILE'
  if (!canPrompt()) throw new MsgctlError(`the PKCS12 file password is needed and stdin is not a terminal to ask on; ${answerWith}`, exitCode)
  for (let attempt = 0; attempt < 3; attempt++) {
    const first = await askSecret('Enter password for PKCS12 file: ', answerWith, exitCode)
    if (!confirm) return first
    if ((await askSecret('Re-enter password: ', answerWith, exitCode)) === first) return first
    process.stderr.write('Passwords do not match. Try again.\n')
  }
  throw new MsgctlError('the passwords did not match three times; nothing was written', exitCode)
}
