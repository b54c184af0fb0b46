import {bad, no, type ImapCommand} from '../command.js'
import {passwordLoginAllowed} from '../capabilities.js'
import {loginFailed, loginSucceeded, plaintextRefusal} from '../login_outcome.js'
import {continuation} from '../response_composer.js'
import {NOT_AUTHENTICATED} from '../session_state.js'

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/

/**
 * AUTHENTICATE mechanism [initial-response] (RFC 3501 §6.2.2, RFC 4959
 * SASL-IR). The session relays base64 lines; the mechanism decides. "*"
 * from the client cancels; "=" as initial response means an empty one.
 */
export const authenticateCommand: ImapCommand = {
  name: 'AUTHENTICATE',
  states: NOT_AUTHENTICATED,
  async run(session, args) {
    const name = args.atom('a mechanism name').toUpperCase()
    let response: Buffer | null = null
    if (args.accept(' ')) {
      const initial = args.rest().toString('latin1')
      response = decode(initial)
      if (response === null) return bad('Invalid base64 in the initial response')
    }
    args.end()
    const mechanism = session.mechanisms.find((m) => m.name === name)
    if (mechanism === undefined) return no(`Unsupported authentication mechanism ${name.slice(0, 40)}`)
    if (mechanism.plaintext && !passwordLoginAllowed(session.context.settings, session.context.transport)) return plaintextRefusal(session)
    const exchange = mechanism.start(session.context.directory)
    for (;;) {
      const step = await exchange.step(response)
      if (step.kind === 'success') return loginSucceeded(session, step.user, `AUTHENTICATE ${name}`)
      if (step.kind === 'failure') {
        if (step.reason === 'malformed') return bad('Malformed authentication message')
        return loginFailed(session, null, `AUTHENTICATE ${name}`, step.reason === 'authzid' ? 'AUTHORIZATIONFAILED' : 'AUTHENTICATIONFAILED')
      }
      session.send(continuation(step.data.toString('base64')))
      const line = await session.readLine()
      if (line === null) return no('Authentication ended by the server')
      const text = line.toString('latin1').trim()
      if (text === '*') return bad('Authentication cancelled')
      response = decode(text)
      if (response === null) return bad('Invalid base64 in the authentication response')
    }
  },
}

/** Base64 with "=" standing for an empty message; null if invalid. */
function decode(text: string): Buffer | null {
  if (text === '=') return Buffer.alloc(0)
  if (!BASE64.test(text)) return null
  return Buffer.from(text, 'base64')
}
