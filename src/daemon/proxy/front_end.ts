/**
 * The proxy role in one place: what the daemon's sessions become when it
 * runs as a front end (the seed's multiplexor). SMTP is served here and
 * carried to the back-end relays round robin; IMAP and POP log in here and
 * at the user's back end, then pass bytes. The relays' health and the POP
 * logins outlive reloads; the settings follow them.
 */
import {ClientNameResolver} from '../client_lookup.js'
import type {ProtocolSession, SessionContext} from '../session_types.js'
import type {LineServiceName, Snapshot} from '../snapshot.js'
import {CredentialCapture} from './credential_capture.js'
import {ImapFrontSession} from './imap_front.js'
import {PopBeforeSmtp} from './pop_before_smtp.js'
import {PopFrontSession} from './pop_front.js'
import {proxyConfig, type ProxyConfig} from './proxy_config.js'
import {RelayPool, type RelayStatus} from './relay_pool.js'
import {createSmtpFrontSession} from './smtp_front.js'

/** Mechanisms that hand the front end the password it must log in to the back end with. */
const PASSWORD_MECHANISMS = new Set(['PLAIN', 'LOGIN'])

export class ProxyFrontEnd {
  #config: ProxyConfig
  readonly #pool: RelayPool
  readonly #popLogins = new PopBeforeSmtp()
  readonly #resolver = new ClientNameResolver()

  /** Throws ProxyConfigError (one line saying what to set) when the snapshot cannot run a proxy. */
  constructor(snapshot: Snapshot, log: (line: string) => void) {
    this.#config = proxyConfig((n) => snapshot.get(n), snapshot.hostname)
    this.#pool = new RelayPool(this.#config.relays, log)
    for (const w of this.warnings(snapshot)) log(`warning: ${w}`)
  }

  /** A reload: new settings, same relay health. Throws (and the reload is refused) when they cannot run a proxy. */
  update(snapshot: Snapshot): void {
    const next = proxyConfig((n) => snapshot.get(n), snapshot.hostname)
    this.#config = next
    this.#pool.update(next.relays)
  }

  createSession(service: LineServiceName, given: SessionContext): ProtocolSession {
    const config = this.#config
    // The front end never offers XPROXYEHLO itself: it is the one that sends it.
    const {smtpProxy: _ignored, ...context} = given
    const address = context.transport.remoteAddress
    if (service === 'smtp') {
      return createSmtpFrontSession(context, {
        config,
        pool: this.#pool,
        popBeforeSmtp: this.#popLogins.mayRelay(address),
        clientName: () => this.#resolver.nameOf(address),
      })
    }
    const capture = new CredentialCapture()
    const front: SessionContext = {
      ...context,
      directory: capture.wrap(context.directory),
      settings: {...context.settings, saslMechanisms: context.settings.saslMechanisms.filter((m) => PASSWORD_MECHANISMS.has(m.toUpperCase())), apop: false},
      onAuthenticated: (user) => {
        context.onAuthenticated?.(user)
        if (service === 'pop') this.#popLogins.remember(address, config.popBeforeSmtpMs)
      },
    }
    if (service === 'pop') return new PopFrontSession(front, {routes: config.popBackends, capture, timeoutMs: config.failoverTimeoutMs})
    return new ImapFrontSession(front, {routes: config.imapBackends, capture, timeoutMs: config.failoverTimeoutMs})
  }

  relays(): RelayStatus[] {
    return this.#pool.status()
  }

  /** What a proxy's configuration leaves out, for the start-up log. */
  warnings(snapshot: Snapshot): string[] {
    const out: string[] = []
    const config = this.#config
    if (snapshot.services.get('imap')?.enabled && config.imapBackends.empty) out.push('proxy: local.proxy.imapbackend is empty, so IMAP logins have no back end to go to')
    if (snapshot.services.get('pop')?.enabled && config.popBackends.empty) out.push('proxy: local.proxy.popbackend is empty, so POP logins have no back end to go to')
    const dropped = new Set<string>()
    for (const name of ['imap', 'pop'] as const) for (const m of snapshot.services.get(name)?.saslMechanisms ?? []) if (!PASSWORD_MECHANISMS.has(m.toUpperCase())) dropped.add(m.toUpperCase())
    if (dropped.size > 0) out.push(`proxy: IMAP and POP offer only password logins; ${[...dropped].join(', ')} give the front end no password to log in to the back end with`)
    return out
  }
}
