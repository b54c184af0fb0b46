/**
 * AUTH (RFC 5034): a SASL exchange with "+ " continuations and "*" to
 * cancel; every mechanism the core implements can run here, and success
 * goes through the same login as USER/PASS. Without a mechanism it lists
 * the mechanisms, as many clients expect (the pre-RFC 5034 form).
 */
import {advertisedMechanisms, mechanismOffer, parseSaslResponseLine, startExchange} from '../../sasl/index.js'
import type {PopCommand} from './command.js'
import {plaintextRefusal} from './plaintext_refusal.js'

export const AUTH: PopCommand = {
  verb: 'AUTH',
  states: ['authorization'],
  async run(session, args) {
    const {settings, transport} = session.context
    const [name = '', initial, extra] = args.trim().split(/[ \t]+/)
    if (name === '') {
      session.ok('')
      for (const m of advertisedMechanisms(settings, transport)) session.write(`${m}\r\n`)
      return session.write('.\r\n')
    }
    if (extra !== undefined) return session.err('Syntax: AUTH mechanism [initial-response]')
    switch (mechanismOffer(name, settings, transport)) {
      case 'not-offered':
        return session.err('Unsupported authentication mechanism.')
      case 'needs-tls':
        return session.err(plaintextRefusal('needs-tls'))
      case 'plaintext-disabled':
        return session.err(plaintextRefusal('never'))
      case 'needs-certificate':
        return session.err('EXTERNAL needs a verified TLS client certificate.')
      case 'offered':
        break
    }
    const mechanism = name.toUpperCase()
    const exchange = startExchange(mechanism, session.context, 'pop')
    if (exchange === null) return session.err('Unsupported authentication mechanism.')

    let response: Buffer | null = null
    if (initial !== undefined) {
      const parsed = parseSaslResponseLine(initial, true)
      if (parsed.kind === 'cancel') return session.err('Authentication cancelled.')
      if (parsed.kind === 'invalid') return session.err('Cannot decode the initial response.')
      response = parsed.bytes
    }
    const startedAt = Date.now()
    for (;;) {
      const step = await exchange.step(response)
      if (step.kind !== 'challenge') return session.login(step, `AUTH ${mechanism}`, startedAt)
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
