import {ok, type ImapCommand} from '../command.js'
import {HIERARCHY_DELIMITER} from '../mailbox_names.js'
import {MailboxPattern} from '../mailbox_pattern.js'
import {atom, untagged} from '../response_composer.js'
import {AUTHENTICATED} from '../session_state.js'

/**
 * LSUB reference pattern (RFC 3501 §6.3.9): subscribed names. When `%`
 * stops at a level above a subscribed name whose parent is not itself
 * subscribed, that parent is listed as \Noselect.
 */
export const lsubCommand: ImapCommand = {
  name: 'LSUB',
  states: AUTHENTICATED,
  run(session, args) {
    const reference = args.astring('a reference name')
    args.space()
    const pattern = args.listMailbox()
    args.end()
    const matcher = new MailboxPattern(reference, pattern)
    const boxes = session.context.mail.listMailboxes(session.user!)
    const subscribed = boxes.filter((b) => b.subscribed)
    const subscribedNames = new Set(subscribed.map((b) => b.name))
    const sent = new Set<string>()
    for (const box of subscribed) {
      if (matcher.matches(box.name)) {
        sent.add(box.name)
        session.send(untagged(atom('LSUB'), box.attributes.filter((a) => a === '\\Noselect').map(atom), HIERARCHY_DELIMITER, box.name))
        continue
      }
      const levels = box.name.split(HIERARCHY_DELIMITER)
      for (let i = levels.length - 1; i > 0; i--) {
        const parent = levels.slice(0, i).join(HIERARCHY_DELIMITER)
        if (subscribedNames.has(parent) || sent.has(parent) || !matcher.matches(parent)) continue
        sent.add(parent)
        session.send(untagged(atom('LSUB'), [atom('\\Noselect')], HIERARCHY_DELIMITER, parent))
      }
    }
    return ok('LSUB completed')
  },
}
