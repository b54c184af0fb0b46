import {createHmac, randomBytes} from 'node:crypto'
import {challenge, fail, succeed, type SaslContext, type SaslMechanism} from './mechanism.js'
import {safeEqual} from './safe_equal.js'
import {decodeUtf8} from './utf8.js'

export interface CramMd5Options {
  /** Fixed challenge, for tests with the RFC 2195 vector; normally a fresh one per attempt. */
  challenge?: string
}

/** `<random.time@host>`: the random part keeps challenges unique even within one millisecond. */
export function cramMd5Challenge(hostname: string): string {
  return `<${randomBytes(8).readBigUInt64BE()}.${Date.now()}@${hostname}>`
}

/**
 * CRAM-MD5 (RFC 2195): the client answers `user SP hex(HMAC-MD5(password,
 * challenge))`. The server needs the cleartext password to recompute it.
 */
export function createCramMd5(context: SaslContext, options: CramMd5Options = {}): SaslMechanism {
  const sent = options.challenge ?? cramMd5Challenge(context.hostname)
  return {
    name: 'CRAM-MD5',
    async start(initialResponse) {
      // Server-first: there is nothing a client could answer before seeing the challenge.
      if (initialResponse != null) return fail('malformed', 'CRAM-MD5 takes no initial response')
      if (!context.credentials.cleartextPassword) return fail('unavailable', 'CRAM-MD5 needs plain passwords in the directory')
      return challenge(sent)
    },
    async next(response) {
      const text = decodeUtf8(response)
      const m = text == null ? null : /^(.+) ([0-9a-fA-F]{32})$/s.exec(text)
      if (!m) return fail('malformed', 'CRAM-MD5 expects: user name, space, 32 hex digits')
      const [, name, digestHex] = m as unknown as [string, string, string]
      const password = await context.credentials.cleartextPassword?.(name)
      const user = context.credentials.lookup(name)
      if (password == null || user == null) return fail('bad-credentials', 'invalid user name or password')
      const expected = createHmac('md5', Buffer.from(password, 'utf8')).update(sent, 'utf8').digest()
      return safeEqual(expected, Buffer.from(digestHex, 'hex')) ? succeed(user) : fail('bad-credentials', 'invalid user name or password')
    },
  }
}
