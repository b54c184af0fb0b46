import {randomBytes} from 'node:crypto'
import {existsSync, writeFileSync} from 'node:fs'
import {hostname as osHostname} from 'node:os'
import {join} from 'node:path'
import {addCertificate, addPrivateKey, findCertificates, initToken, tokenSecret, unlockToken} from '../core/certdb/index.js'
import {getSetting, setSetting} from '../core/config/settings.js'
import {
  authorityKeyIdentifierExtension,
  basicConstraintsExtension,
  buildCertificate,
  extKeyUsageExtension,
  generateKeyPair,
  keyUsageExtension,
  parseDn,
  parseExtSan,
  parseTrustString,
  subjectAltNameExtension,
  subjectKeyIdentifierExtension,
  subjectKeyIdentifierFor,
} from '../core/pki/index.js'
import type {Store} from '../core/store/index.js'
import {internalTokenPassword, readSslPasswordFile, SSL_PASSWORD_FILE} from './tls/index.js'

export const LOCAL_CA_NICKNAME = 'msgctl Local CA'
const YEAR_MS = 365 * 24 * 3600_000

/** Ports used when the daemon cannot bind privileged ones: the classic port plus 10000. */
export const HIGH_PORT_OFFSET = 10_000

export function serverHostName(store: Store): string {
  const configured = getSetting(store, 'local.hostname').value
  return (configured || osHostname() || 'localhost').toLowerCase()
}

/**
 * The embedded default: what `msgctl start` sets up in a directory that has
 * no server certificate yet. A token password is generated and written to
 * sslpassword.conf (0600), so keys are encrypted at rest and the daemon can
 * unlock them unattended; a local CA signs a Server-Cert for the host name;
 * TLS and the implicit-TLS ports are switched on, on high ports unless we run
 * as root. Each step says what it did, through `say`.
 */
export async function ensureEmbeddedDefaults(store: Store, dir: string, say: (line: string) => void): Promise<void> {
  const nickname = getSetting(store, 'encryption.rsa.nssslpersonalityssl').value
  if (findCertificates(store, nickname).length > 0) return
  const passwordFile = join(dir, SSL_PASSWORD_FILE)
  let tokenPassword: string
  if (tokenSecret(store) === null) {
    if (existsSync(passwordFile)) {
      throw new Error(`${passwordFile} exists but the store has no token; remove the file or initialise the token with certutil -N -d ${dir}`)
    }
    tokenPassword = randomBytes(24).toString('base64url')
    writeFileSync(passwordFile, `Internal (Software) Token:${tokenPassword}\n`, {mode: 0o600, flag: 'wx'})
    initToken(store, tokenPassword)
    say(`created the token password in ${passwordFile} (mode 0600)`)
  } else {
    // An existing token: the admin made it; we need its password to add keys.
    const entries = readSslPasswordFile(dir)
    const pw = entries === null ? '' : internalTokenPassword(entries)
    if (pw === null) throw new Error(`no "${nickname}" certificate, and ${passwordFile} has no line for the internal token to create one with; create it with certutil -S`)
    tokenPassword = pw
  }
  const tokenKey = unlockToken(store, tokenPassword)
  const host = serverHostName(store)
  const now = Date.now()
  const notBefore = new Date(now - 3600_000)

  const caKeys = await generateKeyPair({type: 'ec', curve: 'nistp256'})
  const caSki = subjectKeyIdentifierFor(caKeys.publicKey.export({type: 'spki', format: 'der'}))
  const ca = buildCertificate(
    {
      serialNumber: BigInt(`0x${randomBytes(8).toString('hex')}`),
      subject: parseDn(`CN=${LOCAL_CA_NICKNAME} for ${host},O=msgctl`),
      notBefore,
      notAfter: new Date(now + 10 * YEAR_MS),
      publicKey: caKeys.publicKey,
      extensions: [basicConstraintsExtension({ca: true, critical: true}), keyUsageExtension('certSigning,crlSigning,critical'), subjectKeyIdentifierExtension(caSki)],
    },
    {privateKey: caKeys.privateKey},
  )
  const serverKeys = await generateKeyPair({type: 'ec', curve: 'nistp256'})
  const names = [...new Set([host, 'localhost'])].map((n) => `dns:${n}`).join(',') + ',ip:127.0.0.1'
  const server = buildCertificate(
    {
      serialNumber: BigInt(`0x${randomBytes(8).toString('hex')}`),
      subject: parseDn(`CN=${host},O=msgctl`),
      notBefore,
      notAfter: new Date(now + 2 * YEAR_MS),
      publicKey: serverKeys.publicKey,
      extensions: [
        keyUsageExtension('digitalSignature,keyAgreement'),
        extKeyUsageExtension('serverAuth'),
        authorityKeyIdentifierExtension({keyIdentifier: caSki}),
        subjectKeyIdentifierExtension(subjectKeyIdentifierFor(serverKeys.publicKey.export({type: 'spki', format: 'der'}))),
        subjectAltNameExtension(parseExtSan(names)),
      ],
    },
    {issuerCertificate: ca, privateKey: caKeys.privateKey},
  )
  const root = typeof process.getuid === 'function' && process.getuid() === 0
  store.write(() => {
    addPrivateKey(store, tokenKey, caKeys.privateKey, null)
    addCertificate(store, LOCAL_CA_NICKNAME, ca, parseTrustString('CT,C,C'))
    addPrivateKey(store, tokenKey, serverKeys.privateKey, null)
    addCertificate(store, nickname, server, parseTrustString('u,u,u'))
    // Only what the admin has not set explicitly.
    const defaults: [string, string][] = [['nsserversecurity', 'yes']]
    for (const svc of ['imap', 'pop', 'smtp', 'http']) {
      defaults.push([`service.${svc}.enablesslport`, 'yes'])
      if (!root) {
        for (const p of ['port', 'sslport', ...(svc === 'smtp' ? ['submissionport'] : [])]) {
          defaults.push([`service.${svc}.${p}`, String(Number(getSetting(store, `service.${svc}.${p}`).value) + HIGH_PORT_OFFSET)])
        }
      }
    }
    for (const [name, value] of defaults) if (!getSetting(store, name).set) setSetting(store, name, value)
  })
  say(`created "${LOCAL_CA_NICKNAME}" and "${nickname}" for ${host} (export the CA for clients: certutil -L -d ${dir} -n "${LOCAL_CA_NICKNAME}" -a)`)
  if (!root) say(`not running as root: services use their classic ports plus ${HIGH_PORT_OFFSET} (IMAP ${143 + HIGH_PORT_OFFSET}, IMAPS ${993 + HIGH_PORT_OFFSET}, ...); change them with configutil`)
}
