import {createHmac, randomBytes} from 'node:crypto'
import {isIP} from 'node:net'
import type {Client, ClientOptions, Entry} from 'ldapts'
import {checkFilterTemplate, domainFilter, escapeFilterValue, expandFilterTemplate, splitLogin, type LoginParts} from '../core/auth/ldap_filter.js'
import {cleartextOf, hashSsha512, parseStoredPassword, verifyUserPassword} from '../core/auth/password_schemes.js'
import type {CertmapCandidate, CertmapQuery} from '../core/auth/certmap/index.js'
import type {CertmapSearch} from './certificate_login/index.js'
import type {Directory} from './session_types.js'

/**
 * Users of an LDAP directory (the classic `local.ugldap*` and
 * `sasl.default.ldap.*` settings), through ldapts.
 *
 * A login is found with the service identity (local.ugldapbinddn, or
 * anonymous): with searchfordomain=1 the domain entry first (sunPreferredDomain
 * or associatedDomain under the base DN; its inetDomainBaseDN and
 * inetDomainSearchFilter, when present, say where and how to look for users),
 * then the user beneath it with the search filter. Exactly one entry must
 * match. The password is checked by binding as that entry (the directory
 * applies its own hashes and policies), or, when the directory hands out
 * passwords (has_plain_passwords) or compare mode is asked for, by reading
 * userPassword with the service identity and checking it here.
 *
 * With sasl.default.auto_transition, a successful clear-text login also
 * stores the password again, with the service identity, in the scheme the
 * daemon can use from then on: as clear text when has_plain_passwords is on
 * (the directory then applies its own storage scheme, which the seed has set
 * to clear text, and CRAM-MD5, DIGEST-MD5 and APOP start working), else as
 * {SSHA512}. A value already in that form is left alone.
 *
 * Hosts are tried in order; one that fails to connect is skipped for a while
 * so every login does not wait for its timeout. Answers are cached briefly:
 * a success bound to an HMAC of the password (so a changed password ends it),
 * a failure for less time (so a fixed typo or a new user is not held up long).
 */

/** Options the daemon decides, not the stored configuration. */
export interface LdapDirectoryOptions {
  /** CA certificates (PEM) to trust for LDAPS; the daemon passes the store's trusted CAs. Empty: Node's default roots. */
  readonly caCertificates?: readonly string[]
  /** One log line per event; never given a password. */
  readonly log?: (line: string) => void
  /** 'bind' (default) checks passwords by binding as the user; 'compare' reads userPassword. has_plain_passwords forces compare. */
  readonly passwordCheck?: 'bind' | 'compare'
  /** Domain for logins without `@domain` (searchfordomain=1); without one they are searched under the base DN. */
  readonly defaultDomain?: string
  readonly positiveTtlMs?: number
  readonly negativeTtlMs?: number
  readonly cacheMaxEntries?: number
  readonly connectTimeoutMs?: number
  readonly operationTimeoutMs?: number
  /** How long a host that failed is tried only after the others. */
  readonly deadHostRetryMs?: number
}

/** A setting that makes the LDAP directory unusable; the message says what to change. */
export class LdapConfigError extends Error {
  override readonly name = 'LdapConfigError'
}

interface FoundUser {
  readonly dn: string
  /** Canonical user name handed to sessions. */
  readonly name: string
  /** userPassword values, read only in compare mode. */
  readonly passwords: readonly Buffer[] | null
  /** The entry's first mail value. */
  readonly mail: string | null
}

interface DomainEntry {
  readonly dn: string
  /** Where its users live. */
  readonly userBase: string
  /** Its own inetDomainSearchFilter, already checked; null = the default. */
  readonly filter: string | null
  /** The name used in canonical user names. */
  readonly name: string
}

/** A size-bounded map whose entries expire; the oldest insertion goes first when full. */
class ExpiringCache<V> {
  readonly #map = new Map<string, {value: V; until: number}>()
  constructor(private readonly maxEntries: number) {}

  get(key: string): V | undefined {
    const hit = this.#map.get(key)
    if (!hit) return undefined
    if (hit.until <= Date.now()) {
      this.#map.delete(key)
      return undefined
    }
    return hit.value
  }

  delete(key: string): void {
    this.#map.delete(key)
  }

  set(key: string, value: V, ttlMs: number): void {
    if (ttlMs <= 0) return
    this.#map.delete(key)
    if (this.#map.size >= this.maxEntries) this.#map.delete(this.#map.keys().next().value as string)
    this.#map.set(key, {value, until: Date.now() + ttlMs})
  }

  clear(): void {
    this.#map.clear()
  }
}

type Ldapts = typeof import('ldapts')
/** ldapts is loaded on first use, so processes that never talk LDAP do not pay for it. */
let ldaptsModule: Promise<Ldapts> | null = null
const loadLdapts = (): Promise<Ldapts> => (ldaptsModule ??= import('ldapts'))

/** An LDAP result code from the server (it answered), as opposed to a transport failure (try another host). */
function ldapResultCode(err: unknown): number | null {
  const code = (err as {code?: unknown} | null)?.code
  return typeof code === 'number' ? code : null
}
const INVALID_CREDENTIALS = 49
const NO_SUCH_OBJECT = 32
/** How long a store administrator answer (either way) stands: a group change takes effect within a minute. */
const ADMIN_TTL_MS = 60_000

const describe = (err: unknown): string => (err instanceof Error ? err.message.split('\n')[0]! : String(err))

function parseBool(value: string | undefined): boolean {
  return /^(yes|on|true|1)$/i.test((value ?? '').trim())
}

function firstString(entry: Entry, attribute: string): string | null {
  const key = Object.keys(entry).find((k) => k.toLowerCase() === attribute.toLowerCase())
  if (!key) return null
  const v = entry[key]
  const first = Array.isArray(v) ? v[0] : v
  if (first === undefined) return null
  return typeof first === 'string' ? first : first.toString('utf8')
}

function allBuffers(entry: Entry, attribute: string): Buffer[] {
  const key = Object.keys(entry).find((k) => k.toLowerCase() === attribute.toLowerCase())
  if (!key) return []
  const v = entry[key]!
  return (Array.isArray(v) ? v : [v]).map((x) => (typeof x === 'string' ? Buffer.from(x, 'utf8') : x))
}

/** Parse `host[:port]`, `[v6]:port`, or a full ldap(s):// URL into a URL. */
function hostUrl(spec: string, defaultPort: number, ssl: boolean): string {
  if (/^ldaps?:\/\//i.test(spec)) return spec
  const scheme = ssl ? 'ldaps' : 'ldap'
  const v6 = /^\[([^\]]+)\](?::(\d+))?$/.exec(spec)
  if (v6) return `${scheme}://[${v6[1]}]:${v6[2] ?? defaultPort}`
  if (isIP(spec) === 6) return `${scheme}://[${spec}]:${defaultPort}`
  const m = /^([^:\s]+)(?::(\d+))?$/.exec(spec)
  if (!m) throw new LdapConfigError(`local.ugldaphost entry "${spec}" is not host or host:port.`)
  const port = m[2] === undefined ? defaultPort : Number(m[2])
  if (!(port > 0 && port < 65536)) throw new LdapConfigError(`local.ugldaphost entry "${spec}" has a port outside 1-65535.`)
  return `${scheme}://${m[1]}:${port}`
}

export class LdapDirectory implements Directory, CertmapSearch {
  readonly #urls: readonly string[]
  readonly #baseDn: string
  readonly #bindDn: string
  readonly #bindCred: string
  readonly #filter: string
  readonly #searchForDomain: boolean
  readonly #hasPlain: boolean
  readonly #compare: boolean
  readonly #autoTransition: boolean
  /** local.store.admingroupdn; empty: no LDAP user is a store administrator. */
  readonly #adminGroupDn: string
  readonly #tls: ClientOptions['tlsOptions']
  readonly #log: (line: string) => void
  readonly #defaultDomain: string
  readonly #positiveTtl: number
  readonly #negativeTtl: number
  readonly #connectTimeout: number
  readonly #opTimeout: number
  readonly #deadRetry: number
  readonly #deadUntil: number[]
  readonly #cacheKey = randomBytes(32)
  readonly #verdicts: ExpiringCache<string | null>
  readonly #users: ExpiringCache<FoundUser | null>
  readonly #domains: ExpiringCache<DomainEntry | null>
  readonly #admins: ExpiringCache<boolean>
  #service: Promise<Client> | null = null
  #closed = false

  constructor(config: (name: string) => string, options: LdapDirectoryOptions = {}) {
    const ssl = parseBool(config('local.ugldapusessl'))
    const port = Number(config('local.ugldapport') || (ssl ? '636' : '389'))
    const hosts = config('local.ugldaphost').split(/[\s,]+/).filter(Boolean)
    if (hosts.length === 0) throw new LdapConfigError('local.ugldaphost is empty; name the LDAP server(s) as host[:port], several separated by spaces.')
    this.#urls = hosts.map((h) => hostUrl(h, port, ssl))
    this.#baseDn = config('local.ugldapbasedn').trim()
    if (this.#baseDn === '') throw new LdapConfigError('local.ugldapbasedn is empty; give the base DN of the user/group tree, e.g. o=usergroup.')
    this.#bindDn = config('local.ugldapbinddn').trim()
    this.#bindCred = config('local.ugldapbindcred')
    this.#filter = checkFilterTemplate(config('sasl.default.ldap.searchfilter'))
    this.#searchForDomain = config('sasl.default.ldap.searchfordomain').trim() !== '0'
    this.#hasPlain = parseBool(config('sasl.default.ldap.has_plain_passwords'))
    this.#compare = this.#hasPlain || options.passwordCheck === 'compare'
    this.#autoTransition = parseBool(config('sasl.default.auto_transition'))
    // Tolerates a configuration source that does not know the parameter (it is newer than the others).
    this.#adminGroupDn = (config('local.store.admingroupdn') ?? '').trim()
    const ca = options.caCertificates && options.caCertificates.length > 0 ? [...options.caCertificates] : undefined
    this.#tls = {rejectUnauthorized: parseBool(config('local.ldapcheckcert')), minVersion: 'TLSv1.2', ...(ca ? {ca} : {})}
    this.#log = options.log ?? (() => {})
    this.#defaultDomain = options.defaultDomain ?? ''
    this.#positiveTtl = options.positiveTtlMs ?? 60_000
    this.#negativeTtl = options.negativeTtlMs ?? 10_000
    this.#connectTimeout = options.connectTimeoutMs ?? 3_000
    this.#opTimeout = options.operationTimeoutMs ?? 5_000
    this.#deadRetry = options.deadHostRetryMs ?? 30_000
    this.#deadUntil = this.#urls.map(() => 0)
    const max = options.cacheMaxEntries ?? 10_000
    this.#verdicts = new ExpiringCache(max)
    this.#users = new ExpiringCache(max)
    this.#domains = new ExpiringCache(Math.min(max, 1_000))
    this.#admins = new ExpiringCache(max)
  }

  /**
   * From the cache only: the session seam is synchronous. A miss starts a
   * lookup in the background (so a retried RCPT finds the user) and answers
   * null; callers that can wait should use lookupAsync.
   */
  lookup(user: string): string | null {
    const cached = this.#users.get(user.toLowerCase())
    if (cached !== undefined) return cached?.name ?? null
    void this.lookupAsync(user)
    return null
  }

  /** Canonical name of an existing user, null when none (or the directory cannot be reached; that is logged). */
  async lookupAsync(user: string): Promise<string | null> {
    if (this.#closed || user === '') return null
    try {
      return (await this.#findUser(user))?.name ?? null
    } catch (err) {
      this.#log(`ldap: cannot look up ${JSON.stringify(user)}: ${describe(err)}`)
      return null
    }
  }

  async verifyPassword(user: string, password: string): Promise<string | null> {
    // An empty password would be an unauthenticated bind (RFC 4513 §5.1.2), which servers accept as anonymous.
    if (this.#closed || user === '' || password === '') return null
    const proof = createHmac('sha256', this.#cacheKey).update(user.toLowerCase()).update('\0').update(password).digest('base64')
    const verdict = this.#verdicts.get(proof)
    if (verdict !== undefined) return verdict
    try {
      const found = await this.#findUser(user)
      let ok = false
      if (found) ok = this.#compare ? (found.passwords ?? []).some((stored) => verifyUserPassword(password, stored)) : await this.#bindAsUser(found.dn, password)
      const name = ok && found ? found.name : null
      if (name && this.#autoTransition) await this.#transition(user, found!, password)
      this.#verdicts.set(proof, name, name ? this.#positiveTtl : this.#negativeTtl)
      return name
    } catch (err) {
      // Not cached: the directory being away says nothing about the password.
      this.#log(`ldap: cannot check the password of ${JSON.stringify(user)}: ${describe(err)}`)
      return null
    }
  }

  /**
   * The user's clear-text password, for challenge-response mechanisms
   * (CRAM-MD5, APOP, DIGEST-MD5): only when has_plain_passwords is on and the
   * stored value is {CLEARTEXT} or unprefixed.
   */
  async cleartextPassword(user: string): Promise<string | null> {
    if (this.#closed || !this.#hasPlain || user === '') return null
    try {
      const found = await this.#findUser(user)
      for (const stored of found?.passwords ?? []) {
        const clear = cleartextOf(stored.toString('utf8'))
        if (clear) return clear
      }
      return null
    } catch (err) {
      this.#log(`ldap: cannot read the password of ${JSON.stringify(user)}: ${describe(err)}`)
      return null
    }
  }

  /**
   * auto_transition: rewrite userPassword into the target form unless a
   * value already is. Failures (no write right, directory away) are logged;
   * the login itself has succeeded and stands.
   */
  async #transition(login: string, found: FoundUser, password: string): Promise<void> {
    try {
      const stored = found.passwords ?? allBuffers((await this.#read(found.dn, ['userPassword']))[0] ?? {dn: found.dn}, 'userPassword')
      const values = stored.map((b) => b.toString('utf8'))
      const done = this.#hasPlain
        ? values.some((v) => cleartextOf(v) === password)
        : values.some((v) => parseStoredPassword(v).scheme === 'SSHA512' && verifyUserPassword(password, v))
      if (done) return
      const {Change, Attribute} = await loadLdapts()
      const value = this.#hasPlain ? password : hashSsha512(password)
      const client = await this.#serviceClient()
      await client.modify(found.dn, [new Change({operation: 'replace', modification: new Attribute({type: 'userPassword', values: [value]})})])
      // The next challenge-response login must read the new value, not the cached entry.
      this.#users.delete(login.toLowerCase())
      this.#log(`ldap: auto_transition stored the password of ${found.dn} ${this.#hasPlain ? 'as clear text' : 'as {SSHA512}'}`)
    } catch (err) {
      this.#log(`ldap: auto_transition could not rewrite the password of ${found.dn}: ${describe(err)}`)
    }
  }

  /**
   * Store administrator: the user's entry, found as a login finds it, is a
   * member or uniqueMember of the group local.store.admingroupdn names (read
   * with the service identity). Both answers are cached for a minute; a
   * directory that cannot be asked answers false, logged and not cached.
   */
  async isStoreAdministrator(user: string): Promise<boolean> {
    if (this.#closed || this.#adminGroupDn === '' || user === '') return false
    const key = user.toLowerCase()
    const cached = this.#admins.get(key)
    if (cached !== undefined) return cached
    try {
      const found = await this.#findUser(user)
      let admin = false
      if (found) {
        const dn = escapeFilterValue(found.dn)
        // '1.1': no attributes wanted, only whether the group entry matches.
        admin = (await this.#search(this.#adminGroupDn, `(|(member=${dn})(uniqueMember=${dn}))`, ['1.1'], 'base')).length > 0
      }
      this.#admins.set(key, admin, ADMIN_TTL_MS)
      return admin
    } catch (err) {
      this.#log(`ldap: cannot tell whether ${JSON.stringify(user)} is a store administrator: ${describe(err)}`)
      return false
    }
  }

  /** The mail attribute of the user's entry, found as a login finds it; null when it has none or the directory cannot be asked (logged). */
  async mailAddress(user: string): Promise<string | null> {
    if (this.#closed || user === '') return null
    try {
      return (await this.#findUser(user))?.mail ?? null
    } catch (err) {
      this.#log(`ldap: cannot read the mail address of ${JSON.stringify(user)}: ${describe(err)}`)
      return null
    }
  }

  /**
   * Certificate login: the entries a certmap query finds, with the service
   * identity. CmapLdapAttr's search comes first; the DNComps/FilterComps one
   * when it finds nothing. Each entry's login name is its uid, or, where
   * users live under domains (searchfordomain 1), the name a password login
   * by its mail address gives, when that finds the same entry.
   */
  async candidates(query: CertmapQuery): Promise<CertmapCandidate[]> {
    if (this.#closed) return []
    const attributes = ['uid', 'mail', ...(query.verifyCert ? ['userCertificate;binary', 'userCertificate'] : [])]
    const search = async (base: string, scope: 'base' | 'sub', filter: string) => {
      const client = await this.#serviceClient()
      try {
        return (await client.search(base, {scope, filter, attributes, explicitBufferAttributes: ['userCertificate;binary', 'userCertificate'], sizeLimit: 10, timeLimit: Math.max(1, Math.ceil(this.#opTimeout / 1000))})).searchEntries
      } catch (err) {
        if (ldapResultCode(err) === NO_SUCH_OBJECT) return []
        throw err
      }
    }
    let entries: Entry[] = []
    if (query.dnAttributeFilter) entries = await search(this.#baseDn, 'sub', query.dnAttributeFilter)
    if (entries.length === 0 && query.fallbackSearch) {
      const base = query.base.kind === 'suffix' ? this.#baseDn : query.base.dn
      entries = await search(base, query.scope === 'base' ? 'base' : 'sub', query.filter)
    }
    const out: CertmapCandidate[] = []
    for (const entry of entries) {
      out.push({dn: entry.dn, uid: await this.#loginNameOf(entry), certificates: [...allBuffers(entry, 'userCertificate;binary'), ...allBuffers(entry, 'userCertificate')]})
    }
    return out
  }

  async #loginNameOf(entry: Entry): Promise<string | null> {
    const uid = firstString(entry, 'uid')
    if (!this.#searchForDomain || uid === null) return uid
    const mail = firstString(entry, 'mail')
    const found = mail ? await this.#findUser(mail) : null
    if (found && found.dn.toLowerCase() === entry.dn.toLowerCase()) return found.name
    this.#log(`ldap: ${entry.dn} has no mail address that finds it again under its domain; it cannot log in by certificate`)
    return null
  }

  /** Close the service connection and forget every cached answer. */
  async close(): Promise<void> {
    this.#closed = true
    const service = this.#service
    this.#service = null
    this.#verdicts.clear()
    this.#users.clear()
    this.#domains.clear()
    this.#admins.clear()
    if (service) await service.then((c) => c.unbind()).catch(() => {})
  }

  // -------------------------------------------------------------------------

  async #findUser(login: string): Promise<FoundUser | null> {
    const key = login.toLowerCase()
    const cached = this.#users.get(key)
    if (cached !== undefined) return cached
    const found = await this.#searchUser(splitLogin(login, this.#defaultDomain))
    this.#users.set(key, found, found ? this.#positiveTtl : this.#negativeTtl)
    return found
  }

  async #searchUser(parts: LoginParts): Promise<FoundUser | null> {
    let base = this.#baseDn
    let template = this.#filter
    let domainName: string | null = null
    if (this.#searchForDomain && parts.domain !== '') {
      const domain = await this.#findDomain(parts.domain)
      if (!domain) return null
      base = domain.userBase
      template = domain.filter ?? template
      domainName = domain.name
    }
    const filter = expandFilterTemplate(template, parts)
    const attributes = ['uid', 'mail', ...(this.#compare ? ['userPassword'] : [])]
    const entries = await this.#search(base, filter, attributes)
    if (entries.length !== 1) {
      this.#log(`ldap: ${entries.length === 0 ? 'no entry' : 'more than one entry'} matches ${filter} under ${base}; login ${JSON.stringify(parts.original)} refused`)
      return null
    }
    const entry = entries[0]!
    const uid = firstString(entry, 'uid') ?? parts.user
    return {
      dn: entry.dn,
      name: domainName ? `${uid}@${domainName}` : uid,
      passwords: this.#compare ? allBuffers(entry, 'userPassword') : null,
      mail: firstString(entry, 'mail') ?? null,
    }
  }

  async #findDomain(domain: string): Promise<DomainEntry | null> {
    const cached = this.#domains.get(domain)
    if (cached !== undefined) return cached
    const entries = await this.#search(this.#baseDn, domainFilter(domain), ['sunPreferredDomain', 'inetDomainBaseDN', 'inetDomainSearchFilter'])
    let result: DomainEntry | null = null
    if (entries.length !== 1) {
      this.#log(`ldap: ${entries.length === 0 ? 'no domain entry' : 'more than one domain entry'} for ${JSON.stringify(domain)} under ${this.#baseDn}`)
    } else {
      const entry = entries[0]!
      const ownFilter = firstString(entry, 'inetDomainSearchFilter')
      let filter: string | null = null
      if (ownFilter) {
        try {
          filter = checkFilterTemplate(ownFilter)
        } catch (err) {
          this.#log(`ldap: ignoring the inetDomainSearchFilter of ${entry.dn}: ${describe(err)}`)
        }
      }
      result = {
        dn: entry.dn,
        userBase: firstString(entry, 'inetDomainBaseDN') ?? entry.dn,
        filter,
        name: (firstString(entry, 'sunPreferredDomain') ?? domain).toLowerCase(),
      }
    }
    this.#domains.set(domain, result, result ? this.#positiveTtl : this.#negativeTtl)
    return result
  }

  /** One entry's attributes, read with the service identity (a base-scope search). */
  async #read(dn: string, attributes: string[]): Promise<Entry[]> {
    const client = await this.#serviceClient()
    return (await client.search(dn, {scope: 'base', filter: '(objectClass=*)', attributes, explicitBufferAttributes: ['userPassword']})).searchEntries
  }

  /** A search (subtree unless told) with the service identity, asking for at most two entries (two already means "not unique"). */
  async #search(base: string, filter: string, attributes: string[], scope: 'base' | 'sub' = 'sub'): Promise<Entry[]> {
    const options = {scope, filter, attributes, explicitBufferAttributes: ['userPassword'], sizeLimit: 2, timeLimit: Math.max(1, Math.ceil(this.#opTimeout / 1000))}
    for (let attempt = 0; ; attempt++) {
      const client = await this.#serviceClient()
      try {
        return (await client.search(base, options)).searchEntries
      } catch (err) {
        const code = ldapResultCode(err)
        if (code === NO_SUCH_OBJECT) return []
        if (code !== null || attempt > 0) throw err
        // The connection broke (host down, timeout): drop it and go round the hosts again once.
        this.#dropService(client, err)
      }
    }
  }

  #serviceClient(): Promise<Client> {
    const existing = this.#service
    if (existing) {
      return existing.then(
        (c) => {
          if (c.isConnected) return c
          if (this.#service === existing) this.#service = null
          return this.#serviceClient()
        },
        () => this.#serviceClient(),
      )
    }
    const next = this.#connect(this.#bindDn, this.#bindCred).then((r) => r.client)
    this.#service = next
    next.catch(() => {
      if (this.#service === next) this.#service = null
    })
    return next
  }

  #dropService(client: Client, err: unknown): void {
    this.#log(`ldap: service connection lost: ${describe(err)}`)
    this.#service = null
    client.unbind().catch(() => {})
  }

  /** Bind as the user's entry on a fresh connection (binding changes a connection's identity). */
  async #bindAsUser(dn: string, password: string): Promise<boolean> {
    try {
      const {client} = await this.#connect(dn, password)
      client.unbind().catch(() => {})
      return true
    } catch (err) {
      if (ldapResultCode(err) === INVALID_CREDENTIALS) return false
      throw err
    }
  }

  /**
   * Connect and bind to the first host that answers: hosts that failed
   * recently are tried last. An LDAP error (the server answered, e.g. wrong
   * credentials) ends the search at once; a transport error moves on.
   */
  async #connect(dn: string, password: string): Promise<{client: Client; index: number}> {
    const {Client} = await loadLdapts()
    const now = Date.now()
    const order = this.#urls.map((_, i) => i).sort((a, b) => Number(this.#deadUntil[a]! > now) - Number(this.#deadUntil[b]! > now))
    let lastError: unknown = null
    for (const index of order) {
      const url = this.#urls[index]!
      // ldapts speaks TLS whenever tlsOptions is present, so give it only for ldaps:// URLs.
      const tls = /^ldaps:/i.test(url) ? {tlsOptions: this.#tls} : {}
      const client = new Client({url, connectTimeout: this.#connectTimeout, timeout: this.#opTimeout, strictDN: false, ...tls})
      try {
        await client.bind(dn, password)
        this.#deadUntil[index] = 0
        return {client, index}
      } catch (err) {
        client.unbind().catch(() => {})
        if (ldapResultCode(err) !== null) throw err
        lastError = err
        if (this.#deadUntil[index]! <= now) this.#log(`ldap: ${url} unavailable (${describe(err)}); trying the next server`)
        this.#deadUntil[index] = now + this.#deadRetry
      }
    }
    throw new Error(`no LDAP server answered (${this.#urls.join(' ')}): ${describe(lastError)}`)
  }
}
