import {createWriteStream, type WriteStream} from 'node:fs'

/** Timestamped log lines, to the log file (detached) or stderr (--foreground). */
export class Logger {
  readonly #out: NodeJS.WritableStream
  readonly #file: WriteStream | null

  private constructor(out: NodeJS.WritableStream, file: WriteStream | null) {
    this.#out = out
    this.#file = file
  }

  static toStderr(): Logger {
    return new Logger(process.stderr, null)
  }

  static toFile(path: string): Logger {
    const file = createWriteStream(path, {flags: 'a', mode: 0o600})
    return new Logger(file, file)
  }

  /** One line; control characters from clients are escaped so a line stays one line. */
  line(message: string): void {
    const safe = message.replace(/[\x00-\x08\x0a-\x1f\x7f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`)
    this.#out.write(`${new Date().toISOString()} ${safe}\n`)
  }

  close(): Promise<void> {
    return new Promise((resolve) => (this.#file ? this.#file.end(resolve) : resolve()))
  }
}
