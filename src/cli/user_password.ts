import {readFileSync} from 'node:fs'
import {MsgctlError} from '../core/errors.js'
import type {FlagValue} from '../core/argv/index.js'
import {askSecret, canPrompt} from './prompt.js'

const ANSWER = 'give --password-file FILE or --password-stdin'

/** The first line of a file or stdin, without its line end. */
function firstLine(data: Buffer | string): string {
  return data.toString().split(/\r?\n/)[0] ?? ''
}

/**
 * A new password for `msgctl user add|passwd`: from a file, stdin, a
 * terminal prompt (asked twice), or argv with a warning. Never echoed or logged.
 */
export async function readNewPassword(flags: Record<string, FlagValue>): Promise<string> {
  let password: string
  if (typeof flags['password-file'] === 'string') {
    const file = flags['password-file']
    try {
      password = firstLine(readFileSync(file))
    } catch {
      throw new MsgctlError(`cannot read the password file "${file}"`, 2)
    }
  } else if (flags['password-stdin'] === true) {
    password = firstLine(readFileSync(0))
  } else if (typeof flags.password === 'string') {
    process.stderr.write('warning: a password given with --password is visible to other local users (ps, shell history); prefer --password-file\n')
    password = flags.password
  } else {
    if (!canPrompt()) throw new MsgctlError(`no password given and stdin is not a terminal; ${ANSWER}`, 2)
    password = await askSecret('New password: ', ANSWER, 2)
    if ((await askSecret('Re-enter password: ', ANSWER, 2)) !== password) throw new MsgctlError('the passwords do not match; nothing changed', 1)
  }
  if (password === '') throw new MsgctlError('the password is empty; a mail user needs one', 2)
  return password
}
