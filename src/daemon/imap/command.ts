import type {SessionContext} from '../session_types.js'
import type {ArgumentCursor} from './argument_cursor.js'
import type {SaslMechanism} from './sasl_mechanism.js'
import type {SelectedMailbox} from './selected_mailbox.js'
import type {SessionState} from './session_state.js'

/** How a command ends: the tagged line, and anything to do once it is sent. */
export interface CommandResult {
  readonly status: 'OK' | 'NO' | 'BAD'
  /** Response code without brackets, e.g. "READ-WRITE" or "COPYUID 7 1:3 10:12". */
  readonly code?: string | null
  readonly text: string
  /** Runs after the tagged line is written (STARTTLS handshake, LOGOUT close). */
  readonly after?: () => Promise<void> | void
}

export const ok = (text: string, code: string | null = null): CommandResult => ({status: 'OK', code, text})
export const no = (text: string, code: string | null = null): CommandResult => ({status: 'NO', code, text})
export const bad = (text: string, code: string | null = null): CommandResult => ({status: 'BAD', code, text})

/** What a command handler may see and do on its session. */
export interface ImapSessionApi {
  readonly context: SessionContext
  readonly state: SessionState
  /** Canonical user name once authenticated. */
  readonly user: string | null
  readonly selected: SelectedMailbox | null
  readonly mechanisms: readonly SaslMechanism[]
  /** Write response bytes (untagged data, continuations). */
  send(data: Buffer): void
  /** The next raw client line (AUTHENTICATE, IDLE); null if the session ends first. */
  readLine(): Promise<Buffer | null>
  capabilities(): string[]
  /** Enter the authenticated state as `user`. */
  authenticated(user: string): void
  /** Enter the selected state (or leave it with null). */
  select(mailbox: SelectedMailbox | null): void
  logout(): void
  /** Close the connection once what was sent is flushed. */
  close(): void
  /** Send pending EXISTS/EXPUNGE/FETCH updates for the selected mailbox now. */
  reportChanges(allowExpunge: boolean): void
  /** Run a store call whose flag changes this command reports itself (no duplicate untagged FETCH). */
  ownFlagChange<T>(fn: () => T): T
  /** While true, changes are pushed as they happen (IDLE). */
  setIdling(idling: boolean): void
  /** Forget buffered client input (STARTTLS). */
  discardInput(): void
}

/** One IMAP command: its name, the states it is valid in, its handler. */
export interface ImapCommand {
  /** Upper case; UID variants are "UID FETCH" etc. */
  readonly name: string
  readonly states: readonly SessionState[]
  /**
   * False for FETCH, STORE and SEARCH: EXPUNGE responses must wait until a
   * later command, or sequence numbers would shift under the client
   * (RFC 3501 §7.4.1). UID commands are exempt.
   */
  readonly expungeSafe?: boolean
  /** `args` is positioned at the first argument; the handler must consume all of it. */
  run(session: ImapSessionApi, args: ArgumentCursor, tag: string): Promise<CommandResult> | CommandResult
}
