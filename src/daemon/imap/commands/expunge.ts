import type {ArgumentCursor} from '../argument_cursor.js'
import {no, ok, type CommandResult, type ImapCommand, type ImapSessionApi} from '../command.js'
import {atom, untagged} from '../response_composer.js'
import {parseSequenceSet} from '../sequence_set.js'
import {SELECTED} from '../session_state.js'

/** Remove \Deleted messages (all, or only `uids`) and tell the client which sequence numbers went. */
function expunge(session: ImapSessionApi, uids: readonly number[] | undefined): CommandResult {
  const box = session.selected!
  if (box.readOnly) return no('Mailbox is read-only', 'READ-ONLY')
  const removed = session.context.mail.expunge(session.user!, box.name, uids)
  for (const seq of box.remove(removed)) session.send(untagged(seq, atom('EXPUNGE')))
  return ok('EXPUNGE completed')
}

/** EXPUNGE (RFC 3501 §6.4.3). */
export const expungeCommand: ImapCommand = {
  name: 'EXPUNGE',
  states: SELECTED,
  run(session, args) {
    args.end()
    return expunge(session, undefined)
  },
}

/** UID EXPUNGE set (RFC 4315 §2.1): only the named messages. */
export const uidExpungeCommand: ImapCommand = {
  name: 'UID EXPUNGE',
  states: SELECTED,
  run(session, args: ArgumentCursor) {
    const set = parseSequenceSet(args)
    args.end()
    const uids = session.selected!.resolve(set, true).map((m) => m.uid)
    if (uids.length === 0) return ok('EXPUNGE completed (no messages)')
    return expunge(session, uids)
  },
}
