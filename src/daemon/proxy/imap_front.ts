/**
 * IMAP at the front end: the not-authenticated state only (CAPABILITY, ID,
 * NOOP, LOGOUT, STARTTLS, LOGIN, AUTHENTICATE PLAIN/LOGIN, with the mail
 * server's own command modules, framing and plaintext rules), then the same
 * login at the user's back end, whose tagged OK (with its capabilities) the
 * client gets, then the bytes spliced both ways.
 */
import {ArgumentCursor} from '../imap/argument_cursor.js'
import {capabilities} from '../imap/capabilities.js'
import type {CommandResult, ImapCommand, ImapSessionApi} from '../imap/command.js'
import {CommandReader} from '../imap/command_reader.js'
import {authenticateCommand} from '../imap/commands/authenticate.js'
import {capabilityCommand} from '../imap/commands/capability.js'
import {idCommand} from '../imap/commands/id.js'
import {loginCommand} from '../imap/commands/login.js'
import {logoutCommand} from '../imap/commands/logout.js'
import {noopCommand} from '../imap/commands/noop.js'
import {starttlsCommand} from '../imap/commands/starttls.js'
import {coreMechanisms} from '../imap/core_sasl.js'
import {ImapProtocolError} from '../imap/protocol_error.js'
import {continuation, tagged, untaggedStatus} from '../imap/response_composer.js'
import type {SaslMechanism} from '../imap/sasl_mechanism.js'
import type {SessionState} from '../imap/session_state.js'
import type {ProtocolSession, SessionContext} from '../session_types.js'
import {IdleTimer} from '../smtp/idle_timer.js'
import type {BackendRoutes} from './backend_routes.js'
import {imapBackendLogin} from './backend_login.js'
import type {CredentialCapture} from './credential_capture.js'
import {splice, type Splice} from './splice.js'

const COMMANDS: ReadonlyMap<string, ImapCommand> = new Map(
  [capabilityCommand, idCommand, noopCommand, logoutCommand, starttlsCommand, loginCommand, authenticateCommand].map((c) => [c.name, c]),
)
/** Login at the front end: a short command line, no big literals. */
const MAX_LITERAL = 64 * 1024

export interface ImapFrontOptions {
  readonly routes: BackendRoutes
  readonly capture: CredentialCapture
  /** Bound on reaching the back end and on each of its replies. */
  readonly timeoutMs: number
}

export class ImapFrontSession implements ProtocolSession, ImapSessionApi {
  state: SessionState = 'not-authenticated'
  user: string | null = null
  readonly selected = null
  readonly mechanisms: readonly SaslMechanism[]
  readonly #reader: CommandReader
  /** The client's bytes the reader has not framed yet (handed to the back end when the login is done). */
  #unframed: Buffer = Buffer.alloc(0)
  #busy = false
  #closed = false
  #shuttingDown = false
  #lineWaiter: ((line: Buffer | null) => void) | null = null
  readonly #idle: IdleTimer
  #splice: Splice | null = null

  constructor(
    readonly context: SessionContext,
    private readonly options: ImapFrontOptions,
  ) {
    this.mechanisms = coreMechanisms(context)
    this.#reader = new CommandReader({maxLineLength: context.settings.maxLineLength, maxLiteralSize: MAX_LITERAL})
    this.#idle = new IdleTimer(context.settings.idleTimeoutMs, () => this.#end('Autologout; idle for too long'))
  }

  start(): void {
    this.send(untaggedStatus('OK', `CAPABILITY ${this.capabilities().join(' ')}`, this.context.settings.banner))
    this.#idle.touch()
  }

  onData(chunk: Buffer): void {
    if (this.#closed) return
    if (this.#splice) return this.#splice.toBackend(chunk)
    this.#idle.touch()
    this.#reader.push(chunk)
    this.#unframed = Buffer.concat([this.#unframed, chunk])
    if (this.#busy && this.#lineWaiter === null && this.#reader.buffered > 2 * this.context.settings.maxLineLength + MAX_LITERAL) {
      this.#end('Too much input while a command runs')
      return
    }
    this.#pump()
  }

  onClose(): void {
    this.#closed = true
    this.#idle.cancel()
    this.#splice?.stop()
    this.#resolveLine(null)
  }

  shutdown(): void {
    if (this.#closed) return
    if (this.#splice) return this.context.transport.close()
    this.#shuttingDown = true
    this.#resolveLine(null)
    if (!this.#busy) this.#end('Server shutting down')
  }

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
    return capabilities(this.context.settings, this.context.transport, 'not-authenticated', this.mechanisms)
  }

  /** The front end's check passed; the back end's login decides what the client is told. */
  authenticated(user: string): void {
    this.user = user
  }

  select(): void {}

  logout(): void {
    this.state = 'logout'
  }

  reportChanges(): void {}

  ownFlagChange<T>(fn: () => T): T {
    return fn()
  }

  setIdling(): void {}

  discardInput(): void {
    this.#reader.clear()
    this.#unframed = Buffer.alloc(0)
  }

  close(): void {
    if (this.#closed) return
    this.#closed = true
    this.#idle.cancel()
    this.#reader.clear()
    this.#resolveLine(null)
    this.context.transport.close()
  }

  #pump(): void {
    if (this.#lineWaiter !== null) return this.#feedLine()
    while (!this.#busy && !this.#closed && !this.#shuttingDown && this.#splice === null) {
      const event = this.#reader.next()
      this.#keepUnframed()
      if (event === null) return
      switch (event.kind) {
        case 'literal-wanted':
          this.send(continuation('Ready for literal data'))
          break
        case 'literal-refused':
          this.send(tagged(event.tag, 'NO', 'TOOBIG', 'Literal too large before login'))
          break
        case 'fatal':
          this.send(event.reason === 'line-too-long' ? untaggedStatus('BAD', null, 'line too long') : tagged(event.tag ?? '*', 'BAD', 'TOOBIG', 'Literal too large'))
          this.close()
          return
        case 'command':
          this.#busy = true
          void this.#execute(event.bytes).then(() => {
            this.#busy = false
            if (this.#shuttingDown && this.#splice === null) this.#end('Server shutting down')
            else this.#pump()
          })
          return
      }
    }
  }

  /** Only the bytes the reader still holds unframed are kept (at most a command's worth). */
  #keepUnframed(): void {
    const held = this.#reader.buffered
    if (this.#unframed.length > held) this.#unframed = this.#unframed.subarray(this.#unframed.length - held)
  }

  async #execute(bytes: Buffer): Promise<void> {
    const cursor = new ArgumentCursor(bytes)
    let tag: string
    try {
      tag = cursor.tag()
    } catch {
      this.send(untaggedStatus('BAD', null, 'Invalid tag'))
      return
    }
    let result: CommandResult
    try {
      cursor.space()
      const name = cursor.atom('a command name').toUpperCase()
      const command = COMMANDS.get(name)
      if (command === undefined) result = {status: 'BAD', text: `${name.slice(0, 40)} is not valid before login`}
      else if (!command.states.includes(this.state)) result = {status: 'BAD', text: `${name} is not valid in the ${this.state} state`}
      else {
        if (!cursor.atEnd) cursor.space()
        result = await command.run(this, cursor, tag)
      }
    } catch (err) {
      if (!(err instanceof ImapProtocolError)) this.context.transport.log(`imap proxy: internal error: ${(err as Error)?.message ?? String(err)}`)
      result = err instanceof ImapProtocolError ? {status: err.status, code: err.code, text: err.message} : {status: 'NO', code: 'SERVERBUG', text: 'Internal server error'}
    }
    if (this.#closed) return
    if (this.user !== null && result.status === 'OK') return this.#loginAtBackend(tag, this.user)
    this.options.capture.forget()
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

  async #loginAtBackend(tag: string, user: string): Promise<void> {
    const {transport} = this.context
    const captured = this.options.capture.last
    this.options.capture.forget()
    this.user = null
    if (captured === null) {
      transport.log('imap proxy: this login method gave no password to log in to the back end with')
      return this.send(tagged(tag, 'NO', 'UNAVAILABLE', 'This login method cannot be proxied; use LOGIN or AUTHENTICATE PLAIN'))
    }
    const backend = this.options.routes.route(user) ?? this.options.routes.route(captured.login)
    if (backend === null) {
      transport.log(`imap proxy: no back end for ${user} (set local.proxy.imapbackend)`)
      return this.send(tagged(tag, 'NO', 'UNAVAILABLE', 'No mail server is configured for this user'))
    }
    const where = `${backend.host}:${backend.port}`
    let result
    try {
      result = await imapBackendLogin(backend, {login: captured.login, password: captured.password, authzid: captured.user === user ? null : user}, this.options.timeoutMs)
    } catch (error) {
      transport.log(`imap proxy: back end ${where} unavailable for ${user}: ${(error as Error).message}`)
      return this.send(tagged(tag, 'NO', 'UNAVAILABLE', 'Mail server unavailable, try again later'))
    }
    if (this.#closed) {
      if (result.ok) result.socket.destroy()
      return
    }
    if (!result.ok) {
      transport.log(`imap proxy: back end ${where} refused ${user}: ${result.reply.slice(0, 120)}`)
      return this.send(Buffer.from(`${tag} ${/^NO\b/i.test(result.reply) ? result.reply : 'NO [UNAVAILABLE] The mail server refused the login'}\r\n`, 'utf8'))
    }
    transport.log(`imap: logged in as ${user}, proxied to ${where}`)
    this.state = 'authenticated'
    this.#idle.cancel()
    for (const line of result.untagged) this.send(Buffer.from(`${line}\r\n`, 'latin1'))
    this.send(Buffer.from(`${tag} ${result.reply}\r\n`, 'latin1'))
    const link = splice(transport, result.socket, result.pending)
    this.#splice = link
    // What the client pipelined after its login belongs to the back end now.
    const pipelined = this.#unframed
    this.#unframed = Buffer.alloc(0)
    this.#reader.clear()
    link.toBackend(pipelined)
  }

  #feedLine(): void {
    const waiter = this.#lineWaiter
    if (waiter === null) return
    const line = this.#reader.readLine()
    this.#keepUnframed()
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


  #end(text: string): void {
    if (this.#closed) return
    this.send(untaggedStatus('BYE', null, text))
    this.close()
  }
}
