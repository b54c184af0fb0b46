import {no, ok, type ImapCommand} from '../command.js'
import {canonicalName} from '../mailbox_names.js'
import {AUTHENTICATED} from '../session_state.js'

/** DELETE mailbox (RFC 3501 §6.3.4). The selected mailbox cannot be deleted from under this session. */
export const deleteCommand: ImapCommand = {
  name: 'DELETE',
  states: AUTHENTICATED,
  run(session, args) {
    const name = canonicalName(args.astring('a mailbox name'))
    args.end()
    if (session.selected?.name === name) return no('Cannot delete the selected mailbox; close it first', 'CANNOT')
    session.context.mail.deleteMailbox(session.user!, name)
    return ok('DELETE completed')
  },
}
