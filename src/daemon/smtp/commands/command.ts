/**
 * What an SMTP command module sees of the session, and the shape of a
 * command: its verb, the states it is valid in, and its handler.
 */
import type {InputLine} from '../line_buffer.js'
import type {Mailbox} from '../address.js'
import type {DataResult} from '../data_reader.js'
import type {MailParameters} from '../mail_parameters.js'
import type {SmtpReply} from '../reply.js'
import type {SessionContext} from '../../session_types.js'
import type {ProxiedClient} from '../xproxyehlo.js'

/**
 * start: greeted, no HELO/EHLO yet; ready: greeted by the client, no
 * transaction; mail: MAIL accepted; rcpt: at least one RCPT accepted.
 */
export type SmtpState = 'start' | 'ready' | 'mail' | 'rcpt'

export interface Recipient {
  readonly mailbox: Mailbox
  /** Canonical local user for local domains; null when the message must be relayed. */
  readonly localUser: string | null
}

export interface Transaction {
  /** null for the null reverse-path `<>` (bounces). */
  readonly from: Mailbox | null
  readonly params: MailParameters
  readonly recipients: Recipient[]
}

export interface SmtpSessionApi {
  readonly context: SessionContext
  state: SmtpState
  /** The HELO/EHLO argument. */
  helo: string | null
  /** Greeted with EHLO (extensions allowed). */
  esmtp: boolean
  /** Authenticated user, once AUTH succeeded. */
  user: string | null
  /** AUTH failures in a row. */
  authFailures: number
  transaction: Transaction | null
  /** XPROXYEHLO: the nonce this connection's EHLO offered; null until then, or when not offered. */
  proxyNonce: string | null
  /** The real client a front-end proxy named with XPROXYEHLO, once accepted. */
  readonly proxiedClient: ProxiedClient | null
  /**
   * Serve the rest of the connection as the proxy's client: its address (the
   * Received line, logs, `context.transport.remoteAddress`), its relay right,
   * its login; as if it had just said EHLO.
   */
  actFor(client: ProxiedClient, relayAllowed: boolean): void
  /** Longest command line, in bytes with CRLF. */
  readonly maxCommandLength: number
  send(reply: SmtpReply): void
  reply(code: number, enhanced: string | null, text: string | readonly string[]): void
  /** Drop the transaction; state falls back to ready (or start before HELO). */
  resetTransaction(): void
  /** The client's next line, while a command converses (AUTH). */
  nextLine(): Promise<InputLine>
  /** Read the message after a 354; `done` runs once its end marker arrived. */
  receiveMessage(done: (result: DataResult) => void): void
  /** STARTTLS after its 220: handshake, then forget everything said in clear. */
  upgradeToTls(): Promise<void>
  /** Send pending replies and close. */
  close(): void
}

export interface SmtpCommand {
  /** Upper-case verb. */
  readonly verb: string
  readonly states: readonly SmtpState[]
  /** Text of the 503 when used in a state that is not listed, after HELO. */
  readonly wrongStateText?: string
  run(session: SmtpSessionApi, args: string): void | Promise<void>
}
