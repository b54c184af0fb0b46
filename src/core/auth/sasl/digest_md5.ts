import {createHash, randomBytes} from 'node:crypto'
import {parseDigestDirectives} from './digest_directives.js'
import {usedDigestNonces, type NonceRegistry} from './digest_nonces.js'
import {challenge, fail, succeed, type SaslContext, type SaslMechanism, type SaslStep} from './mechanism.js'
import {safeEqual} from './safe_equal.js'
import {decodeUtf8} from './utf8.js'

export interface DigestMd5Options {
  /** Fixed nonce, for tests with the RFC 2831 vector; normally 16 random bytes. */
  nonce?: string
  /** Where used nonces are remembered; the process-wide registry by default. */
  nonces?: NonceRegistry
}

const md5 = (...parts: (Buffer | string)[]): Buffer => {
  const h = createHash('md5')
  for (const p of parts) h.update(p)
  return h.digest()
}
const hex = (b: Buffer): string => b.toString('hex')

/** RFC 2831 §2.1.2.1: with charset=utf-8, strings that fit ISO 8859-1 are hashed in 8859-1. */
const hashBytes = (s: string): Buffer => ([...s].every((c) => c.codePointAt(0)! <= 0xff) ? Buffer.from(s, 'latin1') : Buffer.from(s, 'utf8'))

/**
 * DIGEST-MD5 (RFC 2831; Historic by RFC 6331), qop=auth with md5-sess only;
 * the realm is this host. The server proves it knows the password too:
 * `rspauth` goes out as a challenge and success follows the client's empty
 * reply.
 */
export function createDigestMd5(context: SaslContext, options: DigestMd5Options = {}): SaslMechanism {
  const nonces = options.nonces ?? usedDigestNonces
  const nonce = options.nonce ?? randomBytes(16).toString('base64')
  const realm = context.hostname
  let issuedAt = 0
  let verifiedUser: string | null = null

  const checkResponse = async (response: Buffer): Promise<SaslStep> => {
    // Parse as ISO 8859-1 (one char per byte, never fails); re-read values as UTF-8 if the client said so.
    const raw = parseDigestDirectives(response.toString('latin1'))
    if (!raw) return fail('malformed', 'unreadable DIGEST-MD5 response')
    const utf8 = raw.get('charset') === 'utf-8'
    const d = new Map<string, string>()
    for (const [k, v] of raw) {
      const value = utf8 ? decodeUtf8(Buffer.from(v, 'latin1')) : v
      if (value == null) return fail('malformed', 'DIGEST-MD5 values must be UTF-8 with charset=utf-8')
      d.set(k, value)
    }
    const username = d.get('username')
    const cnonce = d.get('cnonce')
    const nc = d.get('nc')
    const digestUri = d.get('digest-uri')
    const responseHex = d.get('response')
    const qop = d.get('qop') ?? 'auth'
    const authzid = d.get('authzid')
    if (!username || !cnonce || !nc || !digestUri || !responseHex || d.get('nonce') == null) {
      return fail('malformed', 'DIGEST-MD5 response lacks username, nonce, cnonce, nc, digest-uri or response')
    }
    if (!/^[0-9a-fA-F]{32}$/.test(responseHex)) return fail('malformed', 'DIGEST-MD5 response value is not 32 hex digits')
    if (qop !== 'auth') return fail('malformed', 'only qop=auth is offered')
    if (d.has('realm') && d.get('realm') !== realm) return fail('malformed', 'DIGEST-MD5 realm is not this server')
    if (d.get('nonce') !== nonce) return fail('malformed', 'DIGEST-MD5 nonce was not issued in this exchange')
    if (Date.now() - issuedAt > nonces.ttlMs) return fail('malformed', 'DIGEST-MD5 nonce has expired')
    if (!nonces.claim(nonce)) return fail('malformed', 'DIGEST-MD5 nonce was already used')
    // One response per fresh nonce: the count must start (and stay) at 1.
    if (nc !== '00000001') return fail('malformed', 'DIGEST-MD5 nonce count must be 00000001')
    const uri = digestUri.split('/')
    if (uri.length < 2 || uri.length > 3 || uri[0] !== context.serviceName || uri[1]!.toLowerCase() !== context.hostname.toLowerCase()) {
      return fail('malformed', `DIGEST-MD5 digest-uri must be ${context.serviceName}/${context.hostname}`)
    }

    const password = await context.credentials.cleartextPassword?.(username)
    const user = context.credentials.lookup(username)
    if (password == null || user == null) return fail('bad-credentials', 'invalid user name or password')
    // A1's first part is the 16 binary bytes of the MD5, not its hex (the classic mistake).
    const a1 = Buffer.concat([
      md5(hashBytes(username), ':', hashBytes(d.get('realm') ?? ''), ':', hashBytes(password)),
      Buffer.from(`:${nonce}:${cnonce}${authzid != null ? `:${authzid}` : ''}`, 'utf8'),
    ])
    const ha1 = hex(md5(a1))
    const kd = (a2: string) => md5(`${ha1}:${nonce}:${nc}:${cnonce}:${qop}:${hex(md5(a2))}`)
    if (!safeEqual(kd(`AUTHENTICATE:${digestUri}`), Buffer.from(responseHex, 'hex'))) return fail('bad-credentials', 'invalid user name or password')
    if (authzid != null && authzid !== '' && authzid !== username && authzid !== user) {
      return fail('not-authorized', 'not authorized to act as the requested authorization identity')
    }
    verifiedUser = user
    return challenge(`rspauth=${hex(kd(`:${digestUri}`))}`)
  }

  return {
    name: 'DIGEST-MD5',
    async start(initialResponse) {
      // Subsequent authentication (a response before any challenge) is not supported.
      if (initialResponse != null) return fail('malformed', 'DIGEST-MD5 takes no initial response')
      if (!context.credentials.cleartextPassword) return fail('unavailable', 'DIGEST-MD5 needs plain passwords in the directory')
      issuedAt = Date.now()
      return challenge(`realm="${realm}",nonce="${nonce}",qop="auth",charset=utf-8,algorithm=md5-sess`)
    },
    async next(response) {
      if (verifiedUser == null) return checkResponse(response)
      return response.length === 0 ? succeed(verifiedUser) : fail('malformed', 'DIGEST-MD5 expects an empty reply to rspauth')
    },
  }
}
