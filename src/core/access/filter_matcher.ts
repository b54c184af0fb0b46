import {matchHost, type HostEndpoint} from './host_pattern.js'
import {toEndpointAddress, type EndpointAddress} from './ip_address.js'
import type {AccessDecision, AccessRequest, AsyncAccessRequest, ClientPattern, FilterRule, FilterSet, PatternList, ServicePattern} from './types.js'
import {matchUser} from './user_pattern.js'

/**
 * Evaluation of parsed filters against one connection, as hosts_access does
 * it. Works directly on the plain parse tree: patterns are already numbers
 * and lower-case strings, so there is no separate compile step.
 *
 * Lookups. Host names and the ident user cost I/O, and hosts_access only
 * asks for them when a pattern that needs them is reached (the service list
 * is checked before the client list, the host part of `user@host` before the
 * user). Two ways in:
 *  - evaluateAccess / evaluateCompact take synchronous getters; use them when
 *    the values are at hand (tests, a tcpdmatch-like tool, a cache).
 *  - evaluateAccessAsync / evaluateCompactAsync take getters that may return
 *    promises and call each one only when evaluation reaches a pattern that
 *    needs it. The daemon should use these. Internally, evaluation runs
 *    synchronously; when it reaches a value not yet fetched it stops, the
 *    value is awaited, and evaluation restarts (at most three restarts, one
 *    per lookup, each a pure re-run over in-memory data).
 */

/** Which lookup a paused evaluation is waiting for. */
type LookupName = 'clientName' | 'serverName' | 'identUser'

/** Thrown (not an Error: no stack to capture) when an async value is not fetched yet. */
class PendingLookup {
  constructor(readonly lookup: LookupName) {}
}
const PENDING: Readonly<Record<LookupName, PendingLookup>> = {
  clientName: new PendingLookup('clientName'),
  serverName: new PendingLookup('serverName'),
  identUser: new PendingLookup('identUser'),
}

/** An endpoint whose name is looked up at most once, on first use. */
class Endpoint implements HostEndpoint {
  private cached: string | null = null
  constructor(
    readonly address: EndpointAddress,
    private readonly lookup: () => string,
  ) {}

  name(): string {
    if (this.cached === null) this.cached = normaliseName(this.lookup())
    return this.cached
  }
}

/** Lower-case, without the root dot; an empty answer counts as `unknown`. */
function normaliseName(name: string): string {
  const n = name.trim().toLowerCase()
  if (n === '') return 'unknown'
  return n.length > 1 && n.endsWith('.') ? n.slice(0, -1) : n
}

/** Everything a rule is matched against, for one evaluation. */
class Connection {
  readonly service: string
  readonly server: Endpoint
  readonly client: Endpoint
  private readonly identLookup: () => string
  private cachedUser: string | null = null

  constructor(
    service: string,
    serverAddress: string,
    clientAddress: string,
    lookup: (what: LookupName) => string,
  ) {
    this.service = service.trim().toLowerCase()
    this.server = new Endpoint(toEndpointAddress(serverAddress), () => lookup('serverName'))
    this.client = new Endpoint(toEndpointAddress(clientAddress), () => lookup('clientName'))
    this.identLookup = () => lookup('identUser')
  }

  user(): string {
    if (this.cachedUser === null) this.cachedUser = this.identLookup().trim().toLowerCase() || 'unknown'
    return this.cachedUser
  }
}

function listMatches<T>(list: PatternList<T>, conn: Connection, one: (item: T, conn: Connection) => boolean): boolean {
  for (const item of list.include) {
    if (one(item, conn)) return list.except === null || !listMatches(list.except, conn, one)
  }
  return false
}

function serviceMatches(p: ServicePattern, conn: Connection): boolean {
  if (p.service !== 'all' && p.service !== conn.service) return false
  return p.host === null || matchHost(p.host, conn.server)
}

/**
 * Host before user, so ident is only asked for when the host already
 * matched; `ALL@host` needs no ident answer at all.
 */
function clientMatches(p: ClientPattern, conn: Connection): boolean {
  if (!matchHost(p.host, conn.client)) return false
  return p.user === null || p.user.kind === 'all' || matchUser(p.user, conn.user())
}

function ruleMatches(rule: FilterRule, conn: Connection): boolean {
  return listMatches(rule.services, conn, serviceMatches) && listMatches(rule.clients, conn, clientMatches)
}

/**
 * hosts_access: the first matching allow rule grants, else the first matching
 * deny rule denies, else access is granted. A rule carrying its own sign
 * (`+`/`-`) in either table acts by that sign.
 */
function decideTables(allow: FilterSet | null, deny: FilterSet | null, conn: Connection): AccessDecision {
  if (allow !== null) {
    for (let i = 0; i < allow.rules.length; i++) {
      const rule = allow.rules[i] as FilterRule
      if (ruleMatches(rule, conn)) return {allowed: rule.action !== 'deny', matched: {table: 'allow', rule: i}}
    }
  }
  if (deny !== null) {
    for (let i = 0; i < deny.rules.length; i++) {
      const rule = deny.rules[i] as FilterRule
      if (ruleMatches(rule, conn)) return {allowed: rule.action === 'allow', matched: {table: 'deny', rule: i}}
    }
  }
  return {allowed: true}
}

/**
 * Sun's rule for mailAllowedServiceAccess / mailDomainAllowedServiceAccess:
 * allow rules (`+`, or no sign) are tried first, then deny rules (`-`); no
 * match grants, except that a set with allow rules and no deny rules denies.
 */
function decideCompact(set: FilterSet | null, conn: Connection): AccessDecision {
  if (set === null) return {allowed: true}
  let hasAllow = false
  let hasDeny = false
  for (let i = 0; i < set.rules.length; i++) {
    const rule = set.rules[i] as FilterRule
    if (rule.action === 'deny') {
      hasDeny = true
      continue
    }
    hasAllow = true
    if (ruleMatches(rule, conn)) return {allowed: true, matched: {table: 'allow', rule: i}}
  }
  for (let i = 0; i < set.rules.length; i++) {
    const rule = set.rules[i] as FilterRule
    if (rule.action === 'deny' && ruleMatches(rule, conn)) return {allowed: false, matched: {table: 'deny', rule: i}}
  }
  return {allowed: !(hasAllow && !hasDeny)}
}

function syncConnection(req: AccessRequest): Connection {
  return new Connection(req.service, req.serverAddress, req.clientAddress, (what) => {
    if (what === 'clientName') return req.clientName()
    if (what === 'identUser') return req.identUser()
    return req.serverName === undefined ? 'unknown' : req.serverName()
  })
}

/** Allow table, then deny table, then grant (service.X.domainallowed / domainnotallowed). */
export function evaluateAccess(allow: FilterSet | null, deny: FilterSet | null, request: AccessRequest): AccessDecision {
  return decideTables(allow, deny, syncConnection(request))
}

/** The compact `+svc:clients$-svc:clients` form of the LDAP attributes. */
export function evaluateCompact(set: FilterSet | null, request: AccessRequest): AccessDecision {
  return decideCompact(set, syncConnection(request))
}

async function withLookups(request: AsyncAccessRequest, decide: (conn: Connection) => AccessDecision): Promise<AccessDecision> {
  const fetched: Partial<Record<LookupName, string>> = {}
  const conn = new Connection(request.service, request.serverAddress, request.clientAddress, (what) => {
    const value = fetched[what]
    if (value === undefined) throw PENDING[what]
    return value
  })
  for (;;) {
    try {
      return decide(conn)
    } catch (pause) {
      if (!(pause instanceof PendingLookup)) throw pause
      const what = pause.lookup
      if (what === 'clientName') fetched.clientName = await request.clientName()
      else if (what === 'identUser') fetched.identUser = await request.identUser()
      else fetched.serverName = request.serverName === undefined ? 'unknown' : await request.serverName()
    }
  }
}

/** evaluateAccess with lookups fetched only when evaluation needs them. */
export function evaluateAccessAsync(allow: FilterSet | null, deny: FilterSet | null, request: AsyncAccessRequest): Promise<AccessDecision> {
  return withLookups(request, (conn) => decideTables(allow, deny, conn))
}

/** evaluateCompact with lookups fetched only when evaluation needs them. */
export function evaluateCompactAsync(set: FilterSet | null, request: AsyncAccessRequest): Promise<AccessDecision> {
  return withLookups(request, (conn) => decideCompact(set, conn))
}
