import {challenge, fail, succeed, type SaslContext, type SaslMechanism, type SaslStep} from './mechanism.js'
import {decodeUtf8} from './utf8.js'

/** Generous for a user name or password, small enough that a client cannot make us hash megabytes. */
const MAX_FIELD_BYTES = 1024

/**
 * LOGIN (draft-murchison-sasl-login): prompts `Username:` then `Password:`.
 * Python's smtplib sends the user name as an initial response, so that
 * shape skips the first prompt.
 */
export function createLogin(context: SaslContext): SaslMechanism {
  let username: string | null = null

  const field = (bytes: Buffer, what: string): string | SaslStep => {
    if (bytes.length === 0 || bytes.length > MAX_FIELD_BYTES || bytes.includes(0)) return fail('malformed', `LOGIN ${what} is empty, too long or contains NUL`)
    return decodeUtf8(bytes) ?? fail('malformed', `LOGIN ${what} must be UTF-8`)
  }
  const takeUsername = (bytes: Buffer): SaslStep => {
    const name = field(bytes, 'user name')
    if (typeof name !== 'string') return name
    username = name
    return challenge('Password:')
  }

  return {
    name: 'LOGIN',
    // An empty initial response carries no user name: ask for one.
    start: async (initialResponse) => (initialResponse == null || initialResponse.length === 0 ? challenge('Username:') : takeUsername(initialResponse)),
    async next(response) {
      if (username == null) return takeUsername(response)
      const password = field(response, 'password')
      if (typeof password !== 'string') return password
      const user = await context.credentials.verifyPassword(username, password)
      return user == null ? fail('bad-credentials', 'invalid user name or password') : succeed(user)
    },
  }
}
