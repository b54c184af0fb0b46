/**
 * The read-dispatch-reply loop shared by the line protocols. Commands are
 * handled strictly in order (RFC 2920 / RFC 2449 pipelining): while an
 * asynchronous command (a password check, a TLS handshake) is in flight,
 * later input waits in the buffer. Replies are collected and written in one
 * go when the loop runs dry, so a pipelined batch gets one batch of replies.
 * No exception thrown by a handler escapes: it becomes the protocol's
 * internal-error reply and the loop goes on.
 */
import type {Transport} from '../session_types.js'
import {LineBuffer, type InputLine} from './line_buffer.js'

/** Takes raw bytes (SMTP DATA); returns the unconsumed rest once it has finished, else null. */
export type RawConsumer = (bytes: Buffer) => Buffer | null

export interface CommandLoopOptions {
  readonly transport: Transport
  /** Longest line the buffer holds, counting CRLF. */
  readonly maxLineLength: number
  /** Input held while a command is in flight beyond this is abuse: the client is dropped. */
  readonly maxBufferedBytes: number
  readonly onLine: (line: InputLine) => void | Promise<void>
  /** A handler failed: reply with the protocol's "internal error" line (the loop writes it). */
  readonly onInternalError: (error: unknown) => void
  /** Too much input while busy: say goodbye (the loop then closes). */
  readonly onFlood: () => void
}

export class CommandLoop {
  readonly #options: CommandLoopOptions
  readonly #input: LineBuffer
  #out: Buffer[] = []
  #raw: RawConsumer | null = null
  #lineWaiter: {resolve: (line: InputLine) => void; reject: (error: Error) => void} | null = null
  #busy = false
  #pumping = false
  #closed = false

  constructor(options: CommandLoopOptions) {
    this.#options = options
    this.#input = new LineBuffer(options.maxLineLength)
  }

  get closed(): boolean {
    return this.#closed
  }

  /** Queue reply bytes; they go out when the loop runs dry or on flush(). */
  write(data: string | Buffer): void {
    if (this.#closed) return
    this.#out.push(typeof data === 'string' ? Buffer.from(data, 'utf8') : data)
  }

  flush(): void {
    if (this.#out.length === 0 || this.#closed) return
    const data = this.#out.length === 1 ? this.#out[0]! : Buffer.concat(this.#out)
    this.#out = []
    this.#options.transport.write(data)
  }

  /** Flush, then close the connection; later input is ignored. */
  close(): void {
    if (this.#closed) return
    this.flush()
    this.#closed = true
    this.#raw = null
    this.#input.clear()
    this.#failWaiter()
    this.#options.transport.close()
  }

  /** The connection is gone: stop without writing. */
  stop(): void {
    this.#closed = true
    this.#raw = null
    this.#out = []
    this.#input.clear()
    this.#failWaiter()
  }

  /**
   * The next line, for a command in flight that converses with the client
   * (a SASL exchange). Flushes pending replies first, as the client waits
   * for them before it answers. Rejects if the connection goes away.
   */
  nextLine(): Promise<InputLine> {
    if (this.#closed) return Promise.reject(new ConnectionClosedError())
    this.flush()
    return new Promise<InputLine>((resolve, reject) => {
      this.#lineWaiter = {resolve, reject}
      queueMicrotask(() => this.#pump())
    })
  }

  /** From now on bytes go to `consumer` until it reports it has finished. */
  readRaw(consumer: RawConsumer): void {
    this.#raw = consumer
    // Bytes may already wait in the buffer (pipelined after the command that asked).
    queueMicrotask(() => this.#pump())
  }

  /** Forget every byte received but not yet handled (STARTTLS / STLS). */
  discardInput(): void {
    this.#input.clear()
  }

  /**
   * STARTTLS / STLS after its positive reply: send that reply, drop what the
   * client pipelined behind the command (it came in clear: RFC 3207 §4.2,
   * RFC 2595 §3.1), and do the handshake. False when it failed: that is
   * logged as `name failed` and the connection closed, since nothing
   * sensible can be said on it.
   */
  async startTls(name: string): Promise<boolean> {
    const {transport} = this.#options
    this.flush()
    this.discardInput()
    try {
      await transport.startTls()
    } catch (error) {
      transport.log(`${name} failed: ${(error as Error).message}`)
      this.stop()
      transport.close()
      return false
    }
    this.discardInput()
    return true
  }

  push(chunk: Buffer): void {
    if (this.#closed) return
    this.#input.push(chunk)
    if (this.#busy && this.#raw === null && this.#input.bufferedBytes > this.#options.maxBufferedBytes) {
      this.#input.clear()
      this.#options.onFlood()
      this.close()
      return
    }
    this.#pump()
  }

  #pump(): void {
    if (this.#pumping) return
    this.#pumping = true
    try {
      while (!this.#closed) {
        if (this.#lineWaiter) {
          const line = this.#input.nextLine()
          if (!line) break
          const waiter = this.#lineWaiter
          this.#lineWaiter = null
          waiter.resolve(line)
          break
        }
        // Raw data goes to its consumer even while a command is in flight: a command may await
        // the bytes it asked for (a proxied DATA, a spliced connection).
        if (this.#raw) {
          const bytes = this.#input.takeAll()
          if (bytes.length === 0) break
          const consumer = this.#raw
          let rest: Buffer | null
          try {
            rest = consumer(bytes)
          } catch (error) {
            this.#raw = null
            this.#options.onInternalError(error)
            continue
          }
          if (rest === null) break
          // The consumer may already have installed a successor; keep it.
          if (this.#raw === consumer) this.#raw = null
          this.#input.unshift(rest)
          continue
        }
        if (this.#busy) break
        const line = this.#input.nextLine()
        if (!line) break
        this.#dispatch(line)
      }
    } finally {
      this.#pumping = false
      this.flush()
    }
  }

  #failWaiter(): void {
    const waiter = this.#lineWaiter
    this.#lineWaiter = null
    waiter?.reject(new ConnectionClosedError())
  }

  #dispatch(line: InputLine): void {
    let result: void | Promise<void>
    try {
      result = this.#options.onLine(line)
    } catch (error) {
      this.#options.onInternalError(error)
      return
    }
    if (result === undefined) return
    this.#busy = true
    this.flush()
    result
      .catch((error: unknown) => {
        if (!this.#closed) this.#options.onInternalError(error)
      })
      .finally(() => {
        this.#busy = false
        if (!this.#closed) this.#pump()
      })
  }
}

/** The connection went away while a command waited for the client. */
export class ConnectionClosedError extends Error {
  constructor() {
    super('connection closed')
    this.name = 'ConnectionClosedError'
  }
}
