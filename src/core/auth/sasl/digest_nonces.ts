/**
 * DIGEST-MD5 nonces are single use (RFC 2831 §2.1.2): a response naming a
 * nonce already answered is a replay. Entries expire after `ttlMs`; the
 * mechanism refuses answers to challenges older than that, so a forgotten
 * nonce can never be accepted again.
 */
export class NonceRegistry {
  private readonly used = new Map<string, number>()

  constructor(
    readonly ttlMs = 10 * 60_000,
    private readonly maxEntries = 100_000,
  ) {}

  /** True the first time a nonce is claimed within its lifetime; false for a replay. */
  claim(nonce: string, now = Date.now()): boolean {
    this.prune(now)
    if (this.used.has(nonce)) return false
    // A flood of attempts must not grow memory without bound: drop the oldest (Map keeps insertion order).
    if (this.used.size >= this.maxEntries) {
      const oldest = this.used.keys().next()
      if (!oldest.done) this.used.delete(oldest.value)
    }
    this.used.set(nonce, now + this.ttlMs)
    return true
  }

  get size(): number {
    return this.used.size
  }

  private prune(now: number): void {
    for (const [nonce, expires] of this.used) {
      if (expires > now) break // insertion order = expiry order
      this.used.delete(nonce)
    }
  }
}

/** The one registry every DIGEST-MD5 attempt in this process shares. */
export const usedDigestNonces = new NonceRegistry()
