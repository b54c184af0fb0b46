import {join} from 'node:path'
import type {Store} from '../core/store/index.js'
import type {TlsServerSettings} from './socket_transport.js'
import {buildTlsSettings, loadServerCredentials, readSslPasswordFile} from './tls/index.js'

export interface SnapshotTls {
  readonly settings: TlsServerSettings
  readonly summary: {readonly nickname: string; readonly subject: string; readonly notAfter: string; readonly sha256: string}
}

/**
 * The TLS half of a snapshot: the server certificate and key from the store,
 * unlocked with the password in sslpassword.conf, and the encryption.*
 * parameters. Any failure throws with the reason, so a reload is refused.
 */
export async function loadSnapshotTls(store: Store, dir: string, get: (name: string) => string, warnings: string[]): Promise<SnapshotTls> {
  const passwords = readSslPasswordFile(dir)
  const nickname = get('encryption.rsa.nssslpersonalityssl')
  const credentials = loadServerCredentials(store, {
    nickname,
    token: get('encryption.rsa.nsssltoken'),
    passwordFor: (token) => passwords?.passwordFor(token) ?? null,
    passwordSource: join(dir, 'sslpassword.conf'),
  })
  const built = buildTlsSettings(get, credentials)
  warnings.push(...credentials.warnings, ...built.warnings)
  return {
    settings: built.serverOptions,
    summary: {
      nickname,
      subject: credentials.certificate.subject.text,
      notAfter: credentials.notAfter.toISOString(),
      sha256: credentials.certificate.fingerprintSha256.toString('hex'),
    },
  }
}
