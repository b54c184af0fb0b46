/** PASS string (RFC 1939 §7): the rest of the line, spaces included, is the password. */
import type {PopCommand} from './command.js'
import {plaintextRefusal} from './plaintext_refusal.js'

export const PASS: PopCommand = {
  verb: 'PASS',
  states: ['authorization'],
  async run(session, args) {
    const verdict = session.plaintext()
    if (verdict !== 'allowed') return session.err(plaintextRefusal(verdict))
    const user = session.pendingUser
    session.pendingUser = null
    if (user === null) return session.err('Send USER first.')
    if (args === '') return session.err('Syntax: PASS password')
    await session.login({authcid: user, password: args, authzid: ''}, Date.now())
  },
}
