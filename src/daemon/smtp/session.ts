/**
 * One SMTP server session (RFC 5321): greeting, then commands from the
 * table in commands/, each valid in the states it declares. The session
 * owns the state; command modules hold the protocol rules.
 */
import {GracefulShutdown} from '../graceful_shutdown.js'
import type {ProtocolSession, SessionContext} from '../session_types.js'
import {CommandLoop, ConnectionClosedError} from './command_loop.js'
import {splitCommandLine} from './command_line.js'
import {MAX_AUTH_LINE} from './commands/auth.js'
import type {SmtpCommand, SmtpSessionApi, SmtpState, Transaction} from './commands/command.js'
import {SMTP_COMMANDS} from './commands/index.js'
import {DataReader, type DataResult} from './data_reader.js'
import {IdleTimer} from './idle_timer.js'
import type {InputLine} from './line_buffer.js'
import {proxiedTransport} from './proxied_transport.js'
import {formatSmtpReply, smtpReply, type SmtpReply} from './reply.js'
import type {ProxiedClient} from './xproxyehlo.js'

/** RFC 5321 §4.5.3.1.4: command lines of 512 octets with CRLF must be accepted. */
const MIN_COMMAND_LINE = 512
/** Input held while a command is in flight (pipelined commands); more is a flood. */
const MAX_BUFFERED_INPUT = 256 * 1024

export interface SmtpSessionOptions {
  /** The command table (the front-end proxy serves its own MAIL, RCPT, DATA ...); default SMTP_COMMANDS. */
  readonly commands?: ReadonlyMap<string, SmtpCommand>
}

export class SmtpSession implements ProtocolSession, SmtpSessionApi {
  state: SmtpState = 'start'
  helo: string | null = null
  esmtp = false
  user: string | null = null
  authFailures = 0
  transaction: Transaction | null = null
  proxyNonce: string | null = null
  proxiedClient: ProxiedClient | null = null
  readonly maxCommandLength: number
  /** The context as the daemon gave it; `context` differs once a proxy named its client. */
  readonly #given: SessionContext
  #context: SessionContext
  readonly #commands: ReadonlyMap<string, SmtpCommand>
  readonly #loop: CommandLoop
  readonly #idle: IdleTimer
  readonly #shutdown = new GracefulShutdown(() => this.#sayGoodbye())

  constructor(context: SessionContext, options: SmtpSessionOptions = {}) {
    this.#given = context
    this.#context = context
    this.#commands = options.commands ?? SMTP_COMMANDS
    this.maxCommandLength = Math.max(MIN_COMMAND_LINE, context.settings.maxLineLength || 0)
    this.#loop = new CommandLoop({
      transport: context.transport,
      maxLineLength: Math.max(this.maxCommandLength, MAX_AUTH_LINE),
      maxBufferedBytes: MAX_BUFFERED_INPUT,
      onLine: (line) => this.#onLine(line),
      onInternalError: (error) => this.#internalError(error),
      onFlood: () => this.reply(421, '4.7.0', `${context.settings.hostname} Error: too much pipelined input`),
    })
    this.#idle = new IdleTimer(context.settings.idleTimeoutMs, () => {
      this.reply(421, '4.4.2', `${context.settings.hostname} Error: timeout exceeded`)
      this.close()
    })
  }

  get context(): SessionContext {
    return this.#context
  }

  actFor(client: ProxiedClient, relayAllowed: boolean): void {
    const given = this.#given
    this.#context = {...given, transport: proxiedTransport(given.transport, client.address), settings: {...given.settings, relayAllowed}}
    this.proxiedClient = client
    this.helo = client.helo
    this.esmtp = true
    this.user = client.user
    this.state = 'ready'
  }

  start(): void {
    const {hostname, banner} = this.context.settings
    this.send(smtpReply(220, null, `${hostname} ESMTP ${banner}`.trimEnd()))
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
  }

  shutdown(): void {
    this.#shutdown.request()
  }

  send(reply: SmtpReply): void {
    this.#loop.write(formatSmtpReply(reply))
  }

  reply(code: number, enhanced: string | null, text: string | readonly string[]): void {
    this.send(smtpReply(code, enhanced, text))
  }

  resetTransaction(): void {
    this.transaction = null
    if (this.state !== 'start') this.state = 'ready'
  }

  nextLine(): Promise<InputLine> {
    return this.#loop.nextLine()
  }

  receiveMessage(done: (result: DataResult) => void): void {
    const reader = new DataReader(this.context.settings.maxMessageSize)
    this.#loop.readRaw((bytes) => {
      const rest = reader.push(bytes)
      if (rest !== null) done(reader.result())
      return rest
    })
  }

  async upgradeToTls(): Promise<void> {
    if (!(await this.#loop.startTls('STARTTLS'))) return
    // RFC 3207 §4.2: forget everything learnt from the client before TLS.
    this.state = 'start'
    this.helo = null
    this.esmtp = false
    this.user = null
    this.authFailures = 0
    this.transaction = null
    this.proxyNonce = null
    this.proxiedClient = null
    this.#context = this.#given
  }

  close(): void {
    this.#idle.cancel()
    this.#loop.close()
  }

  #onLine(line: InputLine): void | Promise<void> {
    if (line.tooLong) return this.reply(500, '5.5.2', 'Error: line too long')
    const parsed = splitCommandLine(line.bytes)
    if (!parsed.ok) return this.reply(500, '5.5.2', 'Error: bad syntax')
    const command = this.#commands.get(parsed.verb)
    if (!command) return this.reply(500, '5.5.2', 'Error: command not recognized')
    if (parsed.verb !== 'AUTH' && line.bytes.length + 2 > this.maxCommandLength) return this.reply(500, '5.5.2', 'Error: line too long')
    if (!command.states.includes(this.state)) {
      return this.reply(503, '5.5.1', this.state === 'start' ? 'Error: send HELO/EHLO first' : (command.wrongStateText ?? 'Error: bad sequence of commands'))
    }
    return this.#shutdown.run(command.run(this, parsed.args))
  }

  #sayGoodbye(): void {
    if (this.#loop.closed) return
    this.reply(421, '4.3.2', `${this.context.settings.hostname} Service shutting down, closing transmission channel`)
    this.close()
  }

  #internalError(error: unknown): void {
    if (error instanceof ConnectionClosedError) return
    this.context.transport.log(`internal error: ${(error as Error)?.stack ?? String(error)}`)
    this.reply(451, '4.3.0', 'Error: internal server error')
  }
}
