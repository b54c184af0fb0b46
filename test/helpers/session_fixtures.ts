import {execFileSync} from 'node:child_process'
import {X509Certificate} from 'node:crypto'
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {createSecureContext} from 'node:tls'
import type {Directory, ServiceSettings, Transport} from '../../src/daemon/session_types.js'
import type {TlsServerSettings} from '../../src/daemon/socket_transport.js'

export interface TestDirectoryOptions {
  /** Hand out clear-text passwords, as LDAP with has_plain_passwords does (CRAM-MD5, DIGEST-MD5, SCRAM, APOP). */
  cleartext?: boolean
  /** Certificate login: the user a verified client certificate (DER) stands for; the real certmap is tested elsewhere. */
  mapCertificate?: (der: Buffer) => string | null
}

/** A directory of fixed users (name → password) for session tests; the real ones are tested against the store and slapd. */
export function testDirectory(users: Record<string, string>, options: TestDirectoryOptions = {}): Directory {
  const canonical = (user: string): string | null => (user.toLowerCase() in users ? user.toLowerCase() : null)
  const map = options.mapCertificate
  return {
    verifyPassword: async (user, password) => (users[user.toLowerCase()] === password ? user.toLowerCase() : null),
    lookup: canonical,
    ...(options.cleartext ? {cleartextPassword: async (user: string) => (canonical(user) === null ? null : users[user.toLowerCase()]!)} : {}),
    ...(map ? {mapCertificate: async (der: Buffer) => map(der)} : {}),
  }
}

/** A directory that cannot answer (LDAP down): every question throws. */
export function unavailableDirectory(): Directory {
  const down = async (): Promise<never> => {
    throw new Error('directory down')
  }
  return {verifyPassword: down, lookup: () => null, cleartextPassword: down}
}

/** Session settings with test defaults; each test file gives what it cares about. */
export function testSettings(overrides: Partial<ServiceSettings> = {}): ServiceSettings {
  return {
    hostname: 'mail.example.test',
    banner: 'msgctl ready',
    idleTimeoutMs: 0,
    maxLineLength: 512,
    maxMessageSize: 1_000_000,
    plaintextMinCipher: 0,
    localDomains: ['example.test'],
    relayAllowed: false,
    submission: false,
    saslMechanisms: ['PLAIN', 'LOGIN'],
    apop: false,
    ...overrides,
  }
}

export interface ClientCertTls {
  /** Server TLS that asks for a client certificate and trusts the test CA for it (never refuses a client). */
  readonly settings: TlsServerSettings
  /** The CA (PEM file) that signed the server's certificate, for clients to verify it against. */
  readonly caFile: string
  /** A client certificate the CA signed (CN=ann): the server reports it as the peer certificate. */
  readonly client: {readonly certFile: string; readonly keyFile: string; readonly der: Buffer}
  /** A self-signed client certificate: sent, but it chains to nothing the server trusts. */
  readonly stranger: {readonly certFile: string; readonly keyFile: string}
  cleanup(): void
}

/** A throw-away CA, a server certificate for localhost/127.0.0.1 and client certificates (openssl). */
export function makeClientCertTls(): ClientCertTls {
  const dir = mkdtempSync(join(tmpdir(), 'msgctl-clientcert-'))
  const file = (name: string): string => join(dir, name)
  const openssl = (...args: string[]): void => void execFileSync('openssl', args, {stdio: 'ignore'})
  const newKey = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes']
  openssl('req', '-x509', ...newKey, '-keyout', file('ca.key'), '-out', file('ca.pem'), '-subj', '/CN=msgctl test CA', '-days', '2', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign')
  const issue = (name: string, subject: string, extensions: string): void => {
    writeFileSync(file(`${name}.ext`), extensions)
    openssl('req', ...newKey, '-keyout', file(`${name}.key`), '-out', file(`${name}.csr`), '-subj', subject)
    openssl('x509', '-req', '-in', file(`${name}.csr`), '-CA', file('ca.pem'), '-CAkey', file('ca.key'), '-CAcreateserial', '-out', file(`${name}.pem`), '-days', '2', '-extfile', file(`${name}.ext`))
  }
  issue('server', '/CN=localhost', 'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n')
  issue('client', '/CN=ann', 'extendedKeyUsage=clientAuth\n')
  openssl('req', '-x509', ...newKey, '-keyout', file('stranger.key'), '-out', file('stranger.pem'), '-subj', '/CN=ann', '-days', '2')
  const caPem = readFileSync(file('ca.pem'), 'utf8')
  const options = {key: readFileSync(file('server.key')), cert: readFileSync(file('server.pem')), ca: caPem, minVersion: 'TLSv1.2'} as const
  return {
    settings: {...options, secureContext: createSecureContext(options), requestCert: true, rejectUnauthorized: false},
    caFile: file('ca.pem'),
    client: {certFile: file('client.pem'), keyFile: file('client.key'), der: new X509Certificate(readFileSync(file('client.pem'))).raw},
    stranger: {certFile: file('stranger.pem'), keyFile: file('stranger.key')},
    cleanup: () => rmSync(dir, {recursive: true, force: true}),
  }
}

/**
 * The transport as it would be had the client presented `der` and TLS
 * verified it: while secure, peerCertificate is `der`. For session tests of
 * certificate login that do not depend on how the transport verifies.
 */
export function withPeerCertificate(transport: Transport, der: Buffer): Transport {
  return {
    id: transport.id,
    remoteAddress: transport.remoteAddress,
    remotePort: transport.remotePort,
    localAddress: transport.localAddress,
    localPort: transport.localPort,
    get secure() {
      return transport.secure
    },
    get tls() {
      return transport.tls
    },
    get peerCertificate() {
      return transport.secure ? der : null
    },
    get canStartTls() {
      return transport.canStartTls
    },
    write: (data) => transport.write(data),
    startTls: () => transport.startTls(),
    close: () => transport.close(),
    log: (message) => transport.log(message),
  }
}
