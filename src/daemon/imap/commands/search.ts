import {ok, type ImapCommand} from '../command.js'
import {atom, untagged} from '../response_composer.js'
import {parseSearch} from '../search_keys.js'
import {matchesSearch} from '../search_matcher.js'
import {SELECTED} from '../session_state.js'

/** SEARCH / UID SEARCH (RFC 3501 §6.4.4): sequence numbers or UIDs of the matching messages. */
function searchCommand(byUid: boolean): ImapCommand {
  return {
    name: byUid ? 'UID SEARCH' : 'SEARCH',
    states: SELECTED,
    expungeSafe: byUid,
    run(session, args) {
      const key = parseSearch(args)
      const box = session.selected!
      const user = session.user!
      const mail = session.context.mail
      const summaries = new Map(mail.listMessages(user, box.name).map((m) => [m.uid, m]))
      const bounds = {lastSeq: box.count, lastUid: box.highestUid}
      const found: number[] = []
      box.uids.forEach((uid, i) => {
        const summary = summaries.get(uid)
        // Gone from the store but not yet reported expunged: it matches nothing.
        if (summary === undefined) return
        const candidate = {seq: i + 1, summary, recent: box.recent.has(uid), load: () => mail.readMessage(user, box.name, uid)}
        if (matchesSearch(key, candidate, bounds)) found.push(byUid ? uid : i + 1)
      })
      session.send(untagged(atom('SEARCH'), ...found))
      return ok('SEARCH completed')
    },
  }
}

export const plainSearchCommand = searchCommand(false)
export const uidSearchCommand = searchCommand(true)
