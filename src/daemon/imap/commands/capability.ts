import {ok, type ImapCommand} from '../command.js'
import {atom, untagged} from '../response_composer.js'
import {ANY_STATE} from '../session_state.js'

/** CAPABILITY (RFC 3501 §6.1.1): computed now, since STARTTLS and login change it. */
export const capabilityCommand: ImapCommand = {
  name: 'CAPABILITY',
  states: ANY_STATE,
  run(session, args) {
    args.end()
    session.send(untagged(atom('CAPABILITY'), ...session.capabilities().map(atom)))
    return ok('CAPABILITY completed')
  },
}
