import {ok, type ImapCommand} from '../command.js'
import {SELECTED} from '../session_state.js'

/** CHECK (RFC 3501 §6.4.1): every change is already committed; acts as a NOOP. */
export const checkCommand: ImapCommand = {
  name: 'CHECK',
  states: SELECTED,
  run(_session, args) {
    args.end()
    return ok('CHECK completed')
  },
}
