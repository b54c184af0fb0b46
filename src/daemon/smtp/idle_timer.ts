/** Fires once after a period without input; every touch() restarts the period. 0 ms = never. */
export class IdleTimer {
  #timer: NodeJS.Timeout | null = null

  constructor(
    private readonly ms: number,
    private readonly onIdle: () => void,
  ) {}

  touch(): void {
    if (this.ms <= 0) return
    if (this.#timer) {
      this.#timer.refresh()
      return
    }
    this.#timer = setTimeout(() => {
      this.#timer = null
      this.onIdle()
    }, this.ms)
    // The socket keeps the process alive, not the timer.
    this.#timer.unref()
  }

  cancel(): void {
    if (this.#timer) clearTimeout(this.#timer)
    this.#timer = null
  }
}
