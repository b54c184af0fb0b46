import {chmodSync, chownSync, existsSync, mkdirSync, statSync} from 'node:fs'
import {createServer, type Server, type Socket} from 'node:net'
import {join} from 'node:path'
import {evaluateAccessAsync} from '../core/access/index.js'
import {getSetting} from '../core/config/settings.js'
import {locateStore, Store} from '../core/store/index.js'
import {AuthThrottle, LoginGuard} from './auth_throttle.js'
import {ClientNameResolver} from './client_lookup.js'
import {Connection} from './connection.js'
import {openControlChannel, CONTROL_SOCKET, type ControlRequest} from './control_channel.js'
import {ensureEmbeddedDefaults} from './first_run.js'
import {HttpCounters} from './http/http_counters.js'
import {HttpService} from './http/http_service.js'
import {WebSessionStore} from './http/web_sessions.js'
import {identUser} from './ident_client.js'
import type {Logger} from './log.js'
import {openMailStore, type MailStore} from './mailstore/index.js'
import {claimPidFile, PID_FILE, releasePidFile} from './pid_file.js'
import {refuse} from './refuse.js'
import {createSession, openOutbound, refusalLine, type Outbound} from './protocols.js'
import {ProxyFrontEnd, roleOf} from './proxy/index.js'
import type {ProtocolSession, ServiceSettings, SessionContext, SmtpProxyPolicy} from './session_types.js'
import {loadSnapshot, type LineServiceName, type ListenerSpec, type ServiceName, type Snapshot} from './snapshot.js'
import {normaliseAddress, type SocketTransport} from './socket_transport.js'

/** How long `stop` lets commands in flight finish before connections are cut. */
const STOP_GRACE_MS = 10_000
const MAX_LINE = 64 * 1024

export interface ReloadResult {
  readonly ok: boolean
  readonly generation: number
  readonly reason?: string
  readonly warnings?: readonly string[]
}

interface Tracked {
  readonly service: ServiceName
  readonly label: string
  readonly ip: string
}

/**
 * The running daemon: binds the listeners of its first snapshot, serves each
 * connection with the snapshot current when it arrived, and swaps snapshots
 * on reload. Nothing a client sends and no failed reload stops it.
 */
export class Daemon {
  readonly startedAt = new Date()
  #snapshot: Snapshot
  readonly #servers: {spec: ListenerSpec; server: Server}[] = []
  readonly #connections = new Map<Connection, Tracked>()
  readonly #perIp = new Map<string, number>()
  /** Connections per address that have not logged in yet (IMAP, POP, SMTP submission). */
  readonly #unauthenticated = new Map<string, number>()
  /** Open connections per service, for maxsessions (counted, not scanned, at 10,000 connections). */
  readonly #perService = new Map<ServiceName, number>()
  readonly #resolver = new ClientNameResolver()
  readonly #throttle = new AuthThrottle()
  /** POP-before-SMTP: client address → when its relay right ends (ms). */
  readonly #popLogins = new Map<string, number>()
  #control: Server | null = null
  /** The reload in progress; the next one waits for it. */
  #reloading: Promise<void> = Promise.resolve()
  /** Web mail: its sessions outlive connections and reloads. */
  readonly #webSessions = new WebSessionStore()
  readonly #httpCounters = new HttpCounters()
  readonly #http: HttpService
  /** Open HTTP connections per listener label (they are not Connection objects). */
  readonly #httpOpen = new Map<string, number>()
  #nextId = 1
  #stopping: Promise<void> | null = null
  /** The front-end proxy role (local.proxy.role, or msgctl start --role), fixed at start; null for a mail server. */
  #proxy: ProxyFrontEnd | null = null

  private constructor(
    readonly dir: string,
    private readonly store: Store,
    private readonly mail: MailStore,
    private readonly outbound: Outbound,
    snapshot: Snapshot,
    private readonly log: Logger,
  ) {
    this.#snapshot = snapshot
    this.#http = new HttpService({
      mail,
      outbound: outbound.queue,
      sessions: this.#webSessions,
      counters: this.#httpCounters,
      health: () => this.#healthFacts(),
      log: (l) => log.line(l),
    })
  }

  /** Open the store (creating the embedded default when needed), bind, drop privileges, listen. */
  static async start(dirOption: string | undefined, log: Logger, say: (line: string) => void, options: {readonly role?: string} = {}): Promise<Daemon> {
    const location = locateStore(dirOption)
    if (!existsSync(location.dir)) mkdirSync(location.dir, {recursive: true, mode: 0o700})
    const store = Store.open(location, {create: true})
    claimPidFile(location.dir)
    try {
      await ensureEmbeddedDefaults(store, location.dir, say)
      const snapshot = await loadSnapshot(store, location.dir, null, (l) => log.line(l))
      for (const w of snapshot.warnings) log.line(`warning: ${w}`)
      // A proxy that lacks its relays or their password refuses to start, saying which.
      const proxy = roleOf(options.role, snapshot.get) === 'proxy' ? new ProxyFrontEnd(snapshot, (l) => log.line(l)) : null
      const mail = openMailStore(join(location.dir, 'mail.db'))
      const outbound = openOutbound(join(location.dir, 'queue.db'), snapshot, mail, (l) => log.line(l))
      const daemon = new Daemon(location.dir, store, mail, outbound, snapshot, log)
      daemon.#proxy = proxy
      await daemon.#listen()
      daemon.#dropPrivileges(say)
      // A promise some request path forgot to catch ends that request, not every client's daemon.
      process.on('unhandledRejection', (err) => log.line(`internal error (unhandled rejection): ${err instanceof Error ? err.message : String(err)}`))
      daemon.#control = await openControlChannel(location.dir, (r) => daemon.#onControl(r), (l) => log.line(l))
      outbound.start()
      log.line(`started pid ${process.pid}, snapshot ${snapshot.generation}, listening on ${daemon.listeners().map((l) => `${l.label}:${l.port}`).join(' ')}`)
      return daemon
    } catch (err) {
      releasePidFile(location.dir)
      store.close()
      throw err
    }
  }

  get snapshot(): Snapshot {
    return this.#snapshot
  }

  listeners(): ListenerSpec[] {
    return this.#servers.map((s) => s.spec)
  }

  /** Build and validate a new snapshot; swap it in only when it is whole. */
  reload(): Promise<ReloadResult> {
    // One at a time: two overlapping reloads (SIGHUP beside msgctl reload) could finish
    // out of order and put the older snapshot back.
    const next = this.#reloading.then(() => this.#reload())
    this.#reloading = next.then(() => undefined)
    return next
  }

  async #reload(): Promise<ReloadResult> {
    try {
      const next = await loadSnapshot(this.store, this.dir, this.#snapshot, (l) => this.log.line(l))
      this.#proxy?.update(next)
      const bound = new Set(this.#servers.map((s) => `${s.spec.label}:${s.spec.port}`))
      const wanted = new Set(next.listeners.filter((l) => !(this.#proxy && l.service === 'http')).map((l) => `${l.label}:${l.port}`))
      const warnings = [...next.warnings]
      if ([...wanted].some((w) => !bound.has(w)) || [...bound].some((b) => !wanted.has(b))) {
        warnings.push('enable switches and ports take effect at the next restart (msgctl restart)')
      }
      const previousDirectory = this.#snapshot.directory
      this.#snapshot = next
      this.outbound.update(next)
      // Sessions that began before keep the old directory for a while; then its connections go.
      if (previousDirectory !== next.directory) setTimeout(() => void previousDirectory.close(), 10 * 60_000).unref()
      this.log.line(`reloaded: snapshot ${next.generation}${warnings.length ? `; ${warnings.join('; ')}` : ''}`)
      return {ok: true, generation: next.generation, warnings}
    } catch (err) {
      const reason = (err as Error).message
      this.log.line(`reload refused, still serving snapshot ${this.#snapshot.generation}: ${reason}`)
      return {ok: false, generation: this.#snapshot.generation, reason}
    }
  }

  status(): Record<string, unknown> {
    const open: Record<string, number> = {}
    for (const t of this.#connections.values()) open[t.label] = (open[t.label] ?? 0) + 1
    for (const [label, n] of this.#httpOpen) open[label] = n
    const s = this.#snapshot
    return {
      pid: process.pid,
      dir: this.dir,
      startedAt: this.startedAt.toISOString(),
      uptimeSeconds: Math.round((Date.now() - this.startedAt.getTime()) / 1000),
      listeners: this.listeners().map((l) => ({service: l.label, port: l.port, tls: l.implicitTls ? 'implicit' : s.tls && l.service !== 'http' ? 'starttls' : 'none'})),
      snapshot: {generation: s.generation, loadedAt: s.loadedAt.toISOString(), certificate: s.tlsSummary, warnings: s.warnings},
      connections: open,
      rssBytes: process.memoryUsage().rss,
      ...this.#roleStatus(),
    }
  }

  /** The role, and for a proxy its relays' health (msgctl status shows a line per relay). */
  #roleStatus(): Record<string, unknown> {
    return this.#proxy ? {role: 'proxy', relays: this.#proxy.relays()} : {role: 'server'}
  }

  /** The session for a connection: the mail server's, or the proxy's when the daemon is a front end. */
  #createSession(service: LineServiceName, context: SessionContext): ProtocolSession {
    return this.#proxy ? this.#proxy.createSession(service, context) : createSession(service, context)
  }

  /** XPROXYEHLO on a mail server: with local.proxy.smtpproxypassword set, a front end may name its real client. */
  #smtpProxyPolicy(snapshot: Snapshot, t: SocketTransport): {smtpProxy?: SmtpProxyPolicy} {
    const password = snapshot.get('local.proxy.smtpproxypassword')
    if (this.#proxy || password === '') return {}
    return {smtpProxy: {password, mayRelay: (client) => this.#mayRelay(snapshot, t, client)}}
  }

  /** Stop accepting, let commands in flight finish, close; bounded. */
  stop(): Promise<void> {
    this.#stopping ??= this.#stop()
    return this.#stopping
  }

  async #stop(): Promise<void> {
    this.log.line('stopping: no new connections')
    for (const {server} of this.#servers) server.close()
    this.#http.stop()
    for (const c of this.#connections.keys()) {
      try {
        c.session?.shutdown()
      } catch {
        c.transport.destroy()
      }
      if (!c.session) c.transport.destroy()
    }
    const deadline = Date.now() + STOP_GRACE_MS
    while ((this.#connections.size > 0 || this.#http.openConnections > 0) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50))
    for (const c of this.#connections.keys()) c.transport.destroy()
    this.#http.destroyAll()
    await this.outbound.stop()
    await this.#snapshot.directory.close()
    this.#control?.close()
    this.mail.close()
    this.store.close()
    releasePidFile(this.dir)
    this.log.line('stopped')
  }

  async #onControl(request: ControlRequest): Promise<unknown> {
    switch (request.command) {
      case 'status':
        return {ok: true, ...this.status()}
      case 'reload':
        return this.reload()
      case 'stop':
        setImmediate(() => void this.stop().then(() => process.exit(0)))
        return {ok: true, pid: process.pid}
      default:
        return {ok: false, error: 'unknown command'}
    }
  }

  async #listen(): Promise<void> {
    for (const spec of this.#snapshot.listeners) {
      // Web mail reads the local mail store, which a front end does not have.
      if (this.#proxy && spec.service === 'http') {
        this.log.line(`warning: web mail is not served in the proxy role; ${spec.label}:${spec.port} stays closed`)
        continue
      }
      const server = createServer((socket) => this.#accept(spec, socket))
      server.on('error', (err) => this.log.line(`${spec.label}:${spec.port}: ${err.message}`))
      await new Promise<void>((resolve, reject) => {
        server.once('error', (err: NodeJS.ErrnoException) =>
          reject(new Error(err.code === 'EACCES' ? `cannot bind port ${spec.port} for ${spec.label}: it needs root; run as root or give a port above 1023 with configutil -o service.${spec.service}.${spec.implicitTls ? 'sslport' : spec.submission ? 'submissionport' : 'port'} -v N` : err.code === 'EADDRINUSE' ? `port ${spec.port} for ${spec.label} is already in use` : `${spec.label}:${spec.port}: ${err.message}`)),
        )
        server.listen({port: spec.port, host: '::', ipv6Only: false}, resolve)
      })
      this.#servers.push({spec, server})
    }
  }

  #accept(spec: ListenerSpec, socket: Socket): void {
    const snapshot = this.#snapshot
    const service = snapshot.services.get(spec.service)!
    const ip = normaliseAddress(socket.remoteAddress ?? 'unknown')
    const id = `c${this.#nextId++}`
    // Each service's per-address caps are its own: POP connections do not use up IMAP's.
    const key = `${spec.service} ${ip}`
    socket.on('error', () => undefined)
    // Port 25 takes mail from other servers, which never log in.
    const loginExpected = spec.service !== 'smtp' || spec.submission || spec.implicitTls
    const busy = this.#stopping
      ? 'stopping'
      : (this.#perService.get(spec.service) ?? 0) >= service.maxSessions
        ? 'maxsessions'
        : service.maxConnectionsPerIp > 0 && (this.#perIp.get(key) ?? 0) >= service.maxConnectionsPerIp
          ? 'per-address cap'
          : loginExpected && service.maxUnauthenticatedPerIp > 0 && (this.#unauthenticated.get(key) ?? 0) >= service.maxUnauthenticatedPerIp
            ? 'unauthenticated per-address cap'
            : null
    if (busy) {
      this.log.line(`${id} ${spec.label} from ${ip} refused: ${busy}`)
      if (!spec.implicitTls) refuse(socket, refusalLine(spec.service, 'busy'))
      else socket.destroy()
      return
    }
    if (spec.service === 'http') return this.#acceptHttp(spec, socket, snapshot, id, ip, key)
    const lineService: LineServiceName = spec.service
    // SMTP relay rights are decided during admission (the lookup may be asynchronous).
    let relayAllowed = false
    let loggedIn = false
    const guard = new LoginGuard(this.#throttle, ip)
    const settings = (): ServiceSettings => ({
      hostname: snapshot.hostname,
      banner: service.banner,
      idleTimeoutMs: service.idleTimeoutMs,
      maxLineLength: MAX_LINE,
      maxMessageSize: snapshot.maxMessageSize,
      plaintextMinCipher: service.plaintextMinCipher,
      localDomains: snapshot.localDomains,
      relayAllowed,
      submission: spec.submission,
      saslMechanisms: service.saslMechanisms,
      apop: service.apop,
    })
    const connection = new Connection(
      socket,
      {
        id,
        implicitTls: spec.implicitTls,
        tls: snapshot.tls,
        log: (l) => this.log.line(l),
        admit:
          spec.service === 'smtp'
            ? async (t) => {
                relayAllowed = await this.#mayRelay(snapshot, t)
                return null
              }
            : (t) => this.#admit(snapshot, spec, t),
        makeSession: (t) =>
          this.#createSession(lineService, {
            transport: t,
            settings: settings(),
            mail: this.mail,
            directory: guard.wrap(snapshot.loginDirectory),
            outbound: this.outbound.queue,
            onAuthenticationFailed: () => guard.failed(),
            ...(spec.service === 'smtp' ? {mayLogIn: async () => (await this.#admit(snapshot, spec, t)) === null} : {}),
            ...(spec.service === 'smtp' ? this.#smtpProxyPolicy(snapshot, t) : {}),
            onAuthenticated: (user) => {
              guard.succeeded(user)
              if (loginExpected && !loggedIn) count(this.#unauthenticated, key, -1)
              loggedIn = true
              if (spec.service === 'pop') this.#rememberPopLogin(snapshot, ip)
            },
          }),
      },
      (done) => {
        if (!this.#connections.delete(done)) return
        this.#perService.set(spec.service, (this.#perService.get(spec.service) ?? 1) - 1)
        count(this.#perIp, key, -1)
        if (loginExpected && !loggedIn) count(this.#unauthenticated, key, -1)
      },
    )
    this.#connections.set(connection, {service: spec.service, label: spec.label, ip})
    count(this.#perIp, key, 1)
    if (loginExpected) count(this.#unauthenticated, key, 1)
    this.#perService.set(spec.service, (this.#perService.get(spec.service) ?? 0) + 1)
    this.log.line(`${id} ${spec.label} connection from ${ip}:${socket.remotePort} to port ${spec.port}`)
    void connection.run()
  }

  /** An HTTP(S) connection: counted like the others, then served by the web mail service. */
  #acceptHttp(spec: ListenerSpec, socket: Socket, snapshot: Snapshot, id: string, ip: string, key: string): void {
    socket.setNoDelay(true)
    count(this.#perIp, key, 1)
    count(this.#httpOpen, spec.label, 1)
    this.#perService.set('http', (this.#perService.get('http') ?? 0) + 1)
    socket.once('close', () => {
      count(this.#perIp, key, -1)
      count(this.#httpOpen, spec.label, -1)
      this.#perService.set('http', (this.#perService.get('http') ?? 1) - 1)
    })
    const log = (l: string) => this.log.line(`${id} ${l}`)
    this.log.line(`${id} ${spec.label} connection from ${ip}:${socket.remotePort} to port ${spec.port}`)
    const guard = new LoginGuard(this.#throttle, ip)
    void this.#http.accept(
      socket,
      {id, ip, spec, snapshot, directory: guard.wrap(snapshot.loginDirectory), guard, log, clientName: () => this.#resolver.nameOf(ip)},
      async (s) => (await this.#admit(snapshot, spec, {localAddress: normaliseAddress(s.localAddress ?? ''), remoteAddress: ip, localPort: s.localPort ?? 0, remotePort: s.remotePort ?? 0, log})) === null,
    )
  }

  /** For /health: what monitoring wants to know, nothing secret. */
  #healthFacts(): Record<string, unknown> {
    const s = this.status()
    return {uptimeSeconds: s.uptimeSeconds, snapshot: {generation: this.#snapshot.generation, loadedAt: this.#snapshot.loadedAt.toISOString(), warnings: this.#snapshot.warnings.length}, connections: s.connections, listeners: s.listeners}
  }

  /**
   * service.smtp.relayallowed, or a POP login from this address within popbeforesmtpttl.
   * `client`: the real client a front-end proxy named (XPROXYEHLO), with the name it looked up.
   */
  async #mayRelay(snapshot: Snapshot, t: SocketTransport, client?: {readonly address: string; readonly name: string | null}): Promise<boolean> {
    const address = client?.address ?? t.remoteAddress
    const until = this.#popLogins.get(address)
    if (until !== undefined && until > Date.now()) {
      t.log(`relay allowed: POP login from ${address} within ${snapshot.popBeforeSmtpTtl} s`)
      return true
    }
    if (!snapshot.relayAllowed) return false
    const name = client?.name
    const decision = await evaluateAccessAsync(snapshot.relayAllowed, null, {
      service: 'smtp',
      serverAddress: t.localAddress,
      clientAddress: address,
      clientName: () => (name ? name : this.#resolver.nameOf(address)),
      identUser: () => 'unknown',
    })
    return decision.allowed && decision.matched !== undefined
  }

  /** POP-before-SMTP: a POP login lets its address relay for a while (seed: PreAuth and AuthServiceTTL). */
  #rememberPopLogin(snapshot: Snapshot, ip: string): void {
    // A proxy keeps its own, by local.proxy.preauth and local.proxy.authservicettl.
    if (this.#proxy || snapshot.popBeforeSmtpTtl <= 0) return
    if (this.#popLogins.size >= 100_000) {
      const now = Date.now()
      for (const [k, v] of this.#popLogins) if (v <= now) this.#popLogins.delete(k)
    }
    this.#popLogins.set(ip, Date.now() + snapshot.popBeforeSmtpTtl * 1000)
  }

  /** Client access filters, before the greeting (SMTP's apply to authenticated sessions, as the seed says, and come with authentication). */
  async #admit(snapshot: Snapshot, spec: ListenerSpec, t: Pick<SocketTransport, 'localAddress' | 'remoteAddress' | 'localPort' | 'remotePort' | 'log'>): Promise<string | null> {
    const service = snapshot.services.get(spec.service)!
    if (!service.allow && !service.deny) return null
    const identPort = Number(process.env.MSGCTL_IDENT_PORT ?? 113)
    const decision = await evaluateAccessAsync(service.allow, service.deny, {
      service: spec.service,
      serverAddress: t.localAddress,
      clientAddress: t.remoteAddress,
      clientName: () => this.#resolver.nameOf(t.remoteAddress),
      identUser: () => identUser({address: t.remoteAddress, port: t.remotePort}, {port: t.localPort}, identPort),
      serverName: () => this.#resolver.nameOf(t.localAddress),
    })
    if (decision.allowed) return null
    const m = decision.matched
    t.log(`access denied${m ? ` by ${m.table} rule ${m.rule + 1}` : ''}`)
    return refusalLine(spec.service, 'denied')
  }

  /** Started as root: keep the bound ports, continue as the configured user (default: the directory's owner). */
  #dropPrivileges(say: (line: string) => void): void {
    if (typeof process.getuid !== 'function' || process.getuid() !== 0) return
    const configured = getSetting(this.store, 'local.daemon.user').value
    const st = statSync(this.dir)
    let uid = st.uid
    let gid = st.gid
    if (configured) {
      try {
        process.setgid!(configured)
        process.setuid!(configured)
        say(`running as ${configured}`)
        return
      } catch (err) {
        throw new Error(`cannot switch to local.daemon.user "${configured}": ${(err as Error).message}`)
      }
    }
    if (uid === 0) {
      say('warning: the configuration directory belongs to root, so the daemon keeps running as root; set local.daemon.user or chown the directory')
      return
    }
    for (const f of [PID_FILE, 'msgctl.log', 'sslpassword.conf', 'msg.db', 'msg.db-wal', 'msg.db-shm', 'mail.db', 'mail.db-wal', 'mail.db-shm', 'queue.db', 'queue.db-wal', 'queue.db-shm', CONTROL_SOCKET]) {
      const path = join(this.dir, f)
      if (existsSync(path)) chownSync(path, uid, gid)
    }
    chmodSync(this.dir, 0o700)
    process.setgid!(gid)
    process.setuid!(uid)
    say(`running as uid ${uid} (owner of ${this.dir})`)
  }
}

/** Add to a per-address counter, dropping addresses that reach zero. */
function count(counts: Map<string, number>, ip: string, delta: number): void {
  const n = (counts.get(ip) ?? 0) + delta
  if (n <= 0) counts.delete(ip)
  else counts.set(ip, n)
}
