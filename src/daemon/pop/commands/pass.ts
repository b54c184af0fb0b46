/** PASS string (RFC 1939 §7): the rest of the line, spaces included, is the password. */
import type {SaslOutcome} from '../../sasl/index.js'
import type {Directory} from '../../session_types.js'
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
    const startedAt = Date.now()
    await session.login(await checkPassword(session.context.directory, user, args), 'USER/PASS', startedAt)
  },
}

async function checkPassword(directory: Directory, user: string, password: string): Promise<SaslOutcome> {
  try {
    const canonical = await directory.verifyPassword(user, password)
    return canonical === null ? {kind: 'failure', reason: 'credentials'} : {kind: 'success', user: canonical}
  } catch (error) {
    // A directory that throws (LDAP down) says nothing about the password.
    return {kind: 'failure', reason: 'unavailable', detail: (error as Error).message}
  }
}
