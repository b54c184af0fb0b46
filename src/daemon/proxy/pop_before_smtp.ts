/**
 * POP before SMTP at the proxy (the seed's PreAuth and AuthServiceTTL): a POP
 * login through the proxy lets that client address relay through its SMTP
 * service for a while. Kept in memory, as the seed's multiplexor does.
 */
const MAX_ADDRESSES = 100_000

export class PopBeforeSmtp {
  /** Client address → when its relay right ends (ms). */
  readonly #until = new Map<string, number>()

  constructor(private readonly now: () => number = Date.now) {}

  remember(address: string, windowMs: number): void {
    if (windowMs <= 0) return
    if (this.#until.size >= MAX_ADDRESSES) this.#sweep()
    this.#until.set(address, this.now() + windowMs)
  }

  mayRelay(address: string): boolean {
    const until = this.#until.get(address)
    if (until === undefined) return false
    if (until > this.now()) return true
    this.#until.delete(address)
    return false
  }

  #sweep(): void {
    const now = this.now()
    for (const [address, until] of this.#until) if (until <= now) this.#until.delete(address)
  }
}
