import {timingSafeEqual} from 'node:crypto'
import type {IncomingMessage, ServerResponse} from 'node:http'
import {plaintextAllowed} from '../../core/auth/sasl/index.js'
import type {MailStore} from '../mailstore/types.js'
import type {OutboundQueue} from '../session_types.js'
import {clearedSessionCookie, parseCookies, sessionCookie, sessionCookieName} from './cookies.js'
import type {HttpConnection} from './http_connection.js'
import type {HttpCounters} from './http_counters.js'
import type {WebSession, WebSessionStore} from './web_sessions.js'

/** What the daemon gives the HTTP service, for all connections. */
export interface HttpDeps {
  readonly mail: MailStore
  readonly outbound: OutboundQueue | null
  readonly sessions: WebSessionStore
  readonly counters: HttpCounters
  /** The daemon's state for /health. */
  readonly health: () => Record<string, unknown>
  readonly log: (line: string) => void
}

/** How passwords may be sent on this connection (service.http.plaintextmincipher). */
export type PasswordRule = 'allowed' | 'needs-https' | 'never'

/** One request with its connection, session and the helpers routes share. */
export class WebRequest {
  readonly url: URL
  #session: WebSession | null | undefined

  constructor(
    readonly req: IncomingMessage,
    readonly res: ServerResponse,
    readonly conn: HttpConnection,
    readonly deps: HttpDeps,
  ) {
    // The Host header only names the page; it never decides anything.
    this.url = new URL(req.url ?? '/', 'http://localhost')
  }

  get method(): string {
    return this.req.method ?? 'GET'
  }

  /** service.http.sessiontimeout, from the snapshot this connection began with. */
  get idleMs(): number {
    return Number(this.conn.snapshot.get('service.http.sessiontimeout')) * 1000
  }

  /** The session the request's cookie names, when it is live; its idle clock restarts. */
  get session(): WebSession | null {
    if (this.#session === undefined) {
      const id = parseCookies(this.req.headers.cookie).get(sessionCookieName(this.conn.secure))
      this.#session = this.deps.sessions.use(id, this.idleMs)
    }
    return this.#session
  }

  /** The logged-in user's session, or null. */
  get userSession(): (WebSession & {user: string}) | null {
    const s = this.session
    return s && s.user !== null ? (s as WebSession & {user: string}) : null
  }

  /** A new session replaces the request's one (login rotates the id); returns the Set-Cookie value. */
  startSession(user: string | null, via: WebSession['via']): {session: WebSession; cookie: string} {
    const old = this.session
    if (old) this.deps.sessions.end(old.id)
    const session = this.deps.sessions.create(user, via)
    this.#session = session
    return {session, cookie: sessionCookie(session.id, this.conn.secure)}
  }

  endSession(): string {
    const s = this.session
    if (s) this.deps.sessions.end(s.id)
    this.#session = null
    return clearedSessionCookie(this.conn.secure)
  }

  /**
   * A state-changing form must carry its session's token, and a browser that
   * names the page's origin must name ours: a page elsewhere can make the
   * browser post here, but can neither read the token nor hide where it is.
   */
  csrfOk(form: URLSearchParams): boolean {
    const s = this.session
    const given = form.get('csrf') ?? ''
    const origin = this.req.headers.origin
    if (origin !== undefined && origin !== 'null' && !this.#sameOrigin(origin)) return false
    if (!s || given.length !== s.csrf.length) return false
    return timingSafeEqual(Buffer.from(given), Buffer.from(s.csrf))
  }

  #sameOrigin(origin: string): boolean {
    try {
      const o = new URL(origin)
      return o.host.toLowerCase() === (this.req.headers.host ?? '').toLowerCase() && o.protocol === (this.conn.secure ? 'https:' : 'http:')
    } catch {
      return false
    }
  }

  get passwordRule(): PasswordRule {
    const rule = Number(this.conn.snapshot.get('service.http.plaintextmincipher'))
    if (plaintextAllowed(rule, this.conn.secure ? this.conn.tlsBits ?? 0 : null)) return 'allowed'
    return rule < 0 ? 'never' : 'needs-https'
  }

  /** The same page on the HTTPS port, when one is open; null otherwise. */
  httpsUrl(path: string): string | null {
    const https = this.conn.snapshot.listeners.find((l) => l.service === 'http' && l.implicitTls)
    if (!https) return null
    const host = /^\[[0-9a-f:.]+\]|^[a-z0-9.-]+/i.exec(this.req.headers.host ?? '')?.[0] ?? this.conn.snapshot.hostname
    return `https://${host}${https.port === 443 ? '' : `:${https.port}`}${path}`
  }
}
