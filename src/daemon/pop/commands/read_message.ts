/** Read a message for RETR/TOP; one removed meanwhile (IMAP expunge) is an -ERR, not a crash. */
import type {MaildropEntry} from '../maildrop.js'
import type {PopSessionApi} from './command.js'

export function readOrExplain(session: PopSessionApi, entry: MaildropEntry): Buffer | null {
  try {
    return session.maildrop!.read(entry)
  } catch (error) {
    session.context.transport.log(`POP3 read of uid ${entry.uid} failed: ${(error as Error).message}`)
    session.err('[SYS/TEMP] Message is no longer available.')
    return null
  }
}
