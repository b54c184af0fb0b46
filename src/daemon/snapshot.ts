import {parseFilters, type FilterSet} from '../core/access/index.js'
import {offeredMechanisms} from '../core/auth/sasl/index.js'
import {PARAMETERS} from '../core/config/parameters.js'
import type {Store} from '../core/store/index.js'
import {CertificateMapper, EmbeddedCertmapSearch, loadCertmap, withCertificateLogin} from './certificate_login/index.js'
import {chooseDirectory, type DirectoryChoice} from './directory_choice.js'
import {LdapDirectory} from './ldap_directory.js'
import type {Directory} from './session_types.js'
import {serverHostName} from './first_run.js'
import type {TlsServerSettings} from './socket_transport.js'
import {loadSnapshotTls} from './snapshot_tls.js'

export type ServiceName = 'imap' | 'pop' | 'smtp' | 'http'
/** The services that are line protocols with a session object (HTTP is served by node:http). */
export type LineServiceName = Exclude<ServiceName, 'http'>
export const SERVICES: readonly ServiceName[] = ['imap', 'pop', 'smtp', 'http']

/** One listening port; ports are fixed at start (changing one needs a restart). */
export interface ListenerSpec {
  readonly service: ServiceName
  readonly port: number
  readonly implicitTls: boolean
  /** SMTP submission (RFC 6409): AUTH expected before MAIL. */
  readonly submission: boolean
  /** For status and logs: imap, imaps, pop, pops, smtp, smtps, submission, http, https. */
  readonly label: string
}

export interface ServiceConfig {
  readonly name: ServiceName
  readonly enabled: boolean
  readonly banner: string
  readonly idleTimeoutMs: number
  readonly plaintextMinCipher: number
  readonly maxSessions: number
  readonly maxConnectionsPerIp: number
  /** Connections from one address not yet logged in (IMAP, POP, SMTP submission); 0: no cap. */
  readonly maxUnauthenticatedPerIp: number
  readonly allow: FilterSet | null
  readonly deny: FilterSet | null
  /** SASL mechanisms the service may offer (see ServiceSettings.saslMechanisms). */
  readonly saslMechanisms: readonly string[]
  /** POP3 APOP may be offered (see ServiceSettings.apop). */
  readonly apop: boolean
}

/**
 * Everything the daemon decides with, read from the store at one moment and
 * never changed: a reload builds a new one and swaps it; sessions keep the
 * one they began with.
 */
export interface Snapshot {
  readonly generation: number
  readonly loadedAt: Date
  readonly hostname: string
  readonly tls: TlsServerSettings | null
  /** For status: the certificate served and its expiry. */
  readonly tlsSummary: {readonly nickname: string; readonly subject: string; readonly notAfter: string; readonly sha256: string} | null
  readonly services: ReadonlyMap<ServiceName, ServiceConfig>
  readonly listeners: readonly ListenerSpec[]
  readonly localDomains: readonly string[]
  readonly maxMessageSize: number
  readonly smartHosts: readonly string[]
  /** Clients that may relay without authenticating (service.smtp.relayallowed). */
  readonly relayAllowed: FilterSet | null
  /** Seconds a POP login lets its address relay; 0: off. */
  readonly popBeforeSmtpTtl: number
  /** Hosts that may proxy-authenticate to web mail (service.http.proxydomainallowed); null admits none. */
  readonly httpProxyAllowed: FilterSet | null
  readonly warnings: readonly string[]
  /** The user directory (embedded or LDAP) sessions of this snapshot check passwords against. */
  readonly directory: DirectoryChoice
  /** What sessions are given: the directory, with certificate login (certmap) when TLS asks for client certificates. */
  readonly loginDirectory: Directory
  /** Effective value of any parameter, as stored (booleans yes/no). */
  get(name: string): string
}

export class SnapshotError extends Error {
  override name = 'SnapshotError'
}

const PRODUCT = 'msgctl'
const VERSION = '0.1.0'
const PROTOCOL_LABEL: Record<ServiceName, string> = {imap: 'IMAP4', pop: 'POP3', smtp: 'ESMTP', http: 'HTTP'}

/** Build a snapshot; throws SnapshotError with the reason when it cannot be served. */
export async function loadSnapshot(store: Store, dir: string, previous: Snapshot | null = null, log: (line: string) => void = () => undefined): Promise<Snapshot> {
  // One read transaction: every value comes from the same committed state.
  const {explicit, generation} = store.db.transaction(() => ({
    explicit: new Map((store.db.prepare(`SELECT name, value FROM config`).all() as {name: string; value: string}[]).map((r) => [r.name, r.value])),
    generation: store.generation(),
  }))()
  const defaults = new Map(PARAMETERS.map((p) => [p.name, p.default]))
  const get = (name: string): string => explicit.get(name) ?? defaults.get(name) ?? ''
  const warnings: string[] = []
  const hostname = serverHostName(store)

  const tlsOn = get('nsserversecurity') === 'yes' && get('encryption.rsa.nssslactivation') === 'yes'
  if (get('nsserversecurity') === 'yes' && !tlsOn) warnings.push('encryption.rsa.nssslactivation is no: no server certificate is used, so TLS stays off')
  const tls = tlsOn ? await loadSnapshotTls(store, dir, get, warnings) : null

  const directory = chooseDirectory(store, get, previous?.directory ?? null, log)
  const plainPasswords = directory.directory.cleartextPassword !== undefined && get('sasl.default.ldap.has_plain_passwords') === 'yes'
  // Certificate login exists where TLS asks for client certificates (a CA is trusted for them).
  const certificateLogin = tls?.settings.requestCert ? certificateMapper(store, dir, directory, log, warnings) : null
  const loginDirectory = certificateLogin ? withCertificateLogin(directory.directory, certificateLogin) : directory.directory
  const sasl: SaslInputs = {
    plainPasswords,
    scram: directory.directory.scramCredentials !== undefined,
    certificates: certificateLogin !== null,
  }
  const services = new Map<ServiceName, ServiceConfig>()
  for (const name of SERVICES) {
    const p = `service.${name}`
    services.set(name, {
      name,
      enabled: get(`${p}.enable`) === 'yes',
      banner: expandBanner(get(`${p}.banner`), hostname, PROTOCOL_LABEL[name]),
      idleTimeoutMs: Number(get(`${p}.idletimeout`)) * 60_000,
      plaintextMinCipher: Number(get(`${p}.plaintextmincipher`)),
      maxSessions: Number(get(`${p}.maxsessions`)),
      maxConnectionsPerIp: Number(get(`${p}.maxconnectionsperip`)),
      maxUnauthenticatedPerIp: Number(get(`${p}.maxunauthenticatedperip`)),
      allow: filtersOf(`${p}.domainallowed`, get(`${p}.domainallowed`), warnings),
      deny: filtersOf(`${p}.domainnotallowed`, get(`${p}.domainnotallowed`), warnings),
      saslMechanisms: name === 'http' ? [] : mechanismsFor(name, get, sasl, warnings),
      apop: name === 'pop' && apopOffered(get, plainPasswords),
    })
  }

  const listeners: ListenerSpec[] = []
  const port = (name: string) => Number(get(name))
  for (const name of SERVICES) {
    if (!services.get(name)!.enabled) continue
    listeners.push({service: name, port: port(`service.${name}.port`), implicitTls: false, submission: false, label: name})
    if (name === 'smtp') listeners.push({service: name, port: port('service.smtp.submissionport'), implicitTls: false, submission: true, label: 'submission'})
    if (get(`service.${name}.enablesslport`) === 'yes') {
      if (!tls) warnings.push(`service.${name}.enablesslport is yes but nsserversecurity is no: the ${name}s port stays closed`)
      else listeners.push({service: name, port: port(`service.${name}.sslport`), implicitTls: true, submission: name === 'smtp', label: `${name}s`})
    }
  }
  const seen = new Map<number, string>()
  for (const l of listeners) {
    const other = seen.get(l.port)
    if (other) throw new SnapshotError(`${l.label} and ${other} both want port ${l.port}; give one another port with configutil`)
    seen.set(l.port, l.label)
  }

  const localDomains = get('service.smtp.localdomains').split(/\s+/).filter(Boolean).map((d) => d.toLowerCase())
  return Object.freeze({
    generation,
    loadedAt: new Date(),
    hostname,
    tls: tls?.settings ?? null,
    tlsSummary: tls?.summary ?? null,
    services,
    listeners,
    localDomains: localDomains.length > 0 ? localDomains : [hostname],
    maxMessageSize: Number(get('service.smtp.maxmessagesize')) || 1024 ** 3,
    smartHosts: get('service.smtp.smarthost').split(/\s+/).filter(Boolean),
    relayAllowed: filtersOf('service.smtp.relayallowed', get('service.smtp.relayallowed'), warnings),
    popBeforeSmtpTtl: Number(get('service.smtp.popbeforesmtpttl')),
    httpProxyAllowed: filtersOf('service.http.proxydomainallowed', get('service.http.proxydomainallowed'), warnings),
    warnings,
    directory,
    loginDirectory,
    get,
  })
}

interface SaslInputs {
  /** The directory hands out clear-text passwords (LDAP with has_plain_passwords). */
  readonly plainPasswords: boolean
  /** The directory keeps SCRAM keys (the embedded one). */
  readonly scram: boolean
  /** Certificate login is configured (EXTERNAL). */
  readonly certificates: boolean
}

/** sasl.default.mech_list as given; APOP is no SASL mechanism and is taken out here (see apopOffered). */
const mechList = (get: (name: string) => string): string[] => get('sasl.default.mech_list').split(/[\s,]+/).filter(Boolean)

/**
 * The mechanisms a service may offer. Challenge-response mechanisms need the
 * user's clear-text password, which only LDAP with has_plain_passwords gives,
 * or, for SCRAM, the keys the embedded directory stores; EXTERNAL needs
 * certificate login. Each connection then shows the ones usable at that
 * moment (plaintext rule, a client certificate presented).
 */
function mechanismsFor(service: LineServiceName, get: (name: string) => string, sasl: SaslInputs, warnings: string[]): string[] {
  const offer = offeredMechanisms({
    mechList: mechList(get).filter((m) => m.toUpperCase() !== 'APOP'),
    hasPlainPasswords: sasl.plainPasswords,
    allowAnonymous: service === 'imap' && get('service.imap.allowanonymouslogin') === 'yes',
    plaintextMinCipher: 0,
    tlsBits: null,
    clientCertificate: sasl.certificates,
    directoryHasScram: sasl.scram,
  })
  if (service === 'imap') warnings.push(...offer.warnings)
  if (service === 'imap' && get('sasl.default.ldap.has_plain_passwords') === 'yes' && !sasl.plainPasswords) {
    warnings.push('sasl.default.ldap.has_plain_passwords is yes, but the embedded directory keeps only password hashes and SCRAM keys: CRAM-MD5, DIGEST-MD5 and APOP stay off')
  }
  return offer.mechanisms
}

/** APOP needs clear-text passwords; a non-empty mech_list must name it. */
function apopOffered(get: (name: string) => string, plainPasswords: boolean): boolean {
  const list = mechList(get)
  return plainPasswords && (list.length === 0 || list.some((m) => m.toUpperCase() === 'APOP'))
}

/** certmap.conf (or its default) over the snapshot's directory; a broken file refuses the snapshot. */
function certificateMapper(store: Store, dir: string, directory: DirectoryChoice, log: (line: string) => void, warnings: string[]): CertificateMapper {
  let loaded
  try {
    loaded = loadCertmap(dir)
  } catch (err) {
    throw new SnapshotError((err as Error).message)
  }
  for (const w of loaded.config.warnings) warnings.push(`${loaded.source}: ${w}`)
  const search = directory.directory instanceof LdapDirectory ? directory.directory : new EmbeddedCertmapSearch(store)
  return new CertificateMapper(loaded.config, search, log)
}

function filtersOf(name: string, text: string, warnings: string[]): FilterSet | null {
  if (text.trim() === '') return null
  try {
    const set = parseFilters(text)
    for (const w of set.warnings) warnings.push(`${name}: ${w.message}`)
    return set
  } catch (err) {
    throw new SnapshotError(`${name}: ${(err as Error).message}`)
  }
}

/** %h host, %p protocol, %P product, %V version (the seed's banner escapes). */
function expandBanner(template: string, host: string, protocol: string): string {
  return template.replace(/%([hpPV%])/g, (_, c: string) => ({h: host, p: protocol, P: PRODUCT, V: VERSION, '%': '%'})[c]!).replace(/[\r\n]/g, ' ')
}
