import {execFileSync} from 'node:child_process'
import {mkdtempSync, readFileSync, rmSync} from 'node:fs'
import {createServer, type Server} from 'node:net'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {createSecureContext} from 'node:tls'
import {Connection} from '../../src/daemon/connection.js'
import type {ProtocolSession} from '../../src/daemon/session_types.js'
import type {SocketTransport, TlsServerSettings} from '../../src/daemon/socket_transport.js'

export interface SessionServer {
  readonly port: number
  readonly log: string[]
  close(): Promise<void>
}

/**
 * A loopback server running one protocol session per connection through the
 * daemon's own connection code (implicit TLS, STARTTLS, injection discard),
 * for tests that drive sessions with real clients.
 */
export async function startSessionServer(
  makeSession: (transport: SocketTransport) => ProtocolSession,
  options: {tls?: TlsServerSettings | null; implicitTls?: boolean; host?: string} = {},
): Promise<SessionServer> {
  const log: string[] = []
  const open = new Set<Connection>()
  let n = 0
  const server: Server = createServer((socket) => {
    const c = new Connection(
      socket,
      {id: `c${++n}`, implicitTls: options.implicitTls ?? false, tls: options.tls ?? null, log: (l) => log.push(l), makeSession},
      (done) => open.delete(done),
    )
    open.add(c)
    void c.run()
  })
  await new Promise<void>((resolve) => server.listen(0, options.host ?? '127.0.0.1', resolve))
  const address = server.address()
  const port = typeof address === 'object' && address ? address.port : 0
  return {
    port,
    log,
    close: () =>
      new Promise<void>((resolve) => {
        for (const c of open) c.transport.destroy()
        server.close(() => resolve())
      }),
  }
}

export interface TestTls {
  readonly settings: TlsServerSettings
  /** The self-signed certificate (PEM), for clients to verify against. */
  readonly certPem: string
  readonly certFile: string
  cleanup(): void
}

/** A throw-away self-signed certificate for CN=localhost (openssl), as TLS settings. */
export function makeTestTls(): TestTls {
  const dir = mkdtempSync(join(tmpdir(), 'msgctl-tls-'))
  const key = join(dir, 'key.pem')
  const cert = join(dir, 'cert.pem')
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', key, '-out', cert, '-subj', '/CN=localhost', '-days', '2', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1'], {stdio: 'ignore'})
  const certPem = readFileSync(cert, 'utf8')
  const options = {key: readFileSync(key), cert: certPem, minVersion: 'TLSv1.2'} as const
  return {settings: {...options, secureContext: createSecureContext(options), requestCert: false, rejectUnauthorized: false}, certPem, certFile: cert, cleanup: () => rmSync(dir, {recursive: true, force: true})}
}
