/**
 * AUTH (RFC 4954): a SASL exchange with 334 continuations, "*" to cancel,
 * and a constant delay before every 535. Three failures in a row end the
 * connection.
 */
import {AUTH_FAILURE_DELAY_MS, waitUntilElapsed} from '../failure_delay.js'
import {checkPassword, findMechanism, parseSaslResponseLine} from '../sasl/index.js'
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
    const mechanism = findMechanism(name, session.context.settings.saslMechanisms)
    if (!mechanism) return session.reply(504, '5.5.4', 'Unrecognized authentication type')
    if (mechanism.plaintext) {
      const verdict = session.plaintext()
      if (verdict === 'never') return session.reply(504, '5.5.4', 'Unrecognized authentication type')
      if (verdict === 'needs-tls') return session.reply(538, '5.7.11', 'Encryption required for requested authentication mechanism')
    }

    const exchange = mechanism.start()
    let response: Buffer | null = null
    if (initial !== undefined) {
      const parsed = parseSaslResponseLine(initial, true)
      if (parsed.kind === 'cancel') return session.reply(501, '5.7.0', 'Authentication cancelled')
      if (parsed.kind === 'invalid') return session.reply(501, '5.5.2', 'Cannot decode the initial response')
      response = parsed.bytes
    }
    const startedAt = Date.now()
    for (;;) {
      const step = exchange.step(response)
      if (step.kind === 'malformed') return fail(session, startedAt)
      if (step.kind === 'password') {
        const user = await checkPassword(session.context.directory, step.authcid, step.password, step.authzid)
        if (user === null) return fail(session, startedAt)
        session.user = user
        session.authFailures = 0
        session.context.transport.log(`AUTH ${mechanism.name} user=${user}`)
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

async function fail(session: SmtpSessionApi, startedAt: number): Promise<void> {
  await waitUntilElapsed(startedAt, AUTH_FAILURE_DELAY_MS)
  session.authFailures++
  session.context.transport.log(`AUTH failed (${session.authFailures} in a row)`)
  session.reply(535, '5.7.8', 'Authentication credentials invalid')
  if (session.authFailures >= MAX_FAILURES) {
    session.reply(421, '4.7.0', `${session.context.settings.hostname} Error: too many failed authentication attempts`)
    session.close()
  }
}
