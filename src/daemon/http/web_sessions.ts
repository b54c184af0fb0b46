import {randomBytes} from 'node:crypto'

/** A web mail session: anonymous until login (it then carries the login form's CSRF token only). */
export interface WebSession {
  readonly id: string
  /** The logged-in user; null for the pre-login session the login form belongs to. */
  readonly user: string | null
  /** Token every state-changing form must echo (double submit, bound to this session). */
  readonly csrf: string
  /** How the user got in, for logs and health counters. */
  readonly via: 'password' | 'certificate' | 'proxy' | null
  readonly createdAt: number
  lastUsed: number
}

/** Pre-login sessions are cheap to make, so a flood of them may only push out other pre-login sessions. */
const MAX_ANONYMOUS = 20_000
const MAX_SESSIONS = 200_000
/** A login form left open longer than this must be reloaded. */
const ANONYMOUS_IDLE_MS = 30 * 60_000
/** However active, a session ends after this long (or the idle timeout, when that is longer). */
const ABSOLUTE_MS = 24 * 3600_000

/** 256 random bits, URL-safe: unguessable and fit for a cookie. */
export const newSecret = (): string => randomBytes(32).toString('base64url')

/**
 * The daemon's web mail sessions (the seed's HTTP session IDs), in memory:
 * they outlive connections and reloads, not restarts. The idle timeout is
 * passed on each lookup because a reload may change it.
 */
export class WebSessionStore {
  readonly #sessions = new Map<string, WebSession>()
  #anonymous = 0

  get size(): number {
    return this.#sessions.size
  }

  get loggedIn(): number {
    return this.#sessions.size - this.#anonymous
  }

  /** A new session; logging in always makes a new one (the id rotates), never upgrades the old. */
  create(user: string | null, via: WebSession['via'], now = Date.now()): WebSession {
    if (user === null && this.#anonymous >= MAX_ANONYMOUS) this.#evictOldest(true)
    if (this.#sessions.size >= MAX_SESSIONS) this.#evictOldest(false)
    const session: WebSession = {id: newSecret(), user, csrf: newSecret(), via, createdAt: now, lastUsed: now}
    this.#sessions.set(session.id, session)
    if (user === null) this.#anonymous++
    return session
  }

  /** The live session with this id, its idle clock restarted; null when unknown, ended or expired. */
  use(id: string | undefined, idleMs: number, now = Date.now()): WebSession | null {
    if (!id) return null
    const session = this.#sessions.get(id)
    if (!session) return null
    if (this.#expired(session, idleMs, now)) {
      this.end(id)
      return null
    }
    session.lastUsed = now
    return session
  }

  end(id: string): void {
    const session = this.#sessions.get(id)
    if (!session) return
    this.#sessions.delete(id)
    if (session.user === null) this.#anonymous--
  }

  /** Drop expired sessions (run now and then; lookups also drop what they find expired). */
  sweep(now: number, idleMs: number): void {
    for (const s of this.#sessions.values()) if (this.#expired(s, idleMs, now)) this.end(s.id)
  }

  #expired(s: WebSession, idleMs: number, now: number): boolean {
    const idle = s.user === null ? Math.min(idleMs, ANONYMOUS_IDLE_MS) : idleMs
    return now - s.lastUsed >= idle || now - s.createdAt >= Math.max(ABSOLUTE_MS, idleMs)
  }

  #evictOldest(anonymousOnly: boolean): void {
    // Map order is creation order, so the first match is the oldest.
    for (const s of this.#sessions.values()) {
      if (anonymousOnly && s.user !== null) continue
      this.end(s.id)
      return
    }
  }
}
