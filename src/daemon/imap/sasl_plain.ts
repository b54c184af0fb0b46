import type {Directory} from '../session_types.js'
import type {SaslExchange, SaslMechanism, SaslStep} from './sasl_mechanism.js'

/** PLAIN (RFC 4616): `authzid NUL authcid NUL password` in one message. */
export const saslPlain: SaslMechanism = {
  name: 'PLAIN',
  plaintext: true,
  start(directory: Directory): SaslExchange {
    return {
      async step(response: Buffer | null): Promise<SaslStep> {
        if (response === null) return {kind: 'challenge', data: Buffer.alloc(0)}
        const fields = splitNul(response)
        if (fields === null) return {kind: 'failure', reason: 'malformed'}
        const [authzid, authcid, password] = fields
        // The password is used exactly as sent: no trimming.
        const user = await directory.verifyPassword(authcid, password)
        if (user === null) return {kind: 'failure', reason: 'credentials'}
        if (authzid !== '' && authzid !== authcid && authzid !== user) return {kind: 'failure', reason: 'authzid'}
        return {kind: 'success', user}
      },
    }
  },
}

function splitNul(message: Buffer): [string, string, string] | null {
  const first = message.indexOf(0)
  const second = first === -1 ? -1 : message.indexOf(0, first + 1)
  if (second === -1 || message.indexOf(0, second + 1) !== -1) return null
  const authcid = message.toString('utf8', first + 1, second)
  if (authcid === '') return null
  return [message.toString('utf8', 0, first), authcid, message.toString('utf8', second + 1)]
}
