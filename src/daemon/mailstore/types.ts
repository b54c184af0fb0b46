/**
 * The message store's contract, shared by SMTP delivery, IMAP and POP3.
 * Synchronous (one SQLite file, better-sqlite3): each call is one
 * transaction, so a 250 from SMTP is only sent after `deliver` returned.
 * Mailbox names are IMAP names with "/" as hierarchy separator; "INBOX" is
 * case-insensitive and always exists for a user.
 */

export type SystemFlag = '\\Seen' | '\\Answered' | '\\Flagged' | '\\Deleted' | '\\Draft'

export interface MailboxInfo {
  readonly name: string
  readonly subscribed: boolean
  /** IMAP LIST attributes such as \\HasChildren, \\HasNoChildren, \\Noselect. */
  readonly attributes: readonly string[]
}

export interface MailboxStatus {
  readonly messages: number
  readonly recent: number
  readonly unseen: number
  readonly uidNext: number
  readonly uidValidity: number
}

/** One message as listed: enough for FLAGS, UID, RFC822.SIZE, INTERNALDATE, POP3 LIST/UIDL. */
export interface MessageSummary {
  readonly uid: number
  readonly size: number
  readonly internalDate: Date
  readonly flags: readonly string[]
}

export type FlagMode = 'set' | 'add' | 'remove'

/** A change to a mailbox, for IMAP IDLE and untagged updates. */
export type MailboxChange =
  | {readonly kind: 'exists'; readonly user: string; readonly mailbox: string}
  | {readonly kind: 'flags'; readonly user: string; readonly mailbox: string; readonly uids: readonly number[]}
  | {readonly kind: 'expunge'; readonly user: string; readonly mailbox: string; readonly uids: readonly number[]}

export class MailStoreError extends Error {
  constructor(
    message: string,
    /** IMAP response code to use, e.g. NONEXISTENT, ALREADYEXISTS, TRYCREATE. */
    readonly code: 'NONEXISTENT' | 'ALREADYEXISTS' | 'TRYCREATE' | 'CANNOT' | 'LIMIT',
  ) {
    super(message)
    this.name = 'MailStoreError'
  }
}

export interface MailStore {
  /** Put a message into the user's INBOX (SMTP delivery); returns its UID. */
  deliver(user: string, message: Buffer, internalDate?: Date): number
  /** IMAP APPEND. */
  append(user: string, mailbox: string, message: Buffer, flags: readonly string[], internalDate?: Date): {uid: number; uidValidity: number}

  listMailboxes(user: string): MailboxInfo[]
  createMailbox(user: string, mailbox: string): void
  /** Deleting INBOX is refused; deleting a parent with children keeps it as \\Noselect (RFC 3501). */
  deleteMailbox(user: string, mailbox: string): void
  /** Renaming INBOX moves its messages to the new mailbox and leaves INBOX empty (RFC 3501). */
  renameMailbox(user: string, from: string, to: string): void
  setSubscribed(user: string, mailbox: string, subscribed: boolean): void
  mailboxExists(user: string, mailbox: string): boolean
  status(user: string, mailbox: string): MailboxStatus

  /** Messages in UID order. */
  listMessages(user: string, mailbox: string): MessageSummary[]
  /** The message bytes exactly as delivered or appended. */
  readMessage(user: string, mailbox: string, uid: number): Buffer
  /** Returns the new flags of each UID that exists. */
  setFlags(user: string, mailbox: string, uids: readonly number[], flags: readonly string[], mode: FlagMode): Map<number, readonly string[]>
  /** Remove messages flagged \\Deleted (limited to `uids` when given); returns the removed UIDs in ascending order. */
  expunge(user: string, mailbox: string, uids?: readonly number[]): number[]
  /** IMAP COPY / POP3 has no use; returns [sourceUid, newUid] pairs and the target's UIDVALIDITY. */
  copy(user: string, from: string, uids: readonly number[], to: string): {uidValidity: number; pairs: [number, number][]}
  /** Clear \\Recent for the session that selected the mailbox (first SELECT sees them). Returns the UIDs that were recent. */
  takeRecent(user: string, mailbox: string): number[]

  /** Subscribe to changes (IDLE); returns an unsubscribe function. */
  watch(listener: (change: MailboxChange) => void): () => void
  close(): void
}
