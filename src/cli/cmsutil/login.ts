import {readFileSync} from 'node:fs'
import {tokenSecret, unlockToken} from '../../core/certdb/index.js'
import {MsgctlError} from '../../core/errors.js'
import {INTERNAL_TOKEN_NAME, passwordFromFile, type TokenKey} from '../../core/pki/index.js'
import type {Store} from '../../core/store/index.js'
import {askSecret, canPrompt} from '../prompt.js'

/**
 * The token key for cmsutil, asked for only when a private key is needed:
 * -p PASSWORD, -f FILE, the empty password, or a prompt on a terminal.
 */
export class TokenLogin {
  #key: TokenKey | undefined

  constructor(
    private readonly store: Store,
    private readonly password: string | undefined,
    private readonly pwfile: string | undefined,
  ) {}

  async key(): Promise<TokenKey> {
    if (this.#key) return this.#key
    if (!tokenSecret(this.store)) throw new MsgctlError(`the store has no token password yet; run certutil -N -d ${this.store.location.dir} first`, 1)
    const wrong = () => new MsgctlError('Incorrect password/PIN entered.', 1)
    if (this.password !== undefined) return (this.#key = this.#try(this.password) ?? fail(wrong()))
    if (this.pwfile !== undefined) {
      let content: Buffer
      try {
        content = readFileSync(this.pwfile)
      } catch {
        throw new MsgctlError(`No password file "${this.pwfile}" exists.`, 1)
      }
      if (content.length === 0) throw new MsgctlError('password file contains no data', 1)
      return (this.#key = this.#try(passwordFromFile(content, INTERNAL_TOKEN_NAME)) ?? fail(wrong()))
    }
    const empty = this.#try('')
    if (empty) return (this.#key = empty)
    if (!canPrompt()) throw new MsgctlError(`could not authenticate to token ${INTERNAL_TOKEN_NAME}: give the password with -f FILE or -p PASSWORD`, 1)
    for (let attempt = 0; attempt < 3; attempt++) {
      const k = this.#try(await askSecret(`Enter Password or Pin for "${INTERNAL_TOKEN_NAME}":`, 'give the password file with -f FILE', 1))
      if (k) return (this.#key = k)
      process.stderr.write('Incorrect password/PIN entered.\n')
    }
    throw new MsgctlError(`could not authenticate to token ${INTERNAL_TOKEN_NAME}: three wrong passwords`, 1)
  }

  #try(password: string): TokenKey | null {
    try {
      return unlockToken(this.store, password)
    } catch {
      return null
    }
  }
}

function fail(e: Error): never {
  throw e
}
