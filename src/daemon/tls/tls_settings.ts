/**
 * The TLS parameters of the configuration (encryption.*) turned into what
 * node's tls module takes: a SecureContext holding versions, suites, the
 * server's key and chain, and the client-certificate CAs, plus the
 * per-socket options (requestCert, rejectUnauthorized) that a context cannot
 * carry. Both the implicit-TLS listeners and STARTTLS use the same result.
 */
import {constants, KeyObject} from 'node:crypto'
import {createSecureContext, type SecureContext, type SecureContextOptions} from 'node:tls'
import {ConfigError} from '../../core/errors.js'
import {cipherAuthentication, parseCipherList} from './cipher_list.js'
import type {ServerCredentials} from './server_credentials.js'
import {ENGINE_LIBRARY_ENV} from './engine_config.js'
import type {TokenKeyReference} from './token_key.js'

/** A parameter's effective value in stored form (booleans `yes`/`no`). */
export type ConfigGetter = (name: string) => string

export type TlsVersion = 'TLSv1.2' | 'TLSv1.3'
export type ClientAuthMode = 'off' | 'allowed' | 'required'

/** Everything decided from the configuration alone, for logs and status output. */
export interface TlsPolicy {
  readonly minVersion: TlsVersion
  readonly maxVersion: 'TLSv1.3'
  /** TLS 1.2 suites, OpenSSL names joined by `:`. */
  readonly ciphers: string
  /** TLS 1.3 suites joined by `:`. */
  readonly ciphersuites: string
  readonly honorCipherOrder: true
  /** Seconds a session may be resumed; 0: resumption off. */
  readonly sessionTimeout: number
  readonly ecdhCurve: 'auto'
  readonly clientAuth: ClientAuthMode
}

/**
 * Options for both ways of serving TLS. `new TLSSocket(raw, {isServer: true,
 * ...})` (STARTTLS) uses `secureContext`; tls.createServer ignores that
 * field and builds its own context from the context options, so those are
 * here too and both paths get the same settings. Holds the private key:
 * never log it.
 */
export interface TlsServerOptions extends SecureContextOptions {
  readonly secureContext: SecureContext
  readonly requestCert: boolean
  /** False for `allowed`: the handshake succeeds and the session looks at socket.authorized later. */
  readonly rejectUnauthorized: boolean
}

export interface TlsSettings {
  readonly secureContext: SecureContext
  readonly serverOptions: TlsServerOptions
  readonly policy: TlsPolicy
  readonly warnings: readonly string[]
}

/** A TLS parameter that cannot be used, or a context OpenSSL refused. */
export class TlsSettingsError extends ConfigError {}

/** Below TLS 1.2 nothing is offered, whatever the configuration says. */
const BELOW_FLOOR = new Set(['sslv2', 'sslv3', 'tlsv1', 'tlsv1.0', 'tlsv1.1'])

function parseBool(config: ConfigGetter, name: string): boolean {
  const v = config(name).trim().toLowerCase()
  if (['yes', 'on', 'true', '1'].includes(v)) return true
  if (['no', 'off', 'false', '0'].includes(v)) return false
  throw new TlsSettingsError(`${name} is "${config(name)}", which is not yes or no; set it with configutil -o ${name} -v yes|no`)
}

function minVersionOf(config: ConfigGetter, warnings: string[]): TlsVersion {
  const raw = config('encryption.tlsminversion').trim()
  const v = raw.toLowerCase()
  if (v === '' || v === 'tlsv1.2') return 'TLSv1.2'
  if (v === 'tlsv1.3') return 'TLSv1.3'
  if (BELOW_FLOOR.has(v)) {
    warnings.push(`encryption.tlsminversion is ${raw}, but nothing below TLSv1.2 is ever offered; using TLSv1.2`)
    return 'TLSv1.2'
  }
  throw new TlsSettingsError(`encryption.tlsminversion is "${raw}"; set it to TLSv1.2 or TLSv1.3`)
}

function sessionTimeoutOf(config: ConfigGetter): number {
  const raw = config('encryption.nsssl3sessiontimeout').trim()
  if (raw === '') return 300
  const n = Number(raw)
  if (!Number.isInteger(n) || n < 0 || n > 86_400) {
    throw new TlsSettingsError(`encryption.nsssl3sessiontimeout is "${raw}"; give whole seconds from 0 (no resumption) to 86400`)
  }
  return n
}

function clientAuthOf(config: ConfigGetter): ClientAuthMode {
  const raw = config('encryption.nssslclientauth').trim()
  const v = raw.toLowerCase()
  if (v === 'off' || v === 'allowed' || v === 'required') return v
  throw new TlsSettingsError(`encryption.nssslclientauth is "${raw}"; set it to off, allowed or required`)
}

/** The configuration's TLS choices, checked; pure. Throws TlsSettingsError or CipherListError. */
export function resolveTlsPolicy(config: ConfigGetter): {policy: TlsPolicy; warnings: string[]} {
  const warnings: string[] = []
  if (!parseBool(config, 'encryption.nsssl3')) {
    throw new TlsSettingsError('encryption.nsssl3 is no, which switches off every TLS version; set it to yes, or turn TLS off with nsserversecurity no')
  }
  if (parseBool(config, 'encryption.nsssl2')) warnings.push('encryption.nsssl2 is yes, but SSL 2.0 is never offered; the setting is ignored')
  let minVersion = minVersionOf(config, warnings)
  const list = parseCipherList(config('encryption.nsssl3ciphers'))
  warnings.push(...list.warnings)
  // With no TLS 1.2 suite, a TLS 1.2 handshake can only fail: say so by version.
  if (list.ciphers === '') minVersion = 'TLSv1.3'
  return {
    policy: {
      minVersion,
      maxVersion: 'TLSv1.3',
      ciphers: list.ciphers,
      ciphersuites: list.ciphersuites,
      honorCipherOrder: true,
      sessionTimeout: sessionTimeoutOf(config),
      ecdhCurve: 'auto',
      clientAuth: clientAuthOf(config),
    },
    warnings,
  }
}

/** A TLS 1.2 suite list that cannot work with the server's key type still lets TLS 1.3 through: warn, do not refuse. */
function keyMismatchWarning(policy: TlsPolicy, credentials: ServerCredentials): string | null {
  if (policy.minVersion !== 'TLSv1.2' || policy.ciphers === '') return null
  const type = (credentials.key instanceof KeyObject ? credentials.key : credentials.certificate.publicKey)?.asymmetricKeyType
  const needs = type === 'rsa' || type === 'rsa-pss' ? 'RSA' : type === 'ec' || type === 'ed25519' || type === 'ed448' ? 'ECDSA' : null
  if (!needs) return null
  if (policy.ciphers.split(':').some((c) => cipherAuthentication(c) === needs)) return null
  const example = needs === 'RSA' ? 'ECDHE-RSA-AES128-GCM-SHA256' : 'ECDHE-ECDSA-AES128-GCM-SHA256'
  return `the server key is ${type?.toUpperCase()} but encryption.nsssl3ciphers lists no TLS 1.2 suite for ${needs} certificates, so only TLS 1.3 clients can connect; add ${example}`
}

/**
 * The PKCS #11 engine is loaded with one module when the daemon starts
 * (engine_config.ts); a token key elsewhere, or a daemon started without
 * it, needs a restart.
 */
function useTokenModule(key: TokenKeyReference): void {
  const loaded = process.env[ENGINE_LIBRARY_ENV]
  if (loaded === undefined) {
    throw new TlsSettingsError(`the server key is on the token "${key.token}", which needs OpenSSL's PKCS #11 engine loaded when the daemon starts; restart it (msgctl restart; not with --foreground)`)
  }
  if (loaded !== key.library) {
    throw new TlsSettingsError(`the server key's token "${key.token}" is in the module ${key.library}, but this daemon loaded ${loaded} for token keys; restart it (msgctl restart) to switch modules`)
  }
}

/**
 * Build the context and server options. `allowed` asks for a client
 * certificate only when the store holds a CA trusted for client
 * certificates (the seed's rule); `required` without such a CA could admit
 * no one, so it is refused.
 */
export function buildTlsSettings(config: ConfigGetter, credentials: ServerCredentials): TlsSettings {
  const {policy, warnings} = resolveTlsPolicy(config)
  const mismatch = keyMismatchWarning(policy, credentials)
  if (mismatch) warnings.push(mismatch)

  const haveClientCas = credentials.clientCaPem.length > 0
  if (policy.clientAuth === 'required' && !haveClientCas) {
    throw new TlsSettingsError(
      'encryption.nssslclientauth is required but no CA in the store is trusted for client certificates, so no client could connect; trust one with certutil -M -n CA-NICKNAME -t CT,, or set encryption.nssslclientauth to allowed',
    )
  }
  const requestCert = policy.clientAuth === 'required' || (policy.clientAuth === 'allowed' && haveClientCas)

  const key = credentials.key
  if (!(key instanceof KeyObject)) useTokenModule(key)
  const options: SecureContextOptions = {
    // A token key is used through OpenSSL's PKCS #11 engine and never leaves the token.
    ...(key instanceof KeyObject ? {key: key.export({type: 'pkcs8', format: 'pem'})} : {privateKeyEngine: key.engine, privateKeyIdentifier: key.identifier}),
    cert: credentials.certChainPem,
    minVersion: policy.minVersion,
    maxVersion: policy.maxVersion,
    // node splits one string by prefix: TLS_* names are TLS 1.3 suites, the rest TLS 1.2 ciphers.
    ciphers: [policy.ciphersuites, policy.ciphers].filter((s) => s !== '').join(':'),
    honorCipherOrder: policy.honorCipherOrder,
    ecdhCurve: policy.ecdhCurve,
  }
  if (policy.sessionTimeout > 0) {
    options.sessionTimeout = policy.sessionTimeout
  } else {
    // No tickets, and node keeps no server-side session cache of its own: nothing to resume from.
    options.secureOptions = constants.SSL_OP_NO_TICKET
  }
  // DHE suites need group parameters; 'auto' takes OpenSSL's well-known ones sized to the key.
  if (policy.ciphers.split(':').some((c) => c.startsWith('DHE-'))) options.dhparam = 'auto'
  // The CA list doubles as the "acceptable client certificate CA names" of the CertificateRequest.
  if (requestCert) options.ca = [...credentials.clientCaPem]

  let secureContext: SecureContext
  try {
    secureContext = createSecureContext(options)
  } catch (e) {
    throw new TlsSettingsError(`the TLS context cannot be built from the server certificate, key and settings: ${(e as Error).message}`)
  }
  return {
    secureContext,
    serverOptions: {...options, secureContext, requestCert, rejectUnauthorized: policy.clientAuth === 'required'},
    policy,
    warnings,
  }
}
