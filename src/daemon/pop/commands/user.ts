/** USER name (RFC 1939 §7). Always +OK, so the reply does not tell which users exist. */
import type {PopCommand} from './command.js'
import {plaintextRefusal} from './plaintext_refusal.js'

export const USER: PopCommand = {
  verb: 'USER',
  states: ['authorization'],
  run(session, args) {
    const verdict = session.plaintext()
    if (verdict !== 'allowed') return session.err(plaintextRefusal(verdict))
    const name = args.trim()
    if (name === '') return session.err('Syntax: USER name')
    session.pendingUser = name
    session.ok('Send your password.')
  },
}
