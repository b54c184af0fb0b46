/**
 * The durable queue of mail for other hosts: its own SQLite file
 * (`<configdir>/queue.db`), created 0600, WAL, synchronous=FULL, so that a
 * message is on disk before SMTP answers 250. Each recipient carries its
 * own attempt count and next attempt time; a message row goes when its last
 * recipient is settled.
 */
import {closeSync, chmodSync, openSync} from 'node:fs'
import Database from 'better-sqlite3'
import type {OutboundQueue} from '../session_types.js'
import {newQueueId} from './queue_id.js'

const SCHEMA = `
CREATE TABLE IF NOT EXISTS queue_message (
  id TEXT PRIMARY KEY,
  sender TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  message BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS queue_recipient (
  message_id TEXT NOT NULL REFERENCES queue_message(id) ON DELETE CASCADE,
  address TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL,
  last_error TEXT,
  PRIMARY KEY (message_id, address)
);
CREATE INDEX IF NOT EXISTS queue_recipient_due ON queue_recipient(next_attempt_at);
`

export interface QueuedRecipient {
  readonly address: string
  readonly attempts: number
  readonly lastError: string | null
}

export interface QueuedMessage {
  readonly id: string
  /** '' for the null reverse-path. */
  readonly sender: string
  readonly createdAt: number
  readonly message: Buffer
  /** The recipients due now. */
  readonly recipients: readonly QueuedRecipient[]
}

/** What became of one recipient after an attempt. */
export type RecipientSettlement =
  | {readonly address: string; readonly kind: 'done'}
  | {readonly address: string; readonly kind: 'retry'; readonly at: number; readonly error: string}

export interface OutboundQueueOptions {
  /** Clock in ms; tests move it. */
  readonly now?: () => number
}

export class SqliteOutboundQueue implements OutboundQueue {
  readonly #db: Database.Database
  readonly #now: () => number
  readonly #listeners = new Set<() => void>()

  constructor(file: string, options: OutboundQueueOptions = {}) {
    // Create the file 0600 ourselves: SQLite would use the umask, and its -wal/-shm copy the file's mode.
    closeSync(openSync(file, 'a', 0o600))
    chmodSync(file, 0o600)
    this.#db = new Database(file)
    this.#db.pragma('journal_mode = WAL')
    this.#db.pragma('synchronous = FULL')
    this.#db.pragma('foreign_keys = ON')
    this.#db.pragma('busy_timeout = 5000')
    this.#db.exec(SCHEMA)
    this.#now = options.now ?? Date.now
  }

  enqueue(envelope: {from: string; to: readonly string[]}, message: Buffer): string {
    if (envelope.to.length === 0) throw new Error('a queued message needs at least one recipient')
    const id = newQueueId()
    const now = this.#now()
    const insertMessage = this.#db.prepare('INSERT INTO queue_message (id, sender, created_at, message) VALUES (?, ?, ?, ?)')
    const insertRecipient = this.#db.prepare('INSERT OR IGNORE INTO queue_recipient (message_id, address, next_attempt_at) VALUES (?, ?, ?)')
    this.#db.transaction(() => {
      insertMessage.run(id, envelope.from, now, message)
      for (const to of envelope.to) insertRecipient.run(id, to, now)
    }).immediate()
    for (const listener of this.#listeners) listener()
    return id
  }

  /** Run `listener` after every enqueue (the delivery worker wakes up). Returns an unsubscribe function. */
  onEnqueue(listener: () => void): () => void {
    this.#listeners.add(listener)
    return () => this.#listeners.delete(listener)
  }

  /** Messages with recipients due at `now`, oldest first. */
  due(now: number, limit = 50): QueuedMessage[] {
    const ids = this.#db
      .prepare('SELECT DISTINCT m.id, m.created_at FROM queue_message m JOIN queue_recipient r ON r.message_id = m.id WHERE r.next_attempt_at <= ? ORDER BY m.created_at, m.id LIMIT ?')
      .all(now, limit) as Array<{id: string}>
    const message = this.#db.prepare('SELECT id, sender, created_at, message FROM queue_message WHERE id = ?')
    const recipients = this.#db.prepare('SELECT address, attempts, last_error FROM queue_recipient WHERE message_id = ? AND next_attempt_at <= ? ORDER BY rowid')
    return ids.map(({id}) => {
      const row = message.get(id) as {id: string; sender: string; created_at: number; message: Buffer}
      const rcpts = recipients.all(id, now) as Array<{address: string; attempts: number; last_error: string | null}>
      return {
        id: row.id,
        sender: row.sender,
        createdAt: row.created_at,
        message: row.message,
        recipients: rcpts.map((r) => ({address: r.address, attempts: r.attempts, lastError: r.last_error})),
      }
    })
  }

  /** Record one attempt's outcome for each recipient named; drop the message once none is left. */
  settle(id: string, settlements: readonly RecipientSettlement[]): void {
    const remove = this.#db.prepare('DELETE FROM queue_recipient WHERE message_id = ? AND address = ?')
    const retry = this.#db.prepare('UPDATE queue_recipient SET attempts = attempts + 1, next_attempt_at = ?, last_error = ? WHERE message_id = ? AND address = ?')
    const dropIfDone = this.#db.prepare('DELETE FROM queue_message WHERE id = ? AND NOT EXISTS (SELECT 1 FROM queue_recipient WHERE message_id = ?)')
    this.#db.transaction(() => {
      for (const s of settlements) {
        if (s.kind === 'done') remove.run(id, s.address)
        else retry.run(s.at, s.error.slice(0, 1000), id, s.address)
      }
      dropIfDone.run(id, id)
    }).immediate()
  }

  /** Counts for status and tests. */
  size(): {messages: number; recipients: number} {
    const messages = (this.#db.prepare('SELECT count(*) AS n FROM queue_message').get() as {n: number}).n
    const recipients = (this.#db.prepare('SELECT count(*) AS n FROM queue_recipient').get() as {n: number}).n
    return {messages, recipients}
  }

  /** When the next recipient falls due, or null when the queue is empty. */
  nextDueAt(): number | null {
    const row = this.#db.prepare('SELECT min(next_attempt_at) AS t FROM queue_recipient').get() as {t: number | null}
    return row.t
  }

  close(): void {
    this.#listeners.clear()
    this.#db.close()
  }
}
