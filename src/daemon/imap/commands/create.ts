import {ok, type ImapCommand} from '../command.js'
import {canonicalName, HIERARCHY_DELIMITER} from '../mailbox_names.js'
import {AUTHENTICATED} from '../session_state.js'

/** CREATE mailbox (RFC 3501 §6.3.3); a trailing delimiter only says children are planned, so it is dropped. */
export const createCommand: ImapCommand = {
  name: 'CREATE',
  states: AUTHENTICATED,
  run(session, args) {
    let name = canonicalName(args.astring('a mailbox name'))
    args.end()
    if (name.endsWith(HIERARCHY_DELIMITER)) name = name.slice(0, -1)
    session.context.mail.createMailbox(session.user!, name)
    return ok('CREATE completed')
  },
}
