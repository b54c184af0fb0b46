import {ok, type ImapCommand} from '../command.js'
import {canonicalName} from '../mailbox_names.js'
import {formatSequence, parseSequenceSet} from '../sequence_set.js'
import {SELECTED} from '../session_state.js'

/** COPY / UID COPY set mailbox (RFC 3501 §6.4.7), with COPYUID (RFC 4315). */
function copyCommand(byUid: boolean): ImapCommand {
  return {
    name: byUid ? 'UID COPY' : 'COPY',
    states: SELECTED,
    run(session, args) {
      const set = parseSequenceSet(args)
      args.space()
      const target = canonicalName(args.astring('a mailbox name'))
      args.end()
      const box = session.selected!
      const uids = box.resolve(set, byUid).map((m) => m.uid)
      if (uids.length === 0) return ok('COPY completed (no messages)')
      const {uidValidity, pairs} = session.context.mail.copy(session.user!, box.name, uids, target)
      if (pairs.length === 0) return ok('COPY completed (no messages)')
      return ok('COPY completed', copyUidCode(uidValidity, pairs))
    },
  }
}

/** COPYUID uidvalidity source-set target-set, both in the same (ascending) order. */
export function copyUidCode(uidValidity: number, pairs: ReadonlyArray<readonly [number, number]>): string {
  return `COPYUID ${uidValidity} ${formatSequence(pairs.map((p) => p[0]))} ${formatSequence(pairs.map((p) => p[1]))}`
}

export const plainCopyCommand = copyCommand(false)
export const uidCopyCommand = copyCommand(true)
