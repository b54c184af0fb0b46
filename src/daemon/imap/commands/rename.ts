import {ok, type ImapCommand} from '../command.js'
import {canonicalName} from '../mailbox_names.js'
import {AUTHENTICATED} from '../session_state.js'

/** RENAME from to (RFC 3501 §6.3.5); renaming INBOX moves its messages (the store does that). */
export const renameCommand: ImapCommand = {
  name: 'RENAME',
  states: AUTHENTICATED,
  run(session, args) {
    const from = canonicalName(args.astring('a mailbox name'))
    args.space()
    const to = canonicalName(args.astring('a new mailbox name'))
    args.end()
    session.context.mail.renameMailbox(session.user!, from, to)
    return ok('RENAME completed')
  },
}
