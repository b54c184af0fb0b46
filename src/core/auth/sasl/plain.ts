import {challenge, fail, succeed, type SaslContext, type SaslMechanism, type SaslStep} from './mechanism.js'
import {decodeUtf8} from './utf8.js'

/** RFC 4616: each field is at most 255 octets. */
const MAX_FIELD_BYTES = 255

/**
 * PLAIN (RFC 4616): `[authzid] NUL authcid NUL passwd` in one message. The
 * password is used exactly as sent (never trimmed); we grant no proxy
 * rights, so a non-empty authzid must name the authenticated user.
 */
export function createPlain(context: SaslContext): SaslMechanism {
  const verify = async (message: Buffer): Promise<SaslStep> => {
    const fields = splitNul(message)
    if (!fields || fields.length !== 3) return fail('malformed', 'PLAIN expects authzid NUL authcid NUL password')
    if (fields.some((f) => f.length > MAX_FIELD_BYTES)) return fail('malformed', 'a PLAIN field is longer than 255 bytes')
    const [authzid, authcid, password] = fields.map(decodeUtf8)
    if (authzid == null || authcid == null || password == null) return fail('malformed', 'PLAIN fields must be UTF-8')
    if (authcid === '' || password === '') return fail('malformed', 'PLAIN needs a user name and a password')
    const user = await context.credentials.verifyPassword(authcid, password)
    if (user == null) return fail('bad-credentials', 'invalid user name or password')
    if (authzid !== '' && authzid !== authcid && authzid !== user) {
      return fail('not-authorized', 'not authorized to act as the requested authorization identity')
    }
    return succeed(user)
  }
  return {
    name: 'PLAIN',
    // Without an initial response the client waits for an empty challenge (RFC 4422 §5).
    start: async (initialResponse) => (initialResponse == null ? challenge(Buffer.alloc(0)) : verify(initialResponse)),
    next: verify,
  }
}

function splitNul(message: Buffer): Buffer[] {
  const fields: Buffer[] = []
  let from = 0
  for (let i = message.indexOf(0); i !== -1; i = message.indexOf(0, from)) {
    fields.push(message.subarray(from, i))
    from = i + 1
  }
  fields.push(message.subarray(from))
  return fields
}
