/**
 * A line-protocol session's stop (POP3, SMTP): say goodbye at once when no
 * command runs, else right after the command in flight ends, so a stop
 * never cuts a command (a DATA transfer, a RETR) in half.
 */
export class GracefulShutdown {
  #requested = false
  #inFlight = false

  constructor(private readonly goodbye: () => void) {}

  request(): void {
    this.#requested = true
    if (!this.#inFlight) this.goodbye()
  }

  /** Wrap one command's result; a requested stop follows it. */
  run(result: Promise<void> | void): Promise<void> | void {
    if (result === undefined) return this.#after()
    this.#inFlight = true
    return result.finally(() => {
      this.#inFlight = false
      this.#after()
    })
  }

  #after(): void {
    if (this.#requested) this.goodbye()
  }
}
