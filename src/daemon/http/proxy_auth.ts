/**
 * Proxy authentication (the seed's "HTTP proxy authentication"): a portal
 * that has logged its user in asks, with a store administrator's
 * credentials, for a web mail session for that user. Only hosts that
 * service.http.proxydomainallowed admits may ask.
 *
 *   POST /proxyauth   user=ADMIN&password=SECRET&proxyauth=USER
 *   → 200 {"user": USER, "handoff": "/handoff?token=…", "expiresIn": 60}
 *
 * The portal sends the user's browser to the handoff address, which works
 * once within a minute and sets the session cookie: the session id itself
 * never appears in a URL, where Referer headers and logs would keep it.
 */
import {evaluateAccessAsync} from '../../core/access/index.js'
import {BodyTooLarge, readForm} from './form_body.js'
import {sendHtml, sendJson, sendText} from './http_response.js'
import {newSecret} from './web_sessions.js'
import type {WebRequest} from './web_request.js'

const HANDOFF_MS = 60_000
const MAX_HANDOFFS = 10_000

/** Handoff tokens waiting for the user's browser: token → user and deadline. */
export class ProxyHandoffs {
  readonly #pending = new Map<string, {user: string; until: number}>()

  issue(user: string, now = Date.now()): string {
    if (this.#pending.size >= MAX_HANDOFFS) {
      for (const [k, v] of this.#pending) if (v.until <= now || this.#pending.size >= MAX_HANDOFFS) this.#pending.delete(k)
    }
    const token = newSecret()
    this.#pending.set(token, {user, until: now + HANDOFF_MS})
    return token
  }

  /** The user a token was issued for; each token works once. */
  redeem(token: string, now = Date.now()): string | null {
    const entry = this.#pending.get(token)
    this.#pending.delete(token)
    return entry && entry.until > now ? entry.user : null
  }
}

export async function routeProxyAuth(r: WebRequest, handoffs: ProxyHandoffs): Promise<boolean> {
  if (r.url.pathname === '/proxyauth') {
    if (r.method !== 'POST') return (sendText(r.res, 405, 'POST user, password and proxyauth', {Allow: 'POST'}), true)
    await proxyAuthenticate(r, handoffs)
    return true
  }
  if (r.url.pathname === '/handoff') {
    const user = handoffs.redeem(r.url.searchParams.get('token') ?? '')
    if (user === null) return (sendText(r.res, 403, 'This sign-in link has expired or was used already; sign in through your portal again.'), true)
    const {cookie} = r.startSession(user, 'proxy')
    r.conn.log(`web mail session for ${user} handed over by proxy authentication`)
    // A page, not a redirect: the cookie is SameSite=Strict and the portal's navigation was cross-site.
    sendHtml(r.res, 200, '<!doctype html><meta charset="utf-8"><meta http-equiv="refresh" content="0;url=/inbox"><title>Signing in</title><a href="/inbox">Continue to your inbox</a>', {'Set-Cookie': cookie})
    return true
  }
  return false
}

async function proxyAuthenticate(r: WebRequest, handoffs: ProxyHandoffs): Promise<void> {
  const refuse = (status: number, why: string, logged: string): void => {
    r.deps.counters.proxyRefused++
    r.conn.log(`proxy authentication refused: ${logged}`)
    sendJson(r.res, status, {error: why})
  }
  const allowed = r.conn.snapshot.httpProxyAllowed
  const decision = allowed
    ? await evaluateAccessAsync(allowed, null, {service: 'http', serverAddress: r.req.socket.localAddress ?? '', clientAddress: r.conn.ip, clientName: () => r.conn.clientName(), identUser: () => 'unknown'})
    : null
  if (!decision || !decision.allowed || decision.matched === undefined) {
    return refuse(403, 'proxy authentication is not allowed from this address (service.http.proxydomainallowed)', `${r.conn.ip} is not admitted by service.http.proxydomainallowed`)
  }
  let form: URLSearchParams
  try {
    form = await readForm(r.req, 16 * 1024)
  } catch (err) {
    if (err instanceof BodyTooLarge) return refuse(413, err.message, err.message)
    throw err
  }
  if (r.passwordRule !== 'allowed') return refuse(403, 'passwords are only accepted over HTTPS here (service.http.plaintextmincipher)', 'password sent without the TLS service.http.plaintextmincipher asks for')
  const admin = (form.get('user') ?? '').trim()
  const password = form.get('password') ?? ''
  const target = (form.get('proxyauth') ?? form.get('proxyuser') ?? '').trim()
  if (!admin || !password || !target) return refuse(400, 'give user, password and proxyauth', 'incomplete request')
  const directory = r.conn.directory
  let adminName: string | null
  let isAdmin = false
  let targetName: string | null = null
  try {
    adminName = await directory.verifyPassword(admin, password)
    if (adminName !== null) {
      isAdmin = (await directory.isStoreAdministrator?.(adminName)) ?? false
      if (isAdmin) targetName = directory.lookupAsync ? await directory.lookupAsync(target) : directory.lookup(target)
    }
  } catch (err) {
    r.conn.log(`proxy authentication unavailable: ${(err as Error).message}`)
    return sendJson(r.res, 503, {error: 'the directory cannot be reached; try again shortly'})
  }
  if (adminName === null) return refuse(401, 'wrong administrator user name or password', `wrong password for ${JSON.stringify(admin)}`)
  if (!isAdmin) return refuse(403, `${adminName} is not a store administrator`, `${adminName} is not a store administrator`)
  if (targetName === null) return refuse(404, `no user ${target}`, `${adminName} asked for unknown user ${JSON.stringify(target)}`)
  r.deps.counters.proxyLogins++
  r.conn.log(`proxy authentication: ${adminName} opened a web mail session for ${targetName}`)
  sendJson(r.res, 200, {user: targetName, handoff: `/handoff?token=${handoffs.issue(targetName)}`, expiresIn: HANDOFF_MS / 1000})
}
