import type {Directory} from './session_types.js'

/** Delay before the next password check after n recent failures: 0, 0, 1 s, 2 s, 4 s, ... up to 30 s. */
export function throttleDelayMs(failures: number): number {
  if (failures < 2) return 0
  return Math.min(30_000, 1000 * 2 ** (failures - 2))
}

/** Failures older than this are forgotten. */
const WINDOW_MS = 15 * 60_000
const MAX_KEYS = 100_000

interface Record {
  count: number
  last: number
}

/**
 * Failed logins counted per client address and per user name, across all
 * connections and protocols: a guesser who opens a new connection for each
 * try, or spreads tries over many addresses for one user, still slows down.
 * (The sessions' own fixed delay on each failure stays on top of this.)
 */
export class AuthThrottle {
  readonly #failures = new Map<string, Record>()

  constructor(
    private readonly now: () => number = Date.now,
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
  ) {}

  failuresOf(key: string): number {
    const r = this.#failures.get(key)
    if (!r || this.now() - r.last > WINDOW_MS) return 0
    return r.count
  }

  /** Wait as long as the worse of the address's and the user's record asks. */
  async wait(address: string, user: string): Promise<void> {
    const ms = throttleDelayMs(Math.max(this.failuresOf(`a:${address}`), this.failuresOf(`u:${user.toLowerCase()}`)))
    if (ms > 0) await this.sleep(ms)
  }

  fail(address: string, user: string): void {
    for (const key of [`a:${address}`, `u:${user.toLowerCase()}`]) {
      if (this.#failures.size >= MAX_KEYS) this.#prune()
      this.#failures.set(key, {count: this.failuresOf(key) + 1, last: this.now()})
    }
  }

  succeed(address: string, user: string): void {
    this.#failures.delete(`a:${address}`)
    this.#failures.delete(`u:${user.toLowerCase()}`)
  }

  #prune(): void {
    const now = this.now()
    for (const [k, r] of this.#failures) if (now - r.last > WINDOW_MS) this.#failures.delete(k)
    if (this.#failures.size >= MAX_KEYS) this.#failures.clear()
  }
}

/** The directory as one connection sees it: password checks go through the throttle. */
export function throttledDirectory(directory: Directory, throttle: AuthThrottle, address: string): Directory {
  return {
    lookup: (user) => directory.lookup(user),
    ...(directory.lookupAsync ? {lookupAsync: (user: string) => directory.lookupAsync!(user)} : {}),
    ...(directory.cleartextPassword ? {cleartextPassword: (user: string) => directory.cleartextPassword!(user)} : {}),
    ...(directory.mapCertificate ? {mapCertificate: (der: Buffer) => directory.mapCertificate!(der)} : {}),
    ...(directory.scramCredentials ? {scramCredentials: directory.scramCredentials.bind(directory)} : {}),
    async verifyPassword(user, password) {
      await throttle.wait(address, user)
      const name = await directory.verifyPassword(user, password)
      if (name === null) throttle.fail(address, user)
      else throttle.succeed(address, user)
      return name
    },
  }
}
