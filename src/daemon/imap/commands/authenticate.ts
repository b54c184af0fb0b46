import {mechanismOffer, parseSaslResponseLine} from '../../sasl/index.js'
import {bad, no, type ImapCommand} from '../command.js'
import {loginFailed, loginSucceeded, plaintextRefusal} from '../login_outcome.js'
import {continuation} from '../response_composer.js'
import {NOT_AUTHENTICATED} from '../session_state.js'

/** Failure reasons other than a malformed message, as RFC 5530 response codes. */
const FAILURE_CODES = {credentials: 'AUTHENTICATIONFAILED', authzid: 'AUTHORIZATIONFAILED', unavailable: 'UNAVAILABLE'} as const

/**
 * AUTHENTICATE mechanism [initial-response] (RFC 3501 §6.2.2, RFC 4959
 * SASL-IR). The session relays base64 lines; the mechanism decides. "*"
 * from the client cancels; "=" as initial response means an empty one.
 * Only what CAPABILITY offers now may be used.
 */
export const authenticateCommand: ImapCommand = {
  name: 'AUTHENTICATE',
  states: NOT_AUTHENTICATED,
  async run(session, args) {
    const name = args.atom('a mechanism name').toUpperCase()
    let response: Buffer | null = null
    if (args.accept(' ')) {
      const initial = parseSaslResponseLine(args.rest().toString('latin1'), true)
      if (initial.kind === 'cancel') return bad('Authentication cancelled')
      if (initial.kind === 'invalid') return bad('Invalid base64 in the initial response')
      response = initial.bytes
    }
    args.end()
    const {settings, transport} = session.context
    const mechanism = session.mechanisms.find((m) => m.name === name)
    const offer = mechanismOffer(name, settings, transport)
    if (mechanism === undefined || offer === 'not-offered') return no(`Unsupported authentication mechanism ${name.slice(0, 40)}`)
    if (offer === 'needs-tls' || offer === 'plaintext-disabled') return plaintextRefusal(session)
    if (offer === 'needs-certificate') return no('EXTERNAL needs a verified TLS client certificate')
    const exchange = mechanism.start(session.context.directory)
    for (;;) {
      const step = await exchange.step(response)
      if (step.kind === 'success') {
        // RFC 4505: the ANONYMOUS trace is for the log, never a credential.
        const trace = step.trace === undefined ? '' : ` trace=${JSON.stringify(step.trace.slice(0, 255))}`
        return loginSucceeded(session, step.user, `AUTHENTICATE ${name}${trace}`)
      }
      if (step.kind === 'failure') {
        if (step.reason === 'malformed') return bad('Malformed authentication message')
        return loginFailed(session, null, `AUTHENTICATE ${name}`, FAILURE_CODES[step.reason], step.detail)
      }
      session.send(continuation(step.data.toString('base64')))
      const line = await session.readLine()
      if (line === null) return no('Authentication ended by the server')
      const text = line.toString('latin1').trim()
      if (text === '*') return bad('Authentication cancelled')
      // "=" stays an empty response here too, as it always was for IMAP clients.
      const parsed = parseSaslResponseLine(text, true)
      if (parsed.kind !== 'data') return bad('Invalid base64 in the authentication response')
      response = parsed.bytes
    }
  },
}
