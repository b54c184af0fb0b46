import {ok, type ImapCommand} from '../command.js'
import {canonicalName} from '../mailbox_names.js'
import {atom, untagged, type ImapValue} from '../response_composer.js'
import {AUTHENTICATED} from '../session_state.js'

const ITEMS = ['MESSAGES', 'RECENT', 'UIDNEXT', 'UIDVALIDITY', 'UNSEEN'] as const
type StatusItem = (typeof ITEMS)[number]

/** STATUS mailbox (items) (RFC 3501 §6.3.10). */
export const statusCommand: ImapCommand = {
  name: 'STATUS',
  states: AUTHENTICATED,
  run(session, args) {
    const name = canonicalName(args.astring('a mailbox name'))
    args.space()
    const items = args.list((c) => {
      const item = c.atom('a status item').toUpperCase()
      if (!(ITEMS as readonly string[]).includes(item)) c.fail(`Unknown status item ${item}`)
      return item as StatusItem
    }, true)
    args.end()
    const status = session.context.mail.status(session.user!, name)
    const values: Record<StatusItem, number> = {
      MESSAGES: status.messages,
      RECENT: status.recent,
      UIDNEXT: status.uidNext,
      UIDVALIDITY: status.uidValidity,
      UNSEEN: status.unseen,
    }
    const data: ImapValue[] = items.flatMap((item) => [atom(item), values[item]])
    session.send(untagged(atom('STATUS'), name, data))
    return ok('STATUS completed')
  },
}
