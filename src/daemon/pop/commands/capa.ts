/** CAPA (RFC 2449): what can be used now; USER and SASL only when their passwords would be accepted. */
import {availableMechanisms} from '../../smtp/sasl/index.js'
import {multiLineText} from '../reply.js'
import type {PopCommand} from './command.js'

export const CAPA: PopCommand = {
  verb: 'CAPA',
  states: ['authorization', 'transaction'],
  run(session) {
    const {transport} = session.context
    const plaintextAllowed = session.plaintext() === 'allowed'
    const lines = ['TOP', 'UIDL']
    if (plaintextAllowed) lines.push('USER')
    const mechanisms = availableMechanisms(plaintextAllowed, session.context.settings.saslMechanisms)
    if (mechanisms.length > 0) lines.push(`SASL ${mechanisms.map((m) => m.name).join(' ')}`)
    lines.push('RESP-CODES', 'AUTH-RESP-CODE', 'PIPELINING', 'IMPLEMENTATION msgctl')
    if (session.state === 'authorization' && !transport.secure && transport.canStartTls) lines.push('STLS')
    session.ok('Capability list follows')
    session.write(multiLineText(lines))
  },
}
