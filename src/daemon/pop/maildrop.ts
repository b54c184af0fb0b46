/**
 * The POP3 view of a user's INBOX (RFC 1939 §5): messages numbered from 1 at
 * login and fixed for the session, deletion marks that only take effect at
 * QUIT, and unique ids `<uidvalidity>.<uid>` that stay the same across
 * sessions.
 */
import type {MailStore} from '../mailstore/types.js'

const INBOX = 'INBOX'

export interface MaildropEntry {
  readonly number: number
  readonly uid: number
  readonly size: number
}

export class Maildrop {
  readonly #entries: readonly MaildropEntry[]
  readonly #deleted = new Set<number>()
  readonly #uidValidity: number

  constructor(
    private readonly store: MailStore,
    readonly user: string,
  ) {
    this.#uidValidity = store.status(user, INBOX).uidValidity
    this.#entries = store.listMessages(user, INBOX).map((m, i) => ({number: i + 1, uid: m.uid, size: m.size}))
  }

  /** Messages not marked deleted, in number order. */
  get live(): MaildropEntry[] {
    return this.#entries.filter((e) => !this.#deleted.has(e.number))
  }

  /** The message with this number unless it does not exist or is marked deleted. */
  get(number: number): MaildropEntry | null {
    const entry = this.#entries[number - 1]
    return entry && !this.#deleted.has(number) ? entry : null
  }

  isDeleted(number: number): boolean {
    return this.#deleted.has(number)
  }

  stat(): {count: number; octets: number} {
    const live = this.live
    return {count: live.length, octets: live.reduce((sum, e) => sum + e.size, 0)}
  }

  uniqueId(entry: MaildropEntry): string {
    return `${this.#uidValidity}.${entry.uid}`
  }

  read(entry: MaildropEntry): Buffer {
    return this.store.readMessage(this.user, INBOX, entry.uid)
  }

  markDeleted(entry: MaildropEntry): void {
    this.#deleted.add(entry.number)
  }

  unmarkAll(): void {
    this.#deleted.clear()
  }

  /** The UPDATE state: remove exactly the marked messages; returns how many went. */
  commit(): number {
    const uids = this.#entries.filter((e) => this.#deleted.has(e.number)).map((e) => e.uid)
    if (uids.length === 0) return 0
    this.store.setFlags(this.user, INBOX, uids, ['\\Deleted'], 'add')
    return this.store.expunge(this.user, INBOX, uids).length
  }
}
