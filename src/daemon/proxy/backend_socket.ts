/**
 * A connection from the front end to a back-end IMAP or POP server while the
 * front end logs the user in there: lines in, commands out, every wait
 * bounded. Once logged in, release() hands over the socket and whatever the
 * server already sent beyond the last line read, for splicing.
 */
import type {Socket} from 'node:net'
import {connectWithin} from '../connect_within.js'
import type {BackendHost} from './backend_routes.js'

const LF = 0x0a
const MAX_LINE = 64 * 1024

export class BackendSocket {
  #buffer: Buffer = Buffer.alloc(0)
  #error: Error | null = null
  #wake: (() => void) | null = null

  private constructor(
    private readonly socket: Socket,
    private readonly timeoutMs: number,
  ) {
    socket.on('data', (chunk: Buffer) => {
      this.#buffer = this.#buffer.length === 0 ? chunk : Buffer.concat([this.#buffer, chunk])
      this.#notify()
    })
    socket.on('error', (err) => {
      this.#error = err
      this.#notify()
    })
    socket.on('close', () => {
      this.#error ??= new Error('connection closed by the server')
      this.#notify()
    })
  }

  static open(host: BackendHost, timeoutMs: number): Promise<BackendSocket> {
    return connectWithin(host, timeoutMs).then((socket) => new BackendSocket(socket, timeoutMs))
  }

  write(data: string | Buffer): void {
    this.socket.write(data)
  }

  /** The next line without its CRLF (latin1). */
  async readLine(): Promise<string> {
    const deadline = Date.now() + this.timeoutMs
    for (;;) {
      const lf = this.#buffer.indexOf(LF)
      if (lf >= 0) {
        const line = this.#buffer.subarray(0, lf).toString('latin1').replace(/\r$/, '')
        this.#buffer = this.#buffer.subarray(lf + 1)
        return line
      }
      if (this.#error) throw this.#error
      if (this.#buffer.length > MAX_LINE) throw new Error('line too long')
      const left = deadline - Date.now()
      if (left <= 0) throw new Error('timed out waiting for the server')
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left)
        this.#wake = () => {
          clearTimeout(timer)
          resolve()
        }
      })
    }
  }

  /** Stop reading: the socket, and the bytes that came after the last line read. */
  release(): {socket: Socket; pending: Buffer} {
    this.socket.removeAllListeners('data')
    this.socket.removeAllListeners('error')
    this.socket.removeAllListeners('close')
    const pending = this.#buffer
    this.#buffer = Buffer.alloc(0)
    return {socket: this.socket, pending}
  }

  destroy(): void {
    this.socket.destroy()
  }

  #notify(): void {
    const wake = this.#wake
    this.#wake = null
    wake?.()
  }
}
