/**
 * What a POP3 command module sees of the session, and the shape of a
 * command: its verb, the states it is valid in, and its handler.
 */
import type {PlaintextVerdict, SaslOutcome} from '../../sasl/index.js'
import type {SessionContext} from '../../session_types.js'
import type {InputLine} from '../../smtp/line_buffer.js'
import type {Maildrop} from '../maildrop.js'

/** RFC 1939 §3. UPDATE is entered by QUIT and ends the session. */
export type PopState = 'authorization' | 'transaction' | 'update'

export interface PopSessionApi {
  readonly context: SessionContext
  readonly state: PopState
  /** The name given by USER, waiting for PASS. */
  pendingUser: string | null
  /** The open maildrop in TRANSACTION. */
  readonly maildrop: Maildrop | null
  /** The RFC 1939 §7 timestamp the greeting carried, or null when APOP is not offered. */
  readonly apopTimestamp: string | null
  ok(text: string): void
  err(text: string): void
  /** Raw bytes (a multi-line body). */
  write(data: string | Buffer): void
  plaintext(): PlaintextVerdict
  /** The client's next line, while a command converses (AUTH). */
  nextLine(): Promise<InputLine>
  /**
   * Finish a login whose credentials were checked (USER/PASS, APOP, AUTH):
   * for a verified user, open the maildrop and enter TRANSACTION. Replies
   * itself: success, [AUTH] failure after the constant delay counted from
   * `startedAt`, [IN-USE], [SYS/TEMP]. `method` names the way in, for the log.
   */
  login(outcome: SaslOutcome, method: string, startedAt: number): Promise<void>
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
