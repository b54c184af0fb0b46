import type {Directory} from '../session_types.js'

/**
 * The seam for SASL mechanisms (RFC 4422) as AUTHENTICATE drives them: the
 * session relays base64 lines, the mechanism decides. More mechanisms
 * (CRAM-MD5, SCRAM, EXTERNAL, ...) plug in by implementing SaslMechanism
 * and being added to the list the session is given.
 */
export type SaslStep =
  /** Send this challenge (the session base64-encodes it) and wait for the client's answer. */
  | {readonly kind: 'challenge'; readonly data: Buffer}
  | {readonly kind: 'success'; readonly user: string}
  /** credentials: wrong user or password; authzid: may not act as that identity; malformed: unreadable message. */
  | {readonly kind: 'failure'; readonly reason: 'credentials' | 'authzid' | 'malformed'}

/** One authentication exchange. */
export interface SaslExchange {
  /** The client's next message; null only as the first call, when there was no initial response. */
  step(response: Buffer | null): Promise<SaslStep>
}

export interface SaslMechanism {
  /** Upper-case name as advertised after AUTH=. */
  readonly name: string
  /** Carries the password in the clear: offered only when plaintextmincipher allows. */
  readonly plaintext: boolean
  start(directory: Directory): SaslExchange
}
