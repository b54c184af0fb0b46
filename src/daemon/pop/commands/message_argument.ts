/** The message a command names, or the -ERR saying why there is none. */
import type {MaildropEntry} from '../maildrop.js'
import {parseMessageNumber} from '../message_number.js'
import type {PopSessionApi} from './command.js'

export function messageArgument(session: PopSessionApi, text: string): MaildropEntry | null {
  const number = parseMessageNumber(text)
  if (number === null) {
    session.err('Invalid message number.')
    return null
  }
  const maildrop = session.maildrop!
  const entry = maildrop.get(number)
  if (!entry) session.err(maildrop.isDeleted(number) ? `Message ${number} already deleted.` : 'No such message.')
  return entry
}
