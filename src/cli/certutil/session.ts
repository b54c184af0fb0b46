import {readFileSync} from 'node:fs'
import {tokenSecret, unlockToken} from '../../core/certdb/index.js'
import {MsgctlError} from '../../core/errors.js'
import {INTERNAL_TOKEN_NAME, passwordFromFile, type TokenKey} from '../../core/pki/index.js'
import type {Store} from '../../core/store/index.js'
import {askSecret, canPrompt} from '../prompt.js'
import {writeFileAtomic} from '../write_file_atomic.js'

/** certutil's status for failures (reference §1.6). */
export const FAIL = 255

export const fail = (message: string): never => {
  throw new MsgctlError(message, FAIL)
}

/**
 * One certutil run over an open store: a single command, or every line of a
 * -B batch. It remembers unlocked token keys (the KDF is deliberately slow,
 * so a batch of 500 lines unlocks once) and, inside a batch, holds back
 * output files until the transaction commits, so a failed batch writes none.
 */
export class CertutilSession {
  readonly #tokenKeys = new Map<string, TokenKey>()
  readonly #pending: {path: string; data: string | Buffer; mode: number}[] = []

  constructor(
    readonly store: Store,
    readonly batch = false,
  ) {}

  /** Write an output file now, or at commit time inside a batch. */
  output(path: string, data: string | Buffer, mode = 0o644): void {
    if (this.batch) this.#pending.push({path, data, mode})
    else writeFileAtomic(path, data, mode)
  }

  /** Inside a batch: write the files held back, after the commit. */
  flushOutputs(): void {
    for (const o of this.#pending.splice(0)) writeFileAtomic(o.path, o.data, o.mode)
  }

  /** The token key, from -f FILE, an empty password, or a terminal prompt. */
  async login(pwfile: string | undefined): Promise<TokenKey> {
    if (!tokenSecret(this.store)) return fail(`the store has no token password yet; run certutil -N -d ${this.store.location.dir} first`)
    const fromFile = readPasswordFile(pwfile)
    if (fromFile !== undefined) return this.#unlock(fromFile)
    try {
      return this.#unlock('')
    } catch {
      // The token has a password: ask for it, if there is a terminal to ask on.
    }
    if (!canPrompt()) return fail(`could not authenticate to token ${INTERNAL_TOKEN_NAME}: give the password file with -f FILE`)
    for (let attempt = 0; attempt < 3; attempt++) {
      const pw = await askSecret(`Enter Password or Pin for "${INTERNAL_TOKEN_NAME}":`, 'give the password file with -f FILE')
      try {
        return this.#unlock(pw)
      } catch {
        process.stderr.write('Incorrect password/PIN entered.\n')
      }
    }
    return fail(`could not authenticate to token ${INTERNAL_TOKEN_NAME}: three wrong passwords`)
  }

  /** Derive the token key once per password and run; throws on a wrong password. */
  #unlock(password: string): TokenKey {
    let key = this.#tokenKeys.get(password)
    if (!key) {
      key = unlockToken(this.store, password)
      this.#tokenKeys.set(password, key)
    }
    return key
  }
}

/** A password from a file in NSS's format, or undefined when no file was named. */
export function readPasswordFile(file: string | undefined): string | undefined {
  if (file === undefined) return undefined
  let content: Buffer
  try {
    content = readFileSync(file)
  } catch {
    return fail(`No password file "${file}" exists.`)
  }
  return passwordFromFile(content, INTERNAL_TOKEN_NAME)
}

/** A new password: from -@/-f FILE, --empty-password, or asked twice on a terminal. */
export async function newPassword(file: string | undefined, empty: boolean, answerWith: string): Promise<string> {
  if (empty) return ''
  const fromFile = readPasswordFile(file)
  if (fromFile !== undefined) return fromFile
  if (!canPrompt()) return fail(answerWith)
  process.stderr.write(
    'Enter a password which will be used to encrypt your keys.\nThe password should be at least 8 characters long,\nand should contain at least one non-alphabetic character.\n\n',
  )
  for (let attempt = 0; attempt < 3; attempt++) {
    const first = await askSecret('Enter new password: ', answerWith)
    const again = await askSecret('Re-enter password: ', answerWith)
    if (first === again) return first
    process.stderr.write('Passwords do not match. Try again.\n')
  }
  return fail('the passwords did not match three times; nothing was changed')
}
