import {ok, type ImapCommand} from '../command.js'
import {parseFetchItems, type FetchItem} from '../fetch_items.js'
import {fetchData, setsSeen} from '../fetch_response.js'
import {MailStoreError} from '../../mailstore/types.js'
import {atom, untagged} from '../response_composer.js'
import {parseSequenceSet} from '../sequence_set.js'
import {SELECTED} from '../session_state.js'

const UID_ITEM: FetchItem = {kind: 'simple', name: 'UID'}
const FLAGS_ITEM: FetchItem = {kind: 'simple', name: 'FLAGS'}

/**
 * FETCH / UID FETCH (RFC 3501 §6.4.5, §6.4.8). Reading a body without PEEK
 * sets \Seen (not in a read-only mailbox) and reports the new FLAGS. UID
 * FETCH always includes UID.
 */
function fetchCommand(byUid: boolean): ImapCommand {
  return {
    name: byUid ? 'UID FETCH' : 'FETCH',
    states: SELECTED,
    expungeSafe: byUid,
    run(session, args) {
      const set = parseSequenceSet(args)
      args.space()
      let items = parseFetchItems(args)
      args.end()
      if (byUid && !items.some((i) => i.kind === 'simple' && i.name === 'UID')) items = [UID_ITEM, ...items]
      const box = session.selected!
      const user = session.user!
      const mail = session.context.mail
      const targets = box.resolve(set, byUid)
      if (targets.length === 0) return ok('FETCH completed (no messages)')
      const summaries = new Map(mail.listMessages(user, box.name).map((m) => [m.uid, m]))
      const markSeen = setsSeen(items) && !box.readOnly
      const asksFlags = items.some((i) => i.kind === 'simple' && i.name === 'FLAGS')
      for (const {seq, uid} of targets) {
        const summary = summaries.get(uid)
        if (summary === undefined) continue // expunged elsewhere, not yet reported
        let flags = summary.flags
        let reportFlags = false
        if (markSeen && !flags.includes('\\Seen')) {
          const updated = session.ownFlagChange(() => mail.setFlags(user, box.name, [uid], ['\\Seen'], 'add')).get(uid)
          if (updated !== undefined) {
            flags = updated
            reportFlags = !asksFlags
          }
        }
        const shown = box.recent.has(uid) ? [...flags, '\\Recent'] : flags
        try {
          const data = fetchData(reportFlags ? [...items, FLAGS_ITEM] : items, summary, shown, () => mail.readMessage(user, box.name, uid))
          session.send(untagged(seq, atom('FETCH'), data))
        } catch (err) {
          if (!(err instanceof MailStoreError)) throw err
          // Removed between listing and reading: skip it like any other not-yet-reported expunge.
        }
      }
      return ok('FETCH completed')
    },
  }
}

export const plainFetchCommand = fetchCommand(false)
export const uidFetchCommand = fetchCommand(true)
