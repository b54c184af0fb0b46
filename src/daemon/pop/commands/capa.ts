/**
 * CAPA (RFC 2449): what can be used now. USER only when a clear-text
 * password would be accepted; SASL lists the shared offer (what AUTH
 * accepts now). APOP has no capability: the greeting's timestamp says it.
 */
import {advertisedMechanisms} from '../../sasl/index.js'
import {multiLineText} from '../reply.js'
import type {PopCommand} from './command.js'

export const CAPA: PopCommand = {
  verb: 'CAPA',
  states: ['authorization', 'transaction'],
  run(session) {
    const {settings, transport} = session.context
    const lines = ['TOP', 'UIDL']
    if (session.plaintext() === 'allowed') lines.push('USER')
    const mechanisms = advertisedMechanisms(settings, transport)
    if (mechanisms.length > 0) lines.push(`SASL ${mechanisms.join(' ')}`)
    lines.push('RESP-CODES', 'AUTH-RESP-CODE', 'PIPELINING', 'IMPLEMENTATION msgctl')
    if (session.state === 'authorization' && !transport.secure && transport.canStartTls) lines.push('STLS')
    session.ok('Capability list follows')
    session.write(multiLineText(lines))
  },
}
