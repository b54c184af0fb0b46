import {spawnSync} from 'node:child_process'
import {existsSync} from 'node:fs'
import {fileURLToPath} from 'node:url'

/**
 * A server key that stays on an external PKCS #11 token, served through
 * OpenSSL's PKCS #11 engine (Debian libengine-pkcs11-openssl) with Node's
 * privateKeyEngine / privateKeyIdentifier: each signature of a handshake is
 * a C_Sign on the token; the key is never read out.
 */
export interface TokenKeyReference {
  readonly token: string
  /** The engine's id: it is loaded (with its module) when the daemon starts, see engine_config.ts. */
  readonly engine: 'pkcs11'
  /** RFC 7512 URI naming the key, with the PIN: kept in memory only, never logged. */
  readonly identifier: string
  /** The module's library, which the engine loads (PKCS11_MODULE_PATH). */
  readonly library: string
}

/** Where distributions put OpenSSL 3's pkcs11 engine; MSGCTL_PKCS11_ENGINE overrides. */
const ENGINE_CANDIDATES = [
  '/usr/lib/x86_64-linux-gnu/engines-3/pkcs11.so',
  '/usr/lib/aarch64-linux-gnu/engines-3/pkcs11.so',
  '/usr/lib64/engines-3/pkcs11.so',
  '/usr/lib/engines-3/pkcs11.so',
]

export function pkcs11EnginePath(): string | null {
  const configured = process.env.MSGCTL_PKCS11_ENGINE
  if (configured) return existsSync(configured) ? configured : null
  return ENGINE_CANDIDATES.find((p) => existsSync(p)) ?? null
}

/** pkcs11: URI for a private key by token label and CKA_ID (RFC 7512 percent-encoding). */
export function tokenKeyUri(token: string, keyId: Buffer, pin: string): string {
  const pct = (s: string): string => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
  const id = [...keyId].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('')
  return `pkcs11:token=${pct(token)};id=${id};type=private;pin-value=${pct(pin)}`
}

export type TokenProbeResult = {ok: true; library: string} | {ok: false; problem: 'no-password' | 'wrong-password' | 'no-private-key' | 'token-unusable'; message: string}

/** Log in, find the key and sign once, in a child process (see token_key_probe.ts). */
export function probeTokenKey(dir: string, token: string, keyId: Buffer, pin: string | null): TokenProbeResult {
  const script = fileURLToPath(new URL('./token_key_probe.js', import.meta.url))
  const r = spawnSync(process.execPath, [script], {input: JSON.stringify({dir, token, keyId: keyId.toString('hex'), pin}), encoding: 'utf8', timeout: 30_000})
  if (r.status !== 0 || r.stdout.trim() === '') {
    const why = r.error ? r.error.message : (r.stderr.trim().split('\n').pop() ?? `exit status ${r.status}`)
    return {ok: false, problem: 'token-unusable', message: why}
  }
  return JSON.parse(r.stdout) as TokenProbeResult
}
