import type {ArgumentCursor} from '../argument_cursor.js'
import {ok, type CommandResult, type ImapCommand, type ImapSessionApi} from '../command.js'
import {canonicalName} from '../mailbox_names.js'
import {atom, untagged, untaggedStatus} from '../response_composer.js'
import {SelectedMailbox} from '../selected_mailbox.js'
import {AUTHENTICATED} from '../session_state.js'

const SYSTEM_FLAGS = ['\\Answered', '\\Flagged', '\\Deleted', '\\Seen', '\\Draft']

/**
 * Open a mailbox (RFC 3501 §6.3.1/§6.3.2). Any selected mailbox is left
 * first, even if this one cannot be opened. EXAMINE opens read-only and
 * leaves \Recent for a later SELECT.
 */
export function openMailbox(session: ImapSessionApi, args: ArgumentCursor, readOnly: boolean): CommandResult {
  const name = canonicalName(args.astring('a mailbox name'))
  args.end()
  session.select(null)
  const user = session.user!
  const mail = session.context.mail
  const status = mail.status(user, name)
  const messages = mail.listMessages(user, name)
  const box = new SelectedMailbox(name, readOnly, status.uidValidity, messages.map((m) => m.uid))
  if (!readOnly) for (const uid of mail.takeRecent(user, name)) box.recent.add(uid)
  const keywords = [...new Set(messages.flatMap((m) => m.flags.filter((f) => !f.startsWith('\\'))))].sort()
  session.send(untagged(atom('FLAGS'), [...SYSTEM_FLAGS, ...keywords].map(atom)))
  const permanent = readOnly ? [] : [...SYSTEM_FLAGS, ...keywords, '\\*']
  session.send(untaggedStatus('OK', `PERMANENTFLAGS (${permanent.join(' ')})`, readOnly ? 'No permanent flags permitted' : 'Flags permitted'))
  session.send(untagged(box.count, atom('EXISTS')))
  session.send(untagged(readOnly ? status.recent : box.recent.size, atom('RECENT')))
  const firstUnseen = messages.findIndex((m) => !m.flags.includes('\\Seen'))
  if (firstUnseen !== -1) session.send(untaggedStatus('OK', `UNSEEN ${firstUnseen + 1}`, `Message ${firstUnseen + 1} is the first unseen`))
  session.send(untaggedStatus('OK', `UIDVALIDITY ${status.uidValidity}`, 'UIDs valid'))
  session.send(untaggedStatus('OK', `UIDNEXT ${status.uidNext}`, 'Predicted next UID'))
  session.select(box)
  return ok(`${readOnly ? 'EXAMINE' : 'SELECT'} completed`, readOnly ? 'READ-ONLY' : 'READ-WRITE')
}

/** SELECT mailbox. */
export const selectCommand: ImapCommand = {
  name: 'SELECT',
  states: AUTHENTICATED,
  run: (session, args) => openMailbox(session, args, false),
}
