import {lookup, lookupService} from 'node:dns/promises'

/** Bounded so a slow resolver cannot hold a client before its greeting for long. */
const LOOKUP_TIMEOUT_MS = 3_000
const CACHE_TTL_MS = 5 * 60_000
const CACHE_MAX = 10_000

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('timed out')), ms)
    t.unref()
    p.then(
      (v) => (clearTimeout(t), resolve(v)),
      (e) => (clearTimeout(t), reject(e)),
    )
  })
}

/**
 * Verified host names for client access filters, as tcp_wrappers finds them:
 * reverse lookup through the system resolver (getnameinfo, so /etc/hosts
 * counts), then a forward lookup that must lead back to the address. No name
 * gives `unknown`; a numeric name, or one that does not lead back, gives
 * `paranoid` (the seed's DNSSPOOFER). Answers are cached for a few minutes, failures too.
 */
export class ClientNameResolver {
  readonly #cache = new Map<string, {name: string; until: number}>()

  async nameOf(address: string): Promise<string> {
    const hit = this.#cache.get(address)
    if (hit && hit.until > Date.now()) return hit.name
    const name = await this.#resolve(address)
    if (this.#cache.size >= CACHE_MAX) this.#cache.delete(this.#cache.keys().next().value as string)
    this.#cache.set(address, {name, until: Date.now() + CACHE_TTL_MS})
    return name
  }

  async #resolve(address: string): Promise<string> {
    let host: string
    try {
      host = (await withTimeout(lookupService(address, 0), LOOKUP_TIMEOUT_MS)).hostname
    } catch {
      return 'unknown'
    }
    if (!host) return 'unknown'
    // A numeric "name" (a PTR record holding an address) is a spoofing attempt to tcp_wrappers too.
    if (/^[\d.]+$/.test(host) || host.includes(':')) return 'paranoid'
    try {
      const forward = await withTimeout(lookup(host, {all: true}), LOOKUP_TIMEOUT_MS)
      if (!forward.some((a) => a.address === address)) return 'paranoid'
    } catch {
      return 'paranoid'
    }
    return host.toLowerCase()
  }
}
