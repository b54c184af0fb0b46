/** modutil -changepw's old and new passwords: -pwfile/-newpwfile, else asked on a terminal. */
import {readFileSync} from 'node:fs'
import {ModuleError, MODUTIL_EXIT} from '../../core/modules/index.js'
import {passwordFromFile} from '../../core/pki/index.js'
import {askSecret, canPrompt} from '../prompt.js'

export function readPinFile(file: string, token: string): string {
  let content: Buffer
  try {
    content = readFileSync(file)
  } catch {
    throw new ModuleError(`No password file "${file}" exists.`, MODUTIL_EXIT.FILE_MISSING)
  }
  try {
    return passwordFromFile(content, token)
  } catch (err) {
    throw new ModuleError((err as Error).message, MODUTIL_EXIT.CHANGEPW_FAILED)
  }
}

/** `fallback` is used without a file and without a terminal (null: that is an error). */
export async function oldPin(file: string | undefined, token: string, fallback: string | null): Promise<string> {
  if (file !== undefined) return readPinFile(file, token)
  if (canPrompt()) return askSecret(`Enter old password for "${token}": `, 'give it with -pwfile FILE', MODUTIL_EXIT.CHANGEPW_FAILED)
  if (fallback !== null) return fallback
  throw new ModuleError(`give the current password of "${token}" with -pwfile FILE (stdin is not a terminal to ask on).`, MODUTIL_EXIT.AUTHENTICATION_FAILED)
}

export async function newPin(file: string | undefined, token: string): Promise<string> {
  if (file !== undefined) return readPinFile(file, token)
  if (!canPrompt()) throw new ModuleError(`give the new password of "${token}" with -newpwfile FILE (stdin is not a terminal to ask on).`, MODUTIL_EXIT.CHANGEPW_FAILED)
  for (let attempt = 0; attempt < 3; attempt++) {
    const first = await askSecret('Enter new password: ', 'give it with -newpwfile FILE', MODUTIL_EXIT.CHANGEPW_FAILED)
    const again = await askSecret('Re-enter password: ', 'give it with -newpwfile FILE', MODUTIL_EXIT.CHANGEPW_FAILED)
    if (first === again) return first
    process.stderr.write('Passwords do not match. Try again.\n')
  }
  throw new ModuleError('the passwords did not match three times; nothing was changed.', MODUTIL_EXIT.CHANGEPW_FAILED)
}
