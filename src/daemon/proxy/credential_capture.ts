/**
 * The front end logs in to the user's back end with the password the client
 * gave it. This wraps the directory so the password a successful check used
 * is kept for that (one connection, in memory only). Only what carries a
 * password goes through: LOGIN, USER/PASS and the PLAIN and LOGIN SASL
 * mechanisms. Challenge-response mechanisms (CRAM-MD5, DIGEST-MD5, SCRAM),
 * EXTERNAL and APOP give the front end no password, so a proxy offers none
 * of them for IMAP and POP.
 */
import type {Directory} from '../session_types.js'

export interface CapturedLogin {
  /** The name the client logged in with (authentication identity). */
  readonly login: string
  readonly password: string
  /** The canonical user the directory answered. */
  readonly user: string
}

export class CredentialCapture {
  #last: CapturedLogin | null = null

  get last(): CapturedLogin | null {
    return this.#last
  }

  forget(): void {
    this.#last = null
  }

  wrap(directory: Directory): Directory {
    return {
      lookup: (user) => directory.lookup(user),
      ...(directory.lookupAsync ? {lookupAsync: (user: string) => directory.lookupAsync!(user)} : {}),
      ...(directory.isStoreAdministrator ? {isStoreAdministrator: (user: string) => directory.isStoreAdministrator!(user)} : {}),
      verifyPassword: async (login, password) => {
        const user = await directory.verifyPassword(login, password)
        this.#last = user === null ? null : {login, password, user}
        return user
      },
    }
  }
}
