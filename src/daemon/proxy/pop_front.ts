/**
 * POP3 at the front end: the AUTHORIZATION state only (CAPA, STLS, USER/PASS,
 * AUTH PLAIN/LOGIN, QUIT, with the same command modules and plaintext rules
 * as the mail server), then the same login at the user's back end, then the
 * bytes spliced both ways. A POP login here is what POP before SMTP at this
 * proxy remembers.
 */
import {AUTH} from '../pop/commands/auth.js'
import {CAPA} from '../pop/commands/capa.js'
import type {PopCommand, PopSessionApi, PopState} from '../pop/commands/command.js'
import {PASS} from '../pop/commands/pass.js'
import {QUIT} from '../pop/commands/quit.js'
import {STLS} from '../pop/commands/stls.js'
import {USER} from '../pop/commands/user.js'
import {errLine, okLine} from '../pop/reply.js'
import {GracefulShutdown} from '../graceful_shutdown.js'
import {plaintextVerdict, type PlaintextVerdict, type SaslOutcome} from '../sasl/index.js'
import type {ProtocolSession, SessionContext} from '../session_types.js'
import {CommandLoop, ConnectionClosedError} from '../smtp/command_loop.js'
import {splitCommandLine} from '../smtp/command_line.js'
import {AUTH_FAILURE_DELAY_MS, waitUntilElapsed} from '../smtp/failure_delay.js'
import {IdleTimer} from '../smtp/idle_timer.js'
import type {InputLine} from '../smtp/line_buffer.js'
import type {BackendRoutes} from './backend_routes.js'
import {popBackendLogin} from './backend_login.js'
import type {CredentialCapture} from './credential_capture.js'
import {splice, type Splice} from './splice.js'

const COMMANDS: ReadonlyMap<string, PopCommand> = new Map([USER, PASS, AUTH, CAPA, STLS, QUIT].map((c) => [c.verb, c]))
/** Other POP3 commands: valid only once logged in, which here means at the back end. */
const LATER = new Set(['STAT', 'LIST', 'RETR', 'DELE', 'NOOP', 'RSET', 'TOP', 'UIDL'])
const MAX_LINE = 12288 + 2
const MAX_BUFFERED_INPUT = 256 * 1024

export interface PopFrontOptions {
  readonly routes: BackendRoutes
  readonly capture: CredentialCapture
  /** Bound on reaching the back end and on each of its replies. */
  readonly timeoutMs: number
}

export class PopFrontSession implements ProtocolSession, PopSessionApi {
  readonly state: PopState = 'authorization'
  pendingUser: string | null = null
  readonly maildrop = null
  readonly apopTimestamp = null
  readonly #loop: CommandLoop
  readonly #idle: IdleTimer
  readonly #shutdown = new GracefulShutdown(() => this.#sayGoodbye())
  #splice: Splice | null = null

  constructor(
    readonly context: SessionContext,
    private readonly options: PopFrontOptions,
  ) {
    this.#loop = new CommandLoop({
      transport: context.transport,
      maxLineLength: MAX_LINE,
      maxBufferedBytes: MAX_BUFFERED_INPUT,
      onLine: (line) => this.#onLine(line),
      onInternalError: (error) => {
        if (error instanceof ConnectionClosedError) return
        context.transport.log(`internal error: ${(error as Error)?.stack ?? String(error)}`)
        this.err('[SYS/TEMP] Internal server error.')
      },
      onFlood: () => this.err('Too much pipelined input.'),
    })
    this.#idle = new IdleTimer(context.settings.idleTimeoutMs, () => {
      this.err('Disconnected for inactivity.')
      this.#end()
    })
  }

  start(): void {
    this.ok(this.context.settings.banner)
    this.#loop.flush()
    this.#idle.touch()
  }

  onData(chunk: Buffer): void {
    if (this.#splice === null) this.#idle.touch()
    this.#loop.push(chunk)
  }

  onClose(): void {
    this.#idle.cancel()
    this.#loop.stop()
    this.#splice?.stop()
  }

  shutdown(): void {
    // Spliced, the conversation is the back end's: no goodbye of ours fits in it.
    if (this.#splice) return this.context.transport.close()
    this.#shutdown.request()
  }

  ok(text: string): void {
    this.#loop.write(okLine(text))
  }

  err(text: string): void {
    this.#loop.write(errLine(text))
  }

  write(data: string | Buffer): void {
    this.#loop.write(data)
  }

  plaintext(): PlaintextVerdict {
    return plaintextVerdict(this.context.settings, this.context.transport)
  }

  nextLine(): Promise<InputLine> {
    return this.#loop.nextLine()
  }

  async login(outcome: SaslOutcome, method: string, startedAt: number): Promise<void> {
    const {transport} = this.context
    const captured = this.options.capture.last
    this.options.capture.forget()
    if (outcome.kind === 'failure') {
      const why = outcome.detail === undefined ? '' : `: ${outcome.detail}`
      if (outcome.reason === 'unavailable') {
        transport.log(`POP3 login unavailable (${method})${why}`)
        return this.err('[SYS/TEMP] Authentication is unavailable, try again later.')
      }
      this.context.onAuthenticationFailed?.()
      await waitUntilElapsed(startedAt, AUTH_FAILURE_DELAY_MS)
      transport.log(`POP3 login failed (${method})${why}`)
      return this.err('[AUTH] Authentication failed.')
    }
    const user = outcome.user
    if (captured === null) {
      transport.log(`POP3 proxy: ${method} gave no password to log in to the back end with`)
      return this.err('[SYS/TEMP] This login method cannot be proxied; use USER/PASS or AUTH PLAIN.')
    }
    const backend = this.options.routes.route(user) ?? this.options.routes.route(captured.login)
    if (backend === null) {
      transport.log(`POP3 proxy: no back end for ${user} (set local.proxy.popbackend)`)
      return this.err('[SYS/TEMP] No mail server is configured for this user.')
    }
    const where = `${backend.host}:${backend.port}`
    let result
    try {
      result = await popBackendLogin(backend, {login: captured.login, password: captured.password, authzid: captured.user === user ? null : user}, this.options.timeoutMs)
    } catch (error) {
      transport.log(`POP3 proxy: back end ${where} unavailable for ${user}: ${(error as Error).message}`)
      return this.err('[SYS/TEMP] Mail server unavailable, try again later.')
    }
    if (this.#loop.closed) {
      if (result.ok) result.socket.destroy()
      return
    }
    if (!result.ok) {
      transport.log(`POP3 proxy: back end ${where} refused ${user}: ${result.reply.slice(0, 120)}`)
      return this.write(`${result.reply.startsWith('-ERR') ? result.reply : '-ERR [SYS/TEMP] The mail server refused the login.'}\r\n`)
    }
    transport.log(`POP3 login user=${user} method=${method} proxied to ${where}`)
    this.context.onAuthenticated?.(user)
    // The back end's +OK goes out before anything it says next.
    this.write(`${result.reply}\r\n`)
    this.#loop.flush()
    this.#idle.cancel()
    const link = splice(transport, result.socket, result.pending)
    this.#splice = link
    this.#loop.readRaw((bytes) => {
      link.toBackend(bytes)
      return null
    })
  }

  async upgradeToTls(): Promise<void> {
    if (!(await this.#loop.startTls('STLS'))) return
    this.pendingUser = null
  }

  quit(): void {
    this.ok('Logging out.')
    this.#end()
  }

  #end(): void {
    this.#idle.cancel()
    this.#loop.close()
  }

  #onLine(line: InputLine): void | Promise<void> {
    if (line.tooLong) return this.err('Line too long.')
    const parsed = splitCommandLine(line.bytes)
    if (!parsed.ok) return this.err('Bad command syntax.')
    const command = COMMANDS.get(parsed.verb)
    if (!command) return this.err(LATER.has(parsed.verb) ? `${parsed.verb} is not valid in the AUTHORIZATION state.` : 'Unknown command.')
    if (parsed.verb !== 'PASS' && parsed.verb !== 'USER') this.pendingUser = null
    return this.#shutdown.run(command.run(this, parsed.args))
  }

  #sayGoodbye(): void {
    if (this.#loop.closed || this.#splice) return
    this.err('[SYS/TEMP] Server shutting down.')
    this.#end()
  }
}
