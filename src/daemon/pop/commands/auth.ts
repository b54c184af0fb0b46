/**
 * AUTH (RFC 5034): a SASL exchange with "+ " continuations and "*" to
 * cancel. Without a mechanism it lists the mechanisms, as many clients
 * expect (the pre-RFC 5034 form).
 */
import {availableMechanisms, findMechanism, parseSaslResponseLine} from '../../smtp/sasl/index.js'
import type {PopCommand} from './command.js'
import {plaintextRefusal} from './plaintext_refusal.js'

export const AUTH: PopCommand = {
  verb: 'AUTH',
  states: ['authorization'],
  async run(session, args) {
    const [name = '', initial, extra] = args.trim().split(/[ \t]+/)
    const plaintext = session.plaintext()
    if (name === '') {
      session.ok('')
      for (const m of availableMechanisms(plaintext === 'allowed', session.context.settings.saslMechanisms)) session.write(`${m.name}\r\n`)
      return session.write('.\r\n')
    }
    if (extra !== undefined) return session.err('Syntax: AUTH mechanism [initial-response]')
    const mechanism = findMechanism(name, session.context.settings.saslMechanisms)
    if (!mechanism) return session.err('Unsupported authentication mechanism.')
    if (mechanism.plaintext && plaintext !== 'allowed') return session.err(plaintextRefusal(plaintext))

    const exchange = mechanism.start()
    let response: Buffer | null = null
    if (initial !== undefined) {
      const parsed = parseSaslResponseLine(initial, true)
      if (parsed.kind === 'cancel') return session.err('Authentication cancelled.')
      if (parsed.kind === 'invalid') return session.err('Cannot decode the initial response.')
      response = parsed.bytes
    }
    const startedAt = Date.now()
    for (;;) {
      const step = exchange.step(response)
      if (step.kind === 'malformed') return session.login(null, startedAt)
      if (step.kind === 'password') return session.login(step, startedAt)
      session.write(`+ ${step.data.toString('base64')}\r\n`)
      const line = await session.nextLine()
      if (line.tooLong) return session.err('Authentication line too long.')
      const parsed = parseSaslResponseLine(line.bytes.toString('latin1'), false)
      if (parsed.kind === 'cancel') return session.err('Authentication cancelled.')
      if (parsed.kind === 'invalid') return session.err('Cannot decode the response.')
      response = parsed.bytes
    }
  },
}
