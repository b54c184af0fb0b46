/**
 * The server's TLS identity, read from the shared store: the certificate
 * named by `encryption.rsa.nssslpersonalityssl`, its private key unsealed
 * with the token password from sslpassword.conf, the issuers to send with
 * it, and the CAs trusted to issue client certificates.
 *
 * Every refusal is a ServerCredentialsError whose message is one sentence
 * an admin can act on; a reload that hits one keeps the old snapshot.
 */
import type {KeyObject} from 'node:crypto'
import {buildChain, findCertificates, listCertificates, loadPrivateKey, unlockToken, validateCertificate, type StoredCertificate} from '../../core/certdb/index.js'
import {MsgctlError} from '../../core/errors.js'
import {IncorrectPasswordError, TRUST, type Certificate, type TokenKey} from '../../core/pki/index.js'
import type {Store} from '../../core/store/index.js'
import {isInternalToken, SSL_PASSWORD_FILE} from './ssl_password_file.js'
import {pkcs11EnginePath, probeTokenKey, tokenKeyUri, type TokenKeyReference} from './token_key.js'

/** Warn this long before the certificate runs out. */
const EXPIRY_WARNING_DAYS = 30
const DAY_MS = 86_400_000

export type ServerCredentialsProblem =
  | 'no-certificate'
  | 'no-private-key'
  | 'not-yet-valid'
  | 'expired'
  | 'no-password'
  | 'wrong-password'
  | 'token-unusable'

export class ServerCredentialsError extends MsgctlError {
  constructor(readonly problem: ServerCredentialsProblem, message: string) {
    super(message)
  }
}

export interface ServerCredentialOptions {
  /** Certificate nickname (encryption.rsa.nssslpersonalityssl); `internal:NAME` is accepted as in NSS. */
  readonly nickname: string
  /** Token holding the key (encryption.rsa.nsssltoken). */
  readonly token: string
  /** The password for a token, or null when none is configured (then the empty password is tried). */
  readonly passwordFor: (tokenName: string) => string | null
  /** Where passwords come from, for messages; default sslpassword.conf. */
  readonly passwordSource?: string
  /** The time validity is judged at; default now. */
  readonly now?: Date
}

export interface ServerCredentials {
  /**
   * The store's key as a KeyObject (so it never ends up in a log line by
   * accident; export it only for the TLS context), or a key that stays on an
   * external token (encryption.rsa.nsssltoken).
   */
  readonly key: KeyObject | TokenKeyReference
  readonly certificate: Certificate
  /** Leaf first, then its issuers from the store, without a self-signed root (see chainToSend). */
  readonly chain: readonly Certificate[]
  readonly certChainPem: string
  /** CAs whose SSL trust includes T (trusted for client certificates). */
  readonly clientCaPem: readonly string[]
  readonly notAfter: Date
  /** Problems that do not stop the server: near expiry, what certutil -V -u V would object to. */
  readonly warnings: readonly string[]
}

/**
 * Load the credentials. Cheap checks (token, certificate, key present,
 * validity) come before the deliberately slow password derivation.
 *
 * An expired or not-yet-valid certificate is refused both on start and on
 * reload: every client that verifies would fail the handshake, so starting
 * with it only hides the problem, and a reload keeps the old snapshot.
 */
export function loadServerCredentials(store: Store, options: ServerCredentialOptions): ServerCredentials {
  const dir = store.location.dir
  const at = options.now ?? new Date()
  const source = options.passwordSource ?? SSL_PASSWORD_FILE
  const nickname = withoutTokenPrefix(options.nickname, options.token)

  const external = !isInternalToken(options.token)
  const found = findCertificates(store, nickname)
  if (found.length === 0) {
    throw new ServerCredentialsError(
      'no-certificate',
      `There is no certificate named "${nickname}" in the store at ${dir}; certutil -L -d ${dir} lists them: create one with certutil -S -n "${nickname}" -c CA-NICKNAME -t u,u,u -s CN=HOSTNAME -d ${dir}, or set encryption.rsa.nssslpersonalityssl to the nickname of an existing one.`,
    )
  }
  // On an external token the key is found there by the certificate's key id.
  const leaf = choose(external ? found : found.filter((c) => c.hasPrivateKey), at)
  if (!leaf) {
    throw new ServerCredentialsError(
      'no-private-key',
      `The certificate "${nickname}" has no private key in the store at ${dir} (certutil -K -d ${dir} lists keys); import it together with its key (pk12util -i FILE.p12 -d ${dir}) or create a new one with certutil -S.`,
    )
  }
  const cert = leaf.certificate
  if (at < cert.notBefore) {
    throw new ServerCredentialsError(
      'not-yet-valid',
      `The certificate "${nickname}" is not valid until ${cert.notBefore.toISOString()}, so clients would refuse it; check the system clock, or wait, or install a certificate that is valid now under that nickname.`,
    )
  }
  if (at > cert.notAfter) {
    throw new ServerCredentialsError(
      'expired',
      `The certificate "${nickname}" expired on ${cert.notAfter.toISOString()}, so clients would refuse it; install a renewed certificate and its key under the same nickname (pk12util -i, or certutil -S) and reload.`,
    )
  }

  let key: KeyObject | TokenKeyReference
  if (external) {
    key = tokenKey(store, options.token, cert.keyId, options.passwordFor(options.token), nickname, source)
  } else {
    const unlocked = unlock(store, options.passwordFor(options.token), source)
    try {
      key = loadPrivateKey(store, unlocked, cert.keyId)
    } catch (e) {
      if (e instanceof MsgctlError) throw new ServerCredentialsError('token-unusable', `The private key of "${nickname}" cannot be used: ${e.message}`)
      throw e
    }
  }

  const chain = chainToSend(buildChain(store, leaf).map((c) => c.certificate))
  return {
    key,
    certificate: cert,
    chain,
    certChainPem: chain.map((c) => c.toPem()).join(''),
    clientCaPem: clientCas(store).map((c) => c.toPem()),
    notAfter: cert.notAfter,
    warnings: warningsFor(store, leaf, nickname, at),
  }
}

/** NSS's `token:nickname` form, for the internal token or the configured one. */
function withoutTokenPrefix(nickname: string, token: string): string {
  const colon = nickname.indexOf(':')
  if (colon <= 0) return nickname
  const prefix = nickname.slice(0, colon)
  return isInternalToken(prefix) || prefix === token ? nickname.slice(colon + 1) : nickname
}

/** Several certificates under one nickname (a renewal kept the old one): one valid now, then the one lasting longest. */
function choose(candidates: readonly StoredCertificate[], at: Date): StoredCertificate | null {
  let best: StoredCertificate | null = null
  for (const c of candidates) {
    if (!best) {
      best = c
      continue
    }
    const validC = c.certificate.isValidAt(at)
    const validBest = best.certificate.isValidAt(at)
    if (validC !== validBest ? validC : c.certificate.notAfter > best.certificate.notAfter) best = c
  }
  return best
}

/**
 * The chain as sent in the handshake. A self-signed root is left off: a
 * client can only trust the chain if it already holds that root, so
 * sending it costs bytes on every handshake and proves nothing (RFC 8446
 * §4.4.2 lets the server omit it). A self-signed leaf is still sent.
 * (When the root is also a client-certificate CA, node finds it among the
 * context's CAs and appends it anyway; harmless.)
 */
function chainToSend(chain: readonly Certificate[]): Certificate[] {
  const last = chain[chain.length - 1]
  return chain.length > 1 && last && last.isSelfIssued ? chain.slice(0, -1) : [...chain]
}

/** The seed: a client certificate is asked for when the store holds a CA trusted for client certificates. */
function clientCas(store: Store): Certificate[] {
  const seen = new Set<string>()
  const out: Certificate[] = []
  for (const c of listCertificates(store)) {
    if ((c.trust.ssl & TRUST.TRUSTED_CLIENT_CA) === 0) continue
    const fp = c.certificate.fingerprintSha256.toString('hex')
    if (seen.has(fp)) continue
    seen.add(fp)
    out.push(c.certificate)
  }
  return out
}

/**
 * The server key on an external token: checked (log in, find the key, sign
 * once) before the engine ever sees it, so a wrong PIN or a missing key is a
 * refused snapshot with the reason.
 */
function tokenKey(store: Store, token: string, keyId: Buffer, pin: string | null, nickname: string, source: string): TokenKeyReference {
  const engine = pkcs11EnginePath()
  if (!engine) {
    throw new ServerCredentialsError('token-unusable', `encryption.rsa.nsssltoken names the token "${token}", but OpenSSL's PKCS #11 engine is not installed; install libengine-pkcs11-openssl (or set MSGCTL_PKCS11_ENGINE to its pkcs11.so).`)
  }
  if (pin === null) {
    throw new ServerCredentialsError('no-password', `${source} gives no PIN for the token "${token}"; add the line "${token}:PIN" to ${source} and chmod 600 it.`)
  }
  const probe = probeTokenKey(store.location.dir, token, keyId, pin)
  if (!probe.ok) {
    const message = {
      'no-password': `${source} gives no PIN for the token "${token}"; add the line "${token}:PIN" to it.`,
      'wrong-password': `The PIN ${source} gives for the token "${token}" is refused by the token; correct its "${token}:" line (${probe.message}).`,
      'no-private-key': `The token "${token}" holds no private key for the certificate "${nickname}" (key id ${keyId.toString('hex')}); make the key there with certutil -G or -S -h "${token}", or set encryption.rsa.nsssltoken to internal.`,
      'token-unusable': `The token "${token}" cannot serve the key of "${nickname}": ${probe.message}. modutil -list shows the modules and their tokens.`,
    }[probe.problem]
    throw new ServerCredentialsError(probe.problem, message)
  }
  return {token, engine: 'pkcs11', identifier: tokenKeyUri(token, keyId, pin), library: probe.library}
}

/** Unseal the internal token; a missing password line means "try the empty password". */
function unlock(store: Store, password: string | null, source: string): TokenKey {
  try {
    return unlockToken(store, password ?? '')
  } catch (e) {
    if (e instanceof IncorrectPasswordError) {
      if (password === null) {
        throw new ServerCredentialsError(
          'no-password',
          `The store's token has a password but ${source} gives none for it; add the line "Internal (Software) Token:PASSWORD" to ${source} and chmod 600 it.`,
        )
      }
      throw new ServerCredentialsError(
        'wrong-password',
        `The password ${source} gives for the internal token is wrong; correct its "Internal (Software) Token:" line to the store's token password (certutil -W changes that password).`,
      )
    }
    if (e instanceof MsgctlError) throw new ServerCredentialsError('token-unusable', `The store's token cannot be unlocked: ${e.message}`)
    throw e
  }
}

function warningsFor(store: Store, leaf: StoredCertificate, nickname: string, at: Date): string[] {
  const warnings: string[] = []
  const daysLeft = Math.floor((leaf.certificate.notAfter.getTime() - at.getTime()) / DAY_MS)
  if (daysLeft < EXPIRY_WARNING_DAYS) {
    warnings.push(`The certificate "${nickname}" expires on ${leaf.certificate.notAfter.toISOString()} (in ${daysLeft} days); install a renewed one before then.`)
  }
  // Not fatal: a store may lack the root of a commercial CA the clients trust anyway.
  for (const problem of validateCertificate(store, leaf, 'V')) {
    warnings.push(`certutil -V -u V -n "${nickname}" reports for "${problem.name}": ${problem.message}`)
  }
  return warnings
}
