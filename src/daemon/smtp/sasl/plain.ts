/** SASL PLAIN (RFC 4616): one message, `[authzid] NUL authcid NUL passwd`. */
import type {SaslExchange, SaslMechanism, SaslStep} from './mechanism.js'

/** RFC 4616 §2: each field at most 255 octets. */
const MAX_FIELD = 255

export function parsePlainMessage(message: Buffer): SaslStep {
  const first = message.indexOf(0)
  const second = first < 0 ? -1 : message.indexOf(0, first + 1)
  if (first < 0 || second < 0 || message.indexOf(0, second + 1) >= 0) {
    return {kind: 'malformed', reason: 'PLAIN message needs exactly two NUL separators'}
  }
  const fields = [message.subarray(0, first), message.subarray(first + 1, second), message.subarray(second + 1)]
  if (fields.some((f) => f.length > MAX_FIELD)) return {kind: 'malformed', reason: 'PLAIN field longer than 255 octets'}
  const [authzid, authcid, password] = fields.map((f) => f.toString('utf8')) as [string, string, string]
  if (authcid.length === 0 || password.length === 0) return {kind: 'malformed', reason: 'PLAIN needs a user name and a password'}
  // The password is taken as sent: trimming it would accept a different secret.
  return {kind: 'password', authzid, authcid, password}
}

class PlainExchange implements SaslExchange {
  #asked = false

  step(response: Buffer | null): SaslStep {
    if (response === null) {
      if (this.#asked) return {kind: 'malformed', reason: 'PLAIN expects a response'}
      this.#asked = true
      // An empty challenge asks the client for its message.
      return {kind: 'challenge', data: Buffer.alloc(0)}
    }
    return parsePlainMessage(response)
  }
}

export const PLAIN: SaslMechanism = {name: 'PLAIN', plaintext: true, start: () => new PlainExchange()}
