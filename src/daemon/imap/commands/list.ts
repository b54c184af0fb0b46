import {ok, type ImapCommand} from '../command.js'
import {HIERARCHY_DELIMITER} from '../mailbox_names.js'
import {MailboxPattern} from '../mailbox_pattern.js'
import {atom, untagged} from '../response_composer.js'
import {AUTHENTICATED} from '../session_state.js'

/**
 * LIST reference pattern (RFC 3501 §6.3.8). An empty pattern asks only for
 * the delimiter and the root.
 */
export const listCommand: ImapCommand = {
  name: 'LIST',
  states: AUTHENTICATED,
  run(session, args) {
    const reference = args.astring('a reference name')
    args.space()
    const pattern = args.listMailbox()
    args.end()
    if (pattern === '') {
      session.send(untagged(atom('LIST'), [atom('\\Noselect')], HIERARCHY_DELIMITER, ''))
      return ok('LIST completed')
    }
    const matcher = new MailboxPattern(reference, pattern)
    for (const box of session.context.mail.listMailboxes(session.user!)) {
      if (!matcher.matches(box.name)) continue
      session.send(untagged(atom('LIST'), box.attributes.map(atom), HIERARCHY_DELIMITER, box.name))
    }
    return ok('LIST completed')
  },
}
