/**
 * The in-process list of mailbox watchers. The daemon is one process, so
 * SMTP delivery and IMAP IDLE meet here without any database polling.
 */
import type {MailboxChange} from './types.js'

type Listener = (change: MailboxChange) => void

export class ChangeFeed {
  /** Replaced, never mutated, so a listener may unsubscribe while being called. */
  private entries: readonly {readonly listener: Listener}[] = []

  constructor(private readonly onListenerError: (err: unknown) => void) {}

  watch(listener: Listener): () => void {
    // A wrapper per call: the same function watched twice is two subscriptions.
    const entry = {listener}
    this.entries = [...this.entries, entry]
    return () => {
      this.entries = this.entries.filter((e) => e !== entry)
    }
  }

  /** Call every listener; one that throws is reported and the others still run. */
  emit(change: MailboxChange): void {
    for (const {listener} of this.entries) {
      try {
        listener(change)
      } catch (err) {
        try {
          this.onListenerError(err)
        } catch {
          // The reporter failed too; the mail is already committed, so carry on.
        }
      }
    }
  }
}
