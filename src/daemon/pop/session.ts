/**
 * One POP3 server session (RFC 1939, RFC 2449, RFC 2595, RFC 5034):
 * AUTHORIZATION, TRANSACTION on the user's INBOX, UPDATE at QUIT. Commands
 * live in commands/, each declaring the states it is valid in.
 */
import {GracefulShutdown} from '../graceful_shutdown.js'
import {apopTimestamp} from '../../core/auth/sasl/index.js'
import {plaintextVerdict, type PlaintextVerdict, type SaslOutcome} from '../sasl/index.js'
import type {ProtocolSession, SessionContext} from '../session_types.js'
import {CommandLoop, ConnectionClosedError} from '../smtp/command_loop.js'
import {splitCommandLine} from '../smtp/command_line.js'
import {AUTH_FAILURE_DELAY_MS, waitUntilElapsed} from '../smtp/failure_delay.js'
import {IdleTimer} from '../smtp/idle_timer.js'
import type {InputLine} from '../smtp/line_buffer.js'
import type {PopSessionApi, PopState} from './commands/command.js'
import {POP_COMMANDS} from './commands/index.js'
import {Maildrop} from './maildrop.js'
import {lockMaildrop, unlockMaildrop} from './maildrop_lock.js'
import {errLine, okLine} from './reply.js'

/** Commands are short (RFC 1939: 40-octet arguments; RFC 2449: 255); 512 leaves room for sloppy clients. */
const MIN_COMMAND_LINE = 512
/** SASL response lines may be long (RFC 5034 §4 sets no small bound). */
const MAX_SASL_LINE = 12288 + 2
const MAX_BUFFERED_INPUT = 256 * 1024

export class PopSession implements ProtocolSession, PopSessionApi {
  state: PopState = 'authorization'
  pendingUser: string | null = null
  maildrop: Maildrop | null = null
  apopTimestamp: string | null = null
  readonly #maxCommandLength: number
  readonly #loop: CommandLoop
  readonly #idle: IdleTimer
  readonly #shutdown = new GracefulShutdown(() => this.#sayGoodbye())

  constructor(readonly context: SessionContext) {
    this.#maxCommandLength = Math.max(MIN_COMMAND_LINE, context.settings.maxLineLength || 0)
    this.#loop = new CommandLoop({
      transport: context.transport,
      maxLineLength: Math.max(this.#maxCommandLength, MAX_SASL_LINE),
      maxBufferedBytes: MAX_BUFFERED_INPUT,
      onLine: (line) => this.#onLine(line),
      onInternalError: (error) => this.#internalError(error),
      onFlood: () => this.err('Too much pipelined input.'),
    })
    // RFC 1939 §3: an autologout does not enter UPDATE, so nothing is deleted.
    this.#idle = new IdleTimer(context.settings.idleTimeoutMs, () => {
      this.err('Disconnected for inactivity.')
      this.#end()
    })
  }

  start(): void {
    const {settings, directory} = this.context
    // Only with APOP on: clients (Python's poplib) take any <...> in the greeting for a timestamp.
    if (settings.apop && directory.cleartextPassword) this.apopTimestamp = apopTimestamp(settings.hostname)
    this.ok(this.apopTimestamp === null ? settings.banner : `${settings.banner} ${this.apopTimestamp}`.trimStart())
    this.#loop.flush()
    this.#idle.touch()
  }

  onData(chunk: Buffer): void {
    this.#idle.touch()
    this.#loop.push(chunk)
  }

  onClose(): void {
    this.#idle.cancel()
    this.#loop.stop()
    this.#release()
  }

  shutdown(): void {
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
    const {mail, transport} = this.context
    if (this.#loop.closed) return
    if (outcome.kind === 'failure') {
      const why = outcome.detail === undefined ? '' : `: ${outcome.detail}`
      // A directory that cannot answer is not the client's fault: say so at once (RFC 3206 SYS/TEMP).
      if (outcome.reason === 'unavailable') {
        transport.log(`POP3 login unavailable (${method})${why}`)
        return this.err('[SYS/TEMP] Authentication is unavailable, try again later.')
      }
      this.context.onAuthenticationFailed?.()
      await waitUntilElapsed(startedAt, AUTH_FAILURE_DELAY_MS)
      transport.log(`POP3 login failed (${method})${why}`)
      return this.err('[AUTH] Authentication failed.')
    }
    const {user} = outcome
    if (!lockMaildrop(mail, user)) {
      transport.log(`POP3 maildrop of ${user} is in use`)
      return this.err('[IN-USE] Mailbox is locked by another POP3 session.')
    }
    try {
      this.maildrop = new Maildrop(mail, user)
    } catch (error) {
      unlockMaildrop(mail, user)
      transport.log(`POP3 maildrop of ${user} cannot be opened: ${(error as Error).message}`)
      return this.err('[SYS/TEMP] Mailbox cannot be opened, try again later.')
    }
    this.state = 'transaction'
    const {count, octets} = this.maildrop.stat()
    transport.log(`POP3 login user=${user} method=${method} messages=${count}`)
    this.context.onAuthenticated?.(user)
    this.ok(`Logged in, ${count} messages (${octets} octets).`)
  }

  async upgradeToTls(): Promise<void> {
    if (!(await this.#loop.startTls('STLS'))) return
    this.pendingUser = null
  }

  quit(): void {
    if (this.state === 'transaction' && this.maildrop) {
      this.state = 'update'
      try {
        const removed = this.maildrop.commit()
        this.context.transport.log(`POP3 logout user=${this.maildrop.user} deleted=${removed}`)
        this.ok(removed > 0 ? `Logging out, ${removed} messages deleted.` : 'Logging out.')
      } catch (error) {
        this.context.transport.log(`POP3 update failed: ${(error as Error).message}`)
        this.err('[SYS/TEMP] Some deleted messages were not removed.')
      }
    } else {
      this.ok('Logging out.')
    }
    this.#end()
  }

  #end(): void {
    this.#idle.cancel()
    this.#release()
    this.#loop.close()
  }

  #release(): void {
    if (this.maildrop) unlockMaildrop(this.context.mail, this.maildrop.user)
    this.maildrop = null
  }

  #onLine(line: InputLine): void | Promise<void> {
    if (line.tooLong) return this.err('Line too long.')
    if (line.bytes.length + 2 > this.#maxCommandLength && !/^AUTH[ \t]/i.test(line.bytes.subarray(0, 5).toString('latin1'))) return this.err('Line too long.')
    const parsed = splitCommandLine(line.bytes)
    if (!parsed.ok) return this.err('Bad command syntax.')
    const command = POP_COMMANDS.get(parsed.verb)
    if (!command) return this.err('Unknown command.')
    if (!command.states.includes(this.state)) return this.err(`${parsed.verb} is not valid in the ${this.state.toUpperCase()} state.`)
    // A pending USER only counts for the PASS right after it.
    if (parsed.verb !== 'PASS') this.pendingUser = parsed.verb === 'USER' ? this.pendingUser : null
    return this.#shutdown.run(command.run(this, parsed.args))
  }

  #sayGoodbye(): void {
    if (this.#loop.closed) return
    this.err('[SYS/TEMP] Server shutting down.')
    this.#end()
  }

  #internalError(error: unknown): void {
    if (error instanceof ConnectionClosedError) return
    this.context.transport.log(`internal error: ${(error as Error)?.stack ?? String(error)}`)
    this.err('[SYS/TEMP] Internal server error.')
  }
}
