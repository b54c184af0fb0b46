import type {Directory} from '../session_types.js'
import type {SaslExchange, SaslMechanism, SaslStep} from './sasl_mechanism.js'

/**
 * LOGIN (draft-murchison-sasl-login): "Username:" then "Password:". An
 * initial response is the user name (what Python's smtplib sends).
 */
export const saslLogin: SaslMechanism = {
  name: 'LOGIN',
  plaintext: true,
  start(directory: Directory): SaslExchange {
    let user: string | null = null
    return {
      async step(response: Buffer | null): Promise<SaslStep> {
        if (response === null) return {kind: 'challenge', data: Buffer.from('Username:')}
        if (user === null) {
          user = response.toString('utf8')
          return {kind: 'challenge', data: Buffer.from('Password:')}
        }
        const canonical = await directory.verifyPassword(user, response.toString('utf8'))
        return canonical === null ? {kind: 'failure', reason: 'credentials'} : {kind: 'success', user: canonical}
      },
    }
  },
}
