import {challenge, fail, succeed, type SaslContext, type SaslMechanism, type SaslStep} from './mechanism.js'
import {decodeUtf8} from './utf8.js'

/**
 * EXTERNAL (RFC 4422 Appendix A): the identity is the TLS client
 * certificate, mapped to a user by the directory (certmap). The message is
 * the requested authorization identity; empty means "the mapped user".
 * We grant no proxy rights, so a non-empty one must be the mapped user.
 */
export function createExternal(context: SaslContext): SaslMechanism {
  const decide = async (message: Buffer): Promise<SaslStep> => {
    const authzid = decodeUtf8(message)
    if (authzid == null || authzid.includes('\0') || message.length > 1024) return fail('malformed', 'EXTERNAL authorization identity must be UTF-8 text')
    const certificate = context.peerCertificate
    if (!certificate || certificate.length === 0) return fail('bad-credentials', 'no TLS client certificate was presented')
    if (!context.credentials.mapCertificate) return fail('unavailable', 'no certificate mapping is configured')
    const user = await context.credentials.mapCertificate(certificate)
    if (user == null) return fail('bad-credentials', 'the client certificate maps to no user')
    if (authzid !== '' && authzid !== user) return fail('not-authorized', 'not authorized to act as the requested authorization identity')
    return succeed(user)
  }
  return {
    name: 'EXTERNAL',
    start: async (initialResponse) => (initialResponse == null ? challenge(Buffer.alloc(0)) : decide(initialResponse)),
    next: decide,
  }
}
