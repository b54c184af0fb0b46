import {createHmac, randomBytes, timingSafeEqual} from 'node:crypto'
import {addScramKeys, findUser, isStoreAdministrator, passwordHashOf, scramKeysOf, verifyPassword} from '../core/auth/index.js'
import type {ScramCredentials, ScramHash} from '../core/auth/sasl/mechanism.js'
import type {Store} from '../core/store/index.js'
import type {Directory} from './session_types.js'

/** How long a successful login is remembered (Dovecot's auth cache does the same). */
const CACHE_TTL_MS = 10 * 60_000
const CACHE_MAX_ENTRIES = 100_000

interface CacheEntry {
  readonly hash: string
  readonly proof: Buffer
  readonly until: number
}

export interface EmbeddedDirectoryOptions {
  /** sasl.default.auto_transition: store SCRAM keys for a user who has none at their next clear-text login. */
  readonly autoTransition?: boolean
  /** One log line per event; never given a password. */
  readonly log?: (line: string) => void
}

/**
 * Users of the store's embedded directory. Read live from the store, so a
 * `msgctl user add` works without a reload. A successful check is cached as
 * an HMAC of the password under a per-process key, bound to the stored hash:
 * clients that log in often (IMAP clients open several connections) cost one
 * scrypt per cache period, and a password change ends the cached entry.
 *
 * Users keep SCRAM keys beside the scrypt hash (set with the password), so
 * SCRAM-SHA-1/256 work without clear-text passwords; users created before
 * that get them through auto_transition.
 */
export class EmbeddedDirectory implements Directory {
  readonly #cacheKey = randomBytes(32)
  readonly #cache = new Map<string, CacheEntry>()

  constructor(
    private readonly store: Store,
    private readonly options: EmbeddedDirectoryOptions = {},
  ) {}

  lookup(user: string): string | null {
    return passwordHashOf(this.store, user)?.name ?? null
  }

  async verifyPassword(user: string, password: string): Promise<string | null> {
    const row = passwordHashOf(this.store, user)
    if (!row) {
      // Same cost as a real check, so timing does not tell which users exist.
      await verifyPassword(password, DUMMY_HASH)
      return null
    }
    const key = row.name.toLowerCase()
    const proof = createHmac('sha256', this.#cacheKey).update(key).update('\0').update(password).digest()
    const hit = this.#cache.get(key)
    if (hit && hit.hash === row.hash && hit.until > Date.now() && timingSafeEqual(hit.proof, proof)) return row.name
    if (!(await verifyPassword(password, row.hash))) return null
    if (this.#cache.size >= CACHE_MAX_ENTRIES) this.#cache.delete(this.#cache.keys().next().value as string)
    this.#cache.set(key, {hash: row.hash, proof, until: Date.now() + CACHE_TTL_MS})
    if (this.options.autoTransition && !row.hasScram) await this.#transition(row.name, password, row.hash)
    return row.name
  }

  async scramCredentials(user: string, hash: ScramHash): Promise<ScramCredentials | null> {
    return scramKeysOf(this.store, user, hash)
  }

  /** Read live, not cached: `msgctl user role NAME user` takes the right away at once. */
  async isStoreAdministrator(user: string): Promise<boolean> {
    return isStoreAdministrator(this.store, user)
  }

  /** Read live, as the role is: `msgctl user add --mail` sets it. */
  async mailAddress(user: string): Promise<string | null> {
    return findUser(this.store, user)?.mail ?? null
  }

  async #transition(name: string, password: string, hash: string): Promise<void> {
    try {
      if (await addScramKeys(this.store, name, password, hash)) this.options.log?.(`embedded directory: auto_transition stored SCRAM keys for ${name}`)
    } catch (err) {
      this.options.log?.(`embedded directory: auto_transition could not store SCRAM keys for ${name}: ${(err as Error).message}`)
    }
  }
}

/** A valid hash of a random password, for unknown users. */
const DUMMY_HASH = `$scrypt$ln=15,r=8,p=1$${randomBytes(16).toString('base64')}$${randomBytes(32).toString('base64')}`
