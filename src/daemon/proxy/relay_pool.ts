/**
 * The back-end SMTP relays and what the proxy knows of their health: used
 * round robin; one that fails (no answer within FailoverTimeout, refused, or
 * a temporary failure mid-transaction) is avoided for a while. When every
 * relay is avoided they are still tried, soonest-back first, rather than
 * refusing all mail for minutes after one bad moment.
 */
import type {Relay} from './proxy_config.js'

export interface RelayStatus {
  readonly relay: string
  readonly state: 'up' | 'avoided'
  /** ISO time the avoidance ends, while avoided. */
  readonly avoidedUntil: string | null
  /** Messages the relay accepted through this proxy (its 250 after DATA). */
  readonly messages: number
  readonly lastError: string | null
  readonly lastErrorAt: string | null
}

interface Health {
  avoidedUntil: number
  messages: number
  lastError: string | null
  lastErrorAt: number
  /** EHLO keywords the relay offered last time (upper case), null before the first connection. */
  keywords: ReadonlyMap<string, string> | null
}

export class RelayPool {
  #relays: readonly Relay[] = []
  readonly #health = new Map<string, Health>()
  #next = 0

  constructor(
    relays: readonly Relay[],
    private readonly log: (line: string) => void,
    private readonly now: () => number = Date.now,
  ) {
    this.update(relays)
  }

  /** A reload's list; relays that stay keep their health and counters. */
  update(relays: readonly Relay[]): void {
    this.#relays = relays
    for (const r of relays) if (!this.#health.has(r.key)) this.#health.set(r.key, {avoidedUntil: 0, messages: 0, lastError: null, lastErrorAt: 0, keywords: null})
    for (const key of [...this.#health.keys()]) if (!relays.some((r) => r.key === key)) this.#health.delete(key)
  }

  /** The relays to try for a new connection, in order: the next ones round robin, avoided ones last. */
  candidates(): Relay[] {
    const n = this.#relays.length
    if (n === 0) return []
    const start = this.#next++ % n
    const rotated = [...this.#relays.slice(start), ...this.#relays.slice(0, start)]
    const now = this.now()
    const until = (r: Relay) => this.#health.get(r.key)?.avoidedUntil ?? 0
    const healthy = rotated.filter((r) => until(r) <= now)
    const avoided = rotated.filter((r) => until(r) > now).sort((a, b) => until(a) - until(b))
    return [...healthy, ...avoided]
  }

  /** The relay answered and took the proxy's word: it is healthy again. */
  reached(relay: Relay, keywords: ReadonlyMap<string, string>): void {
    const h = this.#health.get(relay.key)
    if (!h) return
    if (h.avoidedUntil > this.now()) this.log(`proxy: relay ${relay.key} answers again`)
    h.avoidedUntil = 0
    h.keywords = keywords
  }

  delivered(relay: Relay): void {
    const h = this.#health.get(relay.key)
    if (h) h.messages++
  }

  /** Avoid the relay for `avoidMs` and remember why. */
  failed(relay: Relay, error: string, avoidMs: number): void {
    const h = this.#health.get(relay.key)
    if (!h) return
    const now = this.now()
    h.avoidedUntil = now + avoidMs
    h.lastError = error
    h.lastErrorAt = now
    this.log(`proxy: relay ${relay.key} failed (${error}); avoided until ${new Date(h.avoidedUntil).toISOString()}`)
  }

  /** EHLO keywords (with parameters) every relay reached so far offered the last time; none known yet: empty. */
  commonKeywords(): ReadonlyMap<string, string> {
    let common: Map<string, string> | null = null
    for (const r of this.#relays) {
      const k = this.#health.get(r.key)?.keywords
      if (!k) continue
      if (common === null) common = new Map(k)
      else for (const w of [...common.keys()]) if (!k.has(w)) common.delete(w)
    }
    return common ?? new Map<string, string>()
  }

  status(): RelayStatus[] {
    const now = this.now()
    return this.#relays.map((r) => {
      const h = this.#health.get(r.key)!
      const avoided = h.avoidedUntil > now
      return {
        relay: r.key,
        state: avoided ? 'avoided' : 'up',
        avoidedUntil: avoided ? new Date(h.avoidedUntil).toISOString() : null,
        messages: h.messages,
        lastError: h.lastError,
        lastErrorAt: h.lastError === null ? null : new Date(h.lastErrorAt).toISOString(),
      }
    })
  }
}
