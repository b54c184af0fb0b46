import {MailStoreError, type MailboxChange, type MessageSummary} from '../mailstore/types.js'
import type {ProtocolSession, SessionContext} from '../session_types.js'
import {IdleTimer} from '../smtp/idle_timer.js'
import {ArgumentCursor} from './argument_cursor.js'
import {capabilities} from './capabilities.js'
import type {CommandResult, ImapCommand, ImapSessionApi} from './command.js'
import {CommandReader} from './command_reader.js'
import {COMMANDS} from './command_registry.js'
import {sameMailbox} from './mailbox_names.js'
import {ImapProtocolError} from './protocol_error.js'
import {atom, continuation, tagged, untagged, untaggedStatus} from './response_composer.js'
import type {SaslMechanism} from './sasl_mechanism.js'
import type {SelectedMailbox} from './selected_mailbox.js'
import type {SessionState} from './session_state.js'

/** Literal bytes a command may carry before login (RFC 7888 §4 suggests 4096 for LITERAL-; we allow more for long passwords). */
const PRE_LOGIN_MAX_LITERAL = 8 * 1024

/**
 * One IMAP4rev1 connection: frames client bytes into commands, runs them one
 * at a time in order (input that arrives meanwhile waits in the reader),
 * keeps the selected mailbox's sequence numbers, and reports changes made
 * by others. Nothing a client sends can make it throw: bad input ends as a
 * BAD or NO response, or, for broken limits, a closed connection.
 */
export class ImapSession implements ProtocolSession, ImapSessionApi {
  state: SessionState = 'not-authenticated'
  user: string | null = null
  selected: SelectedMailbox | null = null
  readonly #reader: CommandReader
  #busy = false
  #closed = false
  #shuttingDown = false
  #idling = false
  #ownFlagChanges = 0
  #lineWaiter: ((line: Buffer | null) => void) | null = null
  #unwatch: (() => void) | null = null
  readonly #idle: IdleTimer

  constructor(
    readonly context: SessionContext,
    /** AUTHENTICATE's mechanisms, in the configured order (core_sasl.ts). */
    readonly mechanisms: readonly SaslMechanism[],
  ) {
    const session = this
    this.#reader = new CommandReader({
      maxLineLength: context.settings.maxLineLength,
      // Asked when each literal is announced, so the limit follows the login.
      get maxLiteralSize() {
        return session.#literalLimit()
      },
    })
    this.#idle = new IdleTimer(context.settings.idleTimeoutMs, () => this.#end('Autologout; idle for too long'))
  }

  // ---- ProtocolSession ----

  start(): void {
    this.send(untaggedStatus('OK', `CAPABILITY ${this.capabilities().join(' ')}`, this.context.settings.banner))
    this.#idle.touch()
  }

  onData(chunk: Buffer): void {
    if (this.#closed) return
    this.#idle.touch()
    this.#reader.push(chunk)
    // Pipelined input is bounded too: one command's worth of text and literal on top of what runs.
    const settings = this.context.settings
    if (this.#busy && this.#lineWaiter === null && this.#reader.buffered > 2 * settings.maxLineLength + this.#literalLimit()) {
      this.#end('Too much input while a command runs')
      return
    }
    this.#pump()
  }

  onClose(): void {
    this.#closed = true
    this.#idle.cancel()
    this.#unwatch?.()
    this.#unwatch = null
    this.#resolveLine(null)
  }

  shutdown(): void {
    if (this.#closed) return
    this.#shuttingDown = true
    // A command waiting on the client (IDLE, AUTHENTICATE) ends now; any other finishes first.
    this.#resolveLine(null)
    if (!this.#busy) this.#end('Server shutting down')
  }

  // ---- ImapSessionApi ----

  send(data: Buffer): void {
    if (!this.#closed) this.context.transport.write(data)
  }

  readLine(): Promise<Buffer | null> {
    if (this.#closed || this.#shuttingDown) return Promise.resolve(null)
    return new Promise((resolve) => {
      this.#lineWaiter = resolve
      this.#feedLine()
    })
  }

  capabilities(): string[] {
    return capabilities(
      this.context.settings,
      this.context.transport,
      this.state,
      this.mechanisms,
    )
  }

  authenticated(user: string): void {
    this.user = user
    this.state = 'authenticated'
    this.#unwatch = this.context.mail.watch((change) => this.#onChange(change))
  }

  select(mailbox: SelectedMailbox | null): void {
    this.selected = mailbox
    this.state = mailbox === null ? 'authenticated' : 'selected'
  }

  logout(): void {
    this.state = 'logout'
    this.selected = null
  }

  ownFlagChange<T>(fn: () => T): T {
    this.#ownFlagChanges++
    try {
      return fn()
    } finally {
      this.#ownFlagChanges--
    }
  }

  setIdling(idling: boolean): void {
    this.#idling = idling
    if (idling) this.reportChanges(true)
  }

  discardInput(): void {
    this.#reader.clear()
  }

  reportChanges(allowExpunge: boolean): void {
    const box = this.selected
    if (box === null || this.user === null || (!box.dirty && box.changedFlags.size === 0)) return
    let messages: MessageSummary[]
    try {
      messages = this.context.mail.listMessages(this.user, box.name)
    } catch (err) {
      // The mailbox went away under us (deleted elsewhere): report it empty.
      if (!(err instanceof MailStoreError)) throw err
      messages = []
    }
    const present = new Set(messages.map((m) => m.uid))
    if (box.dirty) {
      if (allowExpunge) {
        for (const seq of box.remove(box.uids.filter((u) => !present.has(u)))) this.send(untagged(seq, atom('EXPUNGE')))
      }
      const known = box.highestUid
      const arrived = messages.filter((m) => m.uid > known).map((m) => m.uid)
      if (arrived.length > 0) {
        box.add(arrived)
        if (!box.readOnly) for (const uid of this.context.mail.takeRecent(this.user, box.name)) box.recent.add(uid)
        this.send(untagged(box.count, atom('EXISTS')))
        this.send(untagged(box.recent.size, atom('RECENT')))
      }
      // Expunges held back stay noted until a command may report them.
      box.dirty = !allowExpunge && box.uids.some((u) => !present.has(u))
    }
    if (box.changedFlags.size > 0) {
      const byUid = new Map(messages.map((m) => [m.uid, m]))
      for (const uid of [...box.changedFlags].sort((a, b) => a - b)) {
        const seq = box.sequenceOf(uid)
        const m = byUid.get(uid)
        if (seq === 0 || m === undefined) continue
        const flags = box.recent.has(uid) ? [...m.flags, '\\Recent'] : m.flags
        this.send(untagged(seq, atom('FETCH'), [atom('FLAGS'), flags.map(atom)]))
      }
      box.changedFlags.clear()
    }
  }

  // ---- internals ----

  /** Act on whatever complete input is buffered, unless a command is running. */
  #pump(): void {
    if (this.#lineWaiter !== null) {
      this.#feedLine()
      return
    }
    while (!this.#busy && !this.#closed && !this.#shuttingDown) {
      const event = this.#reader.next()
      if (event === null) return
      switch (event.kind) {
        case 'literal-wanted':
          this.send(continuation('Ready for literal data'))
          break
        case 'literal-refused':
          this.send(tagged(event.tag, 'NO', 'TOOBIG', `Literal of ${event.size} bytes is over the limit of ${this.#literalLimit()}`))
          break
        case 'fatal':
          if (event.reason === 'line-too-long') this.send(untaggedStatus('BAD', null, 'line too long'))
          else this.send(tagged(event.tag ?? '*', 'BAD', 'TOOBIG', 'Literal too large'))
          this.close()
          return
        case 'command':
          this.#busy = true
          void this.#execute(event.bytes).then(() => {
            this.#busy = false
            if (this.#shuttingDown) this.#end('Server shutting down')
            else this.#pump()
          })
          return
      }
    }
  }

  /** Run one command to its tagged response. Never rejects. */
  async #execute(bytes: Buffer): Promise<void> {
    const cursor = new ArgumentCursor(bytes)
    let tag: string
    try {
      tag = cursor.tag()
    } catch {
      this.send(untaggedStatus('BAD', null, 'Invalid tag'))
      return
    }
    let command: ImapCommand | undefined
    let result: CommandResult
    try {
      cursor.space()
      let name = cursor.atom('a command name').toUpperCase()
      if (name === 'UID') {
        cursor.space()
        name = `UID ${cursor.atom('a UID command').toUpperCase()}`
      }
      command = COMMANDS.get(name)
      if (command === undefined) {
        result = {status: 'BAD', text: `Unknown command ${name.slice(0, 40)}`}
      } else if (!command.states.includes(this.state)) {
        result = {status: 'BAD', text: `${name} is not valid in the ${this.state} state`}
      } else {
        if (!cursor.atEnd) cursor.space()
        result = await command.run(this, cursor, tag)
      }
    } catch (err) {
      result = this.#failure(err)
    }
    if (this.#closed) return
    try {
      this.reportChanges(command?.expungeSafe ?? true)
    } catch (err) {
      this.context.transport.log(`imap: reporting mailbox changes failed: ${(err as Error).message}`)
    }
    this.send(tagged(tag, result.status, result.code ?? null, result.text))
    if (result.after) {
      try {
        await result.after()
      } catch (err) {
        this.context.transport.log(`imap: ${(err as Error).message}`)
        this.close()
      }
    }
  }

  #failure(err: unknown): CommandResult {
    if (err instanceof ImapProtocolError) return {status: err.status, code: err.code, text: err.message}
    if (err instanceof MailStoreError) return {status: 'NO', code: err.code, text: err.message}
    this.context.transport.log(`imap: internal error: ${err instanceof Error ? err.message : String(err)}`)
    return {status: 'NO', code: 'SERVERBUG', text: 'Internal server error'}
  }

  /**
   * Most literal bytes one command may carry now. Before login the only
   * literals a client needs are LOGIN's user name and password (and ID's
   * values), so an unknown client cannot make the server buffer a message's
   * worth of memory per connection.
   */
  #literalLimit(): number {
    return this.state === 'not-authenticated' ? Math.min(PRE_LOGIN_MAX_LITERAL, this.context.settings.maxMessageSize) : this.context.settings.maxMessageSize
  }

  #feedLine(): void {
    const waiter = this.#lineWaiter
    if (waiter === null) return
    const line = this.#reader.readLine()
    if (line === null) return
    if (line === 'too-long') {
      this.send(untaggedStatus('BAD', null, 'line too long'))
      this.close()
      return
    }
    this.#lineWaiter = null
    waiter(line)
  }

  #resolveLine(line: Buffer | null): void {
    const waiter = this.#lineWaiter
    this.#lineWaiter = null
    waiter?.(line)
  }

  #onChange(change: MailboxChange): void {
    const box = this.selected
    if (box === null || change.user !== this.user || !sameMailbox(change.mailbox, box.name)) return
    if (change.kind === 'flags') {
      if (this.#ownFlagChanges > 0) return
      for (const uid of change.uids) box.changedFlags.add(uid)
    } else {
      box.dirty = true
    }
    // Called inside the store's call: report later, outside whatever the session is doing.
    if (this.#idling)
      queueMicrotask(() => {
        if (!this.#idling || this.#closed) return
        try {
          this.reportChanges(true)
        } catch (err) {
          this.context.transport.log(`imap: reporting mailbox changes failed: ${(err as Error).message}`)
        }
      })
  }


  /** Say goodbye and close. */
  #end(text: string): void {
    if (this.#closed) return
    this.send(untaggedStatus('BYE', null, text))
    this.close()
  }

  /** Close the connection (after LOGOUT, a broken limit, the end). */
  close(): void {
    if (this.#closed) return
    this.#closed = true
    this.#idle.cancel()
    this.#unwatch?.()
    this.#unwatch = null
    this.#reader.clear()
    this.#resolveLine(null)
    this.context.transport.close()
  }
}
