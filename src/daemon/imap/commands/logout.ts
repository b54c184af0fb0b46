import {ok, type ImapCommand} from '../command.js'
import {untaggedStatus} from '../response_composer.js'
import {ANY_STATE} from '../session_state.js'

/** LOGOUT (RFC 3501 §6.1.3): BYE, tagged OK, close. */
export const logoutCommand: ImapCommand = {
  name: 'LOGOUT',
  states: ANY_STATE,
  run(session, args) {
    args.end()
    session.logout()
    session.send(untaggedStatus('BYE', null, 'Logging out'))
    return {...ok('LOGOUT completed'), after: () => session.close()}
  },
}
