import {ok, type ImapCommand} from '../command.js'
import {SELECTED} from '../session_state.js'

/** CLOSE (RFC 3501 §6.4.2): expunge silently (unless read-only), then leave the mailbox. */
export const closeCommand: ImapCommand = {
  name: 'CLOSE',
  states: SELECTED,
  run(session, args) {
    args.end()
    const box = session.selected!
    if (!box.readOnly) session.context.mail.expunge(session.user!, box.name)
    session.select(null)
    return ok('CLOSE completed')
  },
}
