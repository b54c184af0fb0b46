import {no, ok, type ImapCommand} from '../command.js'
import {parseFlagList} from '../flag_list.js'
import {parseDateTime} from '../imap_date.js'
import {canonicalName} from '../mailbox_names.js'
import {AUTHENTICATED} from '../session_state.js'

/**
 * APPEND mailbox [(flags)] ["date-time"] message (RFC 3501 §6.3.11), with
 * the new UID in APPENDUID (RFC 4315). The message bytes are stored exactly
 * as received.
 */
export const appendCommand: ImapCommand = {
  name: 'APPEND',
  states: AUTHENTICATED,
  run(session, args) {
    const name = canonicalName(args.astring('a mailbox name'))
    args.space()
    let flags: string[] = []
    if (args.at('(')) {
      flags = parseFlagList(args)
      args.space()
    }
    let date: Date | undefined
    if (args.at('"')) {
      const text = args.string('a date-time')
      date = parseDateTime(text) ?? args.fail(`Invalid date-time ${JSON.stringify(text.slice(0, 40))}`)
      args.space()
    }
    const message = args.stringBytes('the message literal')
    args.end()
    if (message.length === 0) return no('An empty message cannot be appended')
    const {uid, uidValidity} = session.context.mail.append(session.user!, name, message, [...new Set(flags)], date)
    return ok('APPEND completed', `APPENDUID ${uidValidity} ${uid}`)
  },
}
