/**
 * What a POP3 command module sees of the session, and the shape of a
 * command: its verb, the states it is valid in, and its handler.
 */
import type {SessionContext} from '../../session_types.js'
import type {InputLine} from '../../smtp/line_buffer.js'
import type {PlaintextVerdict} from '../../smtp/plaintext_policy.js'
import type {Maildrop} from '../maildrop.js'

/** RFC 1939 §3. UPDATE is entered by QUIT and ends the session. */
export type PopState = 'authorization' | 'transaction' | 'update'

export interface LoginAttempt {
  readonly authcid: string
  readonly password: string
  /** Empty unless the client asked to act as someone else. */
  readonly authzid: string
}

export interface PopSessionApi {
  readonly context: SessionContext
  readonly state: PopState
  /** The name given by USER, waiting for PASS. */
  pendingUser: string | null
  /** The open maildrop in TRANSACTION. */
  readonly maildrop: Maildrop | null
  ok(text: string): void
  err(text: string): void
  /** Raw bytes (a multi-line body). */
  write(data: string | Buffer): void
  plaintext(): PlaintextVerdict
  /** The client's next line, while a command converses (AUTH). */
  nextLine(): Promise<InputLine>
  /**
   * Check a password login (null: the client's attempt was malformed) and,
   * when it succeeds, open the maildrop and enter TRANSACTION. Replies
   * itself: success, failure after the constant delay, [IN-USE], [SYS/TEMP].
   */
  login(attempt: LoginAttempt | null, startedAt: number): Promise<void>
  /** STLS after its +OK: handshake, then forget anything buffered. */
  upgradeToTls(): Promise<void>
  /** QUIT: remove the marked messages (TRANSACTION only), say goodbye, close. */
  quit(): void
}

export interface PopCommand {
  readonly verb: string
  readonly states: readonly PopState[]
  run(session: PopSessionApi, args: string): void | Promise<void>
}
