import {no, ok, type ImapCommand} from '../command.js'
import type {FlagMode} from '../../mailstore/types.js'
import {parseFlagList, storableFlag} from '../flag_list.js'
import {atom, untagged, type ImapValue} from '../response_composer.js'
import {parseSequenceSet} from '../sequence_set.js'
import {SELECTED} from '../session_state.js'

const MODES: Readonly<Record<string, FlagMode>> = {FLAGS: 'set', '+FLAGS': 'add', '-FLAGS': 'remove'}

/**
 * STORE / UID STORE set [+|-]FLAGS[.SILENT] flags (RFC 3501 §6.4.6). Flags
 * may be a list or bare flags. The new flags are reported unless .SILENT.
 */
function storeCommand(byUid: boolean): ImapCommand {
  return {
    name: byUid ? 'UID STORE' : 'STORE',
    states: SELECTED,
    expungeSafe: byUid,
    run(session, args) {
      const set = parseSequenceSet(args)
      args.space()
      const item = args.atom('a store item').toUpperCase()
      const silent = item.endsWith('.SILENT')
      const mode = MODES[silent ? item.slice(0, -'.SILENT'.length) : item]
      if (mode === undefined) args.fail(`Unknown store item ${item}`)
      args.space()
      let flags: string[]
      if (args.at('(')) {
        flags = parseFlagList(args)
      } else {
        flags = []
        do {
          const f = storableFlag(args)
          if (f !== null) flags.push(f)
        } while (args.accept(' '))
      }
      args.end()
      const box = session.selected!
      if (box.readOnly) return no('Mailbox is read-only', 'READ-ONLY')
      const targets = box.resolve(set, byUid)
      if (targets.length === 0) return ok('STORE completed (no messages)')
      const user = session.user!
      const result = session.ownFlagChange(() =>
        session.context.mail.setFlags(
          user,
          box.name,
          targets.map((t) => t.uid),
          flags,
          mode,
        ),
      )
      if (!silent) {
        for (const {seq, uid} of targets) {
          const now = result.get(uid)
          if (now === undefined) continue
          const shown = box.recent.has(uid) ? [...now, '\\Recent'] : now
          const data: ImapValue[] = [atom('FLAGS'), shown.map(atom)]
          if (byUid) data.push(atom('UID'), uid)
          session.send(untagged(seq, atom('FETCH'), data))
        }
      }
      return ok('STORE completed')
    },
  }
}

export const plainStoreCommand = storeCommand(false)
export const uidStoreCommand = storeCommand(true)
