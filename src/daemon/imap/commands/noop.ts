import {ok, type ImapCommand} from '../command.js'
import {ANY_STATE} from '../session_state.js'

/** NOOP (RFC 3501 §6.1.2): nothing, but pending mailbox changes are reported on the way out. */
export const noopCommand: ImapCommand = {
  name: 'NOOP',
  states: ANY_STATE,
  run(_session, args) {
    args.end()
    return ok('NOOP completed')
  },
}
