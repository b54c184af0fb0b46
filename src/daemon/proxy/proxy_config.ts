/**
 * The proxy role's settings, read from a snapshot: the seed's SMTP proxy
 * options (SmtpRelays, SmtpProxyPassword, EhloKeywords,
 * PopBeforeSmtpKludgeChannel, ClientLookup, FailoverTimeout) and the POP
 * proxy's PreAuth and AuthServiceTTL, as local.proxy.* parameters.
 */
import {parseSmartHost} from '../smtp/smart_host.js'
import {parseBackendRoutes, type BackendRoutes} from './backend_routes.js'

export interface Relay {
  readonly host: string
  readonly port: number
  /** host:port, for status and logs. */
  readonly key: string
}

export interface ProxyConfig {
  /** Our name in EHLO to the relays. */
  readonly hostname: string
  readonly relays: readonly Relay[]
  readonly password: string
  /** Extra keywords the proxy passes through from the relays (upper case). */
  readonly ehloKeywords: readonly string[]
  readonly kludgeChannel: string | null
  readonly clientLookup: boolean
  /** Wait for a relay this long before trying the next one. */
  readonly failoverTimeoutMs: number
  /** A relay that failed is avoided this long: FailoverTimeout seconds become minutes, as the seed says. */
  readonly avoidMs: number
  /** POP before SMTP: how long a POP login at the proxy lets its address relay; 0 when PreAuth is off. */
  readonly popBeforeSmtpMs: number
  readonly imapBackends: BackendRoutes
  readonly popBackends: BackendRoutes
}

/** Misconfiguration that keeps a proxy from starting (or a reload from being taken). */
export class ProxyConfigError extends Error {
  override name = 'ProxyConfigError'
}

export function proxyConfig(get: (name: string) => string, hostname: string): ProxyConfig {
  const relayText = get('local.proxy.smtprelays').trim()
  if (relayText === '') throw new ProxyConfigError('the proxy role needs back-end SMTP relays: configutil -o local.proxy.smtprelays -v "host[:port] ..."')
  const relays: Relay[] = []
  for (const text of relayText.split(/\s+/)) {
    const host = parseSmartHost(text)
    if (host === null) throw new ProxyConfigError(`local.proxy.smtprelays: "${text}" is not host[:port]`)
    relays.push({...host, key: `${host.host}:${host.port}`})
  }
  const password = get('local.proxy.smtpproxypassword')
  if (password === '') throw new ProxyConfigError('the proxy role needs the password its relays accept: configutil -o local.proxy.smtpproxypassword -v SECRET (the same on every relay)')
  const failoverSeconds = Math.max(1, Number(get('local.proxy.failovertimeout')) || 10)
  const routes = (name: string, port: number): BackendRoutes => {
    try {
      return parseBackendRoutes(get(name), port, name)
    } catch (err) {
      throw new ProxyConfigError((err as Error).message)
    }
  }
  return {
    hostname,
    relays,
    password,
    ehloKeywords: get('local.proxy.ehlokeywords').split(/\s+/).filter(Boolean).map((k) => k.toUpperCase()),
    kludgeChannel: get('local.proxy.popbeforesmtpkludgechannel').trim() || null,
    clientLookup: get('local.proxy.clientlookup') === 'yes',
    failoverTimeoutMs: failoverSeconds * 1000,
    avoidMs: failoverSeconds * 60_000,
    popBeforeSmtpMs: get('local.proxy.preauth') === 'yes' ? Number(get('local.proxy.authservicettl')) * 1000 : 0,
    imapBackends: routes('local.proxy.imapbackend', 143),
    popBackends: routes('local.proxy.popbackend', 110),
  }
}
