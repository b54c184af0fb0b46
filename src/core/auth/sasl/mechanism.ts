/**
 * The server side of one SASL authentication attempt (RFC 4422), independent
 * of the protocol that carries it. Bytes in and out are raw: the IMAP, POP3
 * and SMTP layers do the base64, the `*` cancel and the result codes.
 *
 * A mechanism object lives for exactly one attempt, so it may keep state
 * (a nonce, a challenge) between `start` and `next`.
 */

export type SaslServiceName = 'imap' | 'pop' | 'smtp'

export type ScramHash = 'sha1' | 'sha256'

/** What a directory keeps for SCRAM instead of the password (RFC 5802 §3). */
export interface ScramCredentials {
  salt: Buffer
  iterations: number
  storedKey: Buffer
  serverKey: Buffer
}

/** The seam to the directory: mechanisms never see how users are stored. */
export interface SaslCredentials {
  /** The canonical user name when the password is right, else null. */
  verifyPassword(user: string, password: string): Promise<string | null>
  /** Only when the directory keeps plain passwords (CRAM-MD5, DIGEST-MD5, APOP need them). */
  cleartextPassword?(user: string): Promise<string | null>
  scramCredentials?(user: string, hash: ScramHash): Promise<ScramCredentials | null>
  /** The user a TLS client certificate (DER) stands for (certmap), else null. */
  mapCertificate?(der: Buffer): Promise<string | null>
  /** The canonical name of a known user, else null. */
  lookup(user: string): string | null
}

export interface SaslContext {
  credentials: SaslCredentials
  serviceName: SaslServiceName
  /** This server's host name: CRAM-MD5 challenge, DIGEST-MD5 realm and digest-uri host. */
  hostname: string
  secure: boolean
  /** DER of the verified TLS client certificate, for EXTERNAL. */
  peerCertificate?: Buffer
}

export type SaslFailureReason = 'bad-credentials' | 'malformed' | 'not-authorized' | 'unavailable'

export type SaslStep =
  | {kind: 'challenge'; data: Buffer}
  | {
      kind: 'success'
      user: string
      /** Additional data with success (RFC 4422 §5 item 7), e.g. SCRAM's server-final message. */
      data?: Buffer
      /** ANONYMOUS trace token (RFC 4505): for the log, never a credential. */
      trace?: string
    }
  | {kind: 'failure'; reason: SaslFailureReason; message: string}

export type SaslFailure = Extract<SaslStep, {kind: 'failure'}>
export type SaslSuccess = Extract<SaslStep, {kind: 'success'}>

export interface SaslMechanism {
  /** Upper-case IANA name. */
  readonly name: string
  /** `initialResponse` is null when the client sent none; an empty Buffer is an empty one (IMAP `=`). */
  start(initialResponse: Buffer | null): Promise<SaslStep>
  next(response: Buffer): Promise<SaslStep>
}

export const fail = (reason: SaslFailureReason, message: string): SaslFailure => ({kind: 'failure', reason, message})

export const challenge = (data: Buffer | string): SaslStep => ({kind: 'challenge', data: typeof data === 'string' ? Buffer.from(data, 'utf8') : data})

export const succeed = (user: string, data?: Buffer): SaslSuccess => (data ? {kind: 'success', user, data} : {kind: 'success', user})
