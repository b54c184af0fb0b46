import {ok, type ImapCommand} from '../command.js'
import {SELECTED} from '../session_state.js'

/** UNSELECT (RFC 3691): leave the mailbox without expunging. */
export const unselectCommand: ImapCommand = {
  name: 'UNSELECT',
  states: SELECTED,
  run(session, args) {
    args.end()
    session.select(null)
    return ok('UNSELECT completed')
  },
}
