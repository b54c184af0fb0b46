import {no, ok, type ImapCommand} from '../command.js'
import {canonicalName} from '../mailbox_names.js'
import {atom, untagged, untaggedStatus} from '../response_composer.js'
import {parseSequenceSet} from '../sequence_set.js'
import {SELECTED} from '../session_state.js'
import {copyUidCode} from './copy.js'

/**
 * MOVE / UID MOVE set mailbox (RFC 6851): copy, then expunge the originals.
 * COPYUID comes in an untagged OK before the EXPUNGE responses.
 */
function moveCommand(byUid: boolean): ImapCommand {
  return {
    name: byUid ? 'UID MOVE' : 'MOVE',
    states: SELECTED,
    run(session, args) {
      const set = parseSequenceSet(args)
      args.space()
      const target = canonicalName(args.astring('a mailbox name'))
      args.end()
      const box = session.selected!
      if (box.readOnly) return no('Mailbox is read-only', 'READ-ONLY')
      const uids = box.resolve(set, byUid).map((m) => m.uid)
      if (uids.length === 0) return ok('MOVE completed (no messages)')
      const user = session.user!
      const mail = session.context.mail
      const {uidValidity, pairs} = mail.copy(user, box.name, uids, target)
      if (pairs.length === 0) return ok('MOVE completed (no messages)')
      const moved = pairs.map((p) => p[0])
      session.ownFlagChange(() => mail.setFlags(user, box.name, moved, ['\\Deleted'], 'add'))
      const removed = mail.expunge(user, box.name, moved)
      session.send(untaggedStatus('OK', copyUidCode(uidValidity, pairs), 'Moved'))
      for (const seq of box.remove(removed)) session.send(untagged(seq, atom('EXPUNGE')))
      return ok('MOVE completed')
    },
  }
}

export const plainMoveCommand = moveCommand(false)
export const uidMoveCommand = moveCommand(true)
