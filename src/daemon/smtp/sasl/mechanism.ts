/**
 * The server side of a SASL mechanism, independent of the protocol that
 * carries it (SMTP 334, POP3 "+", IMAP "+"). A mechanism turns client
 * responses into either a challenge or an outcome; the session does the
 * base64, cancellation and the directory check.
 *
 * Seam for more mechanisms (CRAM-MD5, SCRAM, EXTERNAL): add an outcome kind
 * (for example one carrying a user the mechanism verified itself) and a
 * registry entry; PLAIN and LOGIN only ever produce a password to check.
 */
export type SaslStep =
  | {readonly kind: 'challenge'; readonly data: Buffer}
  | {readonly kind: 'password'; readonly authzid: string; readonly authcid: string; readonly password: string}
  | {readonly kind: 'malformed'; readonly reason: string}

export interface SaslExchange {
  /** The client's next response; null when AUTH came without an initial response. */
  step(response: Buffer | null): SaslStep
}

export interface SaslMechanism {
  /** Upper-case IANA name. */
  readonly name: string
  /** Sends the password in clear (subject to plaintextmincipher). */
  readonly plaintext: boolean
  start(): SaslExchange
}
