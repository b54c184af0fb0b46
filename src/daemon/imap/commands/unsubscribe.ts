import {ok, type ImapCommand} from '../command.js'
import {canonicalName} from '../mailbox_names.js'
import {AUTHENTICATED} from '../session_state.js'

/** UNSUBSCRIBE mailbox (RFC 3501 §6.3.7); works for names that no longer exist. */
export const unsubscribeCommand: ImapCommand = {
  name: 'UNSUBSCRIBE',
  states: AUTHENTICATED,
  run(session, args) {
    const name = canonicalName(args.astring('a mailbox name'))
    args.end()
    session.context.mail.setSubscribed(session.user!, name, false)
    return ok('UNSUBSCRIBE completed')
  },
}
