/**
 * SASL LOGIN (draft-murchison-sasl-login): prompts "Username:" then
 * "Password:". The user name may come as an initial response (Python
 * smtplib, Outlook), which skips the first prompt.
 */
import type {SaslExchange, SaslMechanism, SaslStep} from './mechanism.js'

const USERNAME_PROMPT = Buffer.from('Username:')
const PASSWORD_PROMPT = Buffer.from('Password:')

class LoginExchange implements SaslExchange {
  #user: string | null = null
  #started = false

  step(response: Buffer | null): SaslStep {
    if (!this.#started) {
      this.#started = true
      if (response === null) return {kind: 'challenge', data: USERNAME_PROMPT}
    } else if (response === null) {
      return {kind: 'malformed', reason: 'LOGIN expects a response'}
    }
    const value = response!.toString('utf8')
    if (this.#user === null) {
      if (value.length === 0) return {kind: 'malformed', reason: 'LOGIN needs a user name'}
      this.#user = value
      return {kind: 'challenge', data: PASSWORD_PROMPT}
    }
    if (value.length === 0) return {kind: 'malformed', reason: 'LOGIN needs a password'}
    return {kind: 'password', authzid: '', authcid: this.#user, password: value}
  }
}

export const LOGIN: SaslMechanism = {name: 'LOGIN', plaintext: true, start: () => new LoginExchange()}
