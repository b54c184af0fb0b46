/**
 * AUTH (RFC 4954): a SASL exchange with 334 continuations, "*" to cancel,
 * and a constant delay before every 535. Three failures in a row end the
 * connection. Every mechanism the core implements can run here; which ones
 * a client may use now is the shared offer's decision (the same list EHLO
 * shows).
 */
import {mechanismOffer, parseSaslResponseLine, startExchange, type SaslFailureReason} from '../../sasl/index.js'
import {AUTH_FAILURE_DELAY_MS, waitUntilElapsed} from '../failure_delay.js'
import type {SmtpCommand, SmtpSessionApi} from './command.js'

/** RFC 4954 §4: AUTH lines of at least 12,288 octets must be accepted. */
export const MAX_AUTH_LINE = 12288 + 2
const MAX_FAILURES = 3

export const AUTH: SmtpCommand = {
  verb: 'AUTH',
  states: ['ready'],
  wrongStateText: 'Error: AUTH not allowed during a mail transaction',
  async run(session, args) {
    if (!session.esmtp) return session.reply(503, '5.5.1', 'Error: send EHLO first')
    if (session.user !== null) return session.reply(503, '5.5.1', 'Error: already authenticated')
    const [name = '', initial, extra] = args.trim().split(/[ \t]+/)
    if (name === '' || extra !== undefined) return session.reply(501, '5.5.4', 'Syntax: AUTH mechanism [initial-response]')
    const {settings, transport} = session.context
    switch (mechanismOffer(name, settings, transport)) {
      case 'not-offered':
      case 'plaintext-disabled':
        return session.reply(504, '5.5.4', 'Unrecognized authentication type')
      case 'needs-tls':
        return session.reply(538, '5.7.11', 'Encryption required for requested authentication mechanism')
      case 'needs-certificate':
        return session.reply(504, '5.5.4', 'EXTERNAL needs a verified TLS client certificate')
      case 'offered':
        break
    }
    const mechanism = name.toUpperCase()
    const exchange = startExchange(mechanism, session.context, 'smtp')
    if (exchange === null) return session.reply(504, '5.5.4', 'Unrecognized authentication type')

    let response: Buffer | null = null
    if (initial !== undefined) {
      const parsed = parseSaslResponseLine(initial, true)
      if (parsed.kind === 'cancel') return session.reply(501, '5.7.0', 'Authentication cancelled')
      if (parsed.kind === 'invalid') return session.reply(501, '5.5.2', 'Cannot decode the initial response')
      response = parsed.bytes
    }
    const startedAt = Date.now()
    for (;;) {
      const step = await exchange.step(response)
      if (step.kind === 'failure') return fail(session, mechanism, step.reason, step.detail, startedAt)
      if (step.kind === 'success') {
        if (session.context.mayLogIn && !(await session.context.mayLogIn())) {
          transport.log(`AUTH ${mechanism} user=${step.user} refused by the SMTP access filters`)
          return session.reply(535, '5.7.1', 'Authentication is not allowed from this address')
        }
        session.user = step.user
        session.authFailures = 0
        transport.log(`AUTH ${mechanism} user=${step.user}`)
        session.context.onAuthenticated?.(step.user)
        return session.reply(235, '2.7.0', 'Authentication successful')
      }
      session.reply(334, null, step.data.toString('base64'))
      const line = await session.nextLine()
      if (line.tooLong) return session.reply(500, '5.5.6', 'Authentication exchange line is too long')
      const parsed = parseSaslResponseLine(line.bytes.toString('latin1'), false)
      if (parsed.kind === 'cancel') return session.reply(501, '5.7.0', 'Authentication cancelled')
      if (parsed.kind === 'invalid') return session.reply(501, '5.5.2', 'Cannot decode the response')
      response = parsed.bytes
    }
  },
}

async function fail(session: SmtpSessionApi, mechanism: string, reason: SaslFailureReason, detail: string | undefined, startedAt: number): Promise<void> {
  const {transport, settings} = session.context
  const why = detail === undefined ? '' : `: ${detail}`
  if (reason === 'unavailable') {
    // Not the client's fault: no delay, and it does not count towards the three failures.
    transport.log(`AUTH ${mechanism} unavailable${why}`)
    return session.reply(454, '4.7.0', 'Temporary authentication failure')
  }
  session.context.onAuthenticationFailed?.()
  await waitUntilElapsed(startedAt, AUTH_FAILURE_DELAY_MS)
  session.authFailures++
  transport.log(`AUTH ${mechanism} failed (${session.authFailures} in a row)${why}`)
  session.reply(535, '5.7.8', 'Authentication credentials invalid')
  if (session.authFailures >= MAX_FAILURES) {
    session.reply(421, '4.7.0', `${settings.hostname} Error: too many failed authentication attempts`)
    session.close()
  }
}
