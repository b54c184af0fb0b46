import type {ImapCommand} from '../command.js'
import {passwordLoginAllowed} from '../capabilities.js'
import {loginFailed, loginSucceeded, plaintextRefusal} from '../login_outcome.js'
import {NOT_AUTHENTICATED} from '../session_state.js'

/** LOGIN user password (RFC 3501 §6.2.3). */
export const loginCommand: ImapCommand = {
  name: 'LOGIN',
  states: NOT_AUTHENTICATED,
  async run(session, args) {
    const user = args.astring('a user name')
    args.space()
    const password = args.astring('a password')
    args.end()
    if (!passwordLoginAllowed(session.context.settings, session.context.transport)) return plaintextRefusal(session)
    const canonical = await session.context.directory.verifyPassword(user, password)
    if (canonical === null) return loginFailed(session, user, 'LOGIN')
    return loginSucceeded(session, canonical, 'LOGIN')
  },
}
