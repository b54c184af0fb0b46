import type {ScramHash} from '../core/auth/sasl/mechanism.js'
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

  /** Wait as long as the worse of the address's and the user's record asks (user null: the address alone). */
  async wait(address: string, user: string | null): Promise<void> {
    const ms = throttleDelayMs(Math.max(this.failuresOf(`a:${address}`), user === null ? 0 : this.failuresOf(`u:${user.toLowerCase()}`)))
    if (ms > 0) await this.sleep(ms)
  }

  fail(address: string, user: string | null): void {
    for (const key of user === null ? [`a:${address}`] : [`a:${address}`, `u:${user.toLowerCase()}`]) {
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

/**
 * One connection's logins through the throttle. Password checks are judged
 * by the directory, so the wrapped verifyPassword waits and records itself.
 * Challenge-response mechanisms (CRAM-MD5, DIGEST-MD5, SCRAM, APOP) and
 * EXTERNAL only fetch a secret or a mapping and judge the proof later: the
 * wrapper waits before the fetch and remembers who was asked about, and the
 * session reports the verdict with succeeded() or failed().
 */
export class LoginGuard {
  /** The user (null: none, as for EXTERNAL) of a challenge-response attempt awaiting its verdict. */
  #pending: {user: string | null} | null = null

  constructor(
    private readonly throttle: AuthThrottle,
    private readonly address: string,
  ) {}

  wrap(directory: Directory): Directory {
    const before = async (user: string | null): Promise<void> => {
      this.#pending = {user}
      await this.throttle.wait(this.address, user)
    }
    return {
      lookup: (user) => directory.lookup(user),
      ...(directory.lookupAsync ? {lookupAsync: (user: string) => directory.lookupAsync!(user)} : {}),
      ...(directory.cleartextPassword ? {cleartextPassword: async (user: string) => (await before(user), directory.cleartextPassword!(user))} : {}),
      ...(directory.scramCredentials ? {scramCredentials: async (user: string, hash: ScramHash) => (await before(user), directory.scramCredentials!(user, hash))} : {}),
      ...(directory.mapCertificate ? {mapCertificate: async (der: Buffer) => (await before(null), directory.mapCertificate!(der))} : {}),
      ...(directory.isStoreAdministrator ? {isStoreAdministrator: (user: string) => directory.isStoreAdministrator!(user)} : {}),
      ...(directory.mailAddress ? {mailAddress: (user: string) => directory.mailAddress!(user)} : {}),
      verifyPassword: async (user, password) => {
        this.#pending = null
        await this.throttle.wait(this.address, user)
        const name = await directory.verifyPassword(user, password)
        if (name === null) this.throttle.fail(this.address, user)
        else this.throttle.succeed(this.address, user)
        return name
      },
    }
  }

  succeeded(user: string): void {
    this.#pending = null
    this.throttle.succeed(this.address, user)
  }

  /** A login failed; counted here unless the password check already counted it. */
  failed(): void {
    const pending = this.#pending
    this.#pending = null
    if (pending) this.throttle.fail(this.address, pending.user)
  }
}
