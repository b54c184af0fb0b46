import {ok, type ImapCommand} from '../command.js'
import {canonicalName} from '../mailbox_names.js'
import {AUTHENTICATED} from '../session_state.js'

/** SUBSCRIBE mailbox (RFC 3501 §6.3.6). */
export const subscribeCommand: ImapCommand = {
  name: 'SUBSCRIBE',
  states: AUTHENTICATED,
  run(session, args) {
    const name = canonicalName(args.astring('a mailbox name'))
    args.end()
    session.context.mail.setSubscribed(session.user!, name, true)
    return ok('SUBSCRIBE completed')
  },
}
