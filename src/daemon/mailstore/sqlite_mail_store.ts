/**
 * The message store on one SQLite file (mail.db). Every change is one
 * BEGIN IMMEDIATE transaction; reads that take several statements run in
 * one read transaction so they see a single state. Watchers hear of a
 * change only after it is committed.
 */
import type Database from 'better-sqlite3'
import {ChangeFeed} from './change_feed.js'
import {openMailDb} from './mail_db.js'
import {ancestorNames, canonicalMailboxName, compareMailboxNames, INBOX, isBelow, parentName} from './mailbox_name.js'
import {
  applyFlags, decodeKeywords, DELETED_BIT, encodeKeywords, flagNames, NO_FLAGS, parseFlags, sameFlags, SEEN_BIT, type FlagSet,
} from './message_flags.js'
import {
  MailStoreError, type FlagMode, type MailboxChange, type MailboxInfo, type MailboxStatus, type MailStore, type MessageSummary,
} from './types.js'
import {nextUidValidity} from './uid_validity.js'

/** The largest message accepted: 1 GiB. */
export const MAX_MESSAGE_BYTES = 2 ** 30
/** Body piece size: small enough for SQLite's value limit, large enough that a message is few rows. */
const CHUNK_BYTES = 1 << 20
/** UIDs are nz-numbers (RFC 3501 9). */
const MAX_UID = 0xffffffff

export interface MailStoreOptions {
  /** Largest message accepted, in bytes; default and ceiling MAX_MESSAGE_BYTES. */
  readonly maxMessageBytes?: number
  /** Where an exception thrown by a watch listener goes; default: a process warning. */
  readonly onListenerError?: (err: unknown) => void
  /** Clock in milliseconds for default INTERNALDATEs and UIDVALIDITY; tests fix it. */
  readonly now?: () => number
}

interface MailboxRow {
  readonly id: number
  readonly name: string
  readonly uid_validity: number
  readonly uid_next: number
  readonly selectable: number
}

interface MessageRow {
  readonly id: number
  readonly uid: number
  readonly size: number
  readonly internal_date: number
  readonly system_flags: number
  readonly keywords: string
  readonly recent: number
}

/** Open (creating 0600 if missing) the mail store at `file`, normally `<configdir>/mail.db`. */
export function openMailStore(file: string, options: MailStoreOptions = {}): MailStore {
  return new SqliteMailStore(openMailDb(file), options)
}

class SqliteMailStore implements MailStore {
  private readonly feed: ChangeFeed
  private readonly maxMessageBytes: number
  private readonly now: () => number
  private readonly statements = new Map<string, Database.Statement>()
  private readonly transaction: Database.Transaction<(fn: () => unknown) => unknown>
  /** True inside write(): INBOX may then be created on first use. */
  private writing = false

  constructor(
    private readonly db: Database.Database,
    options: MailStoreOptions,
  ) {
    this.feed = new ChangeFeed(options.onListenerError ?? reportListenerError)
    this.maxMessageBytes = Math.min(options.maxMessageBytes ?? MAX_MESSAGE_BYTES, MAX_MESSAGE_BYTES)
    this.now = options.now ?? Date.now
    this.transaction = db.transaction((fn: () => unknown) => fn())
  }

  deliver(user: string, message: Buffer, internalDate?: Date): number {
    return this.addMessage(user, INBOX, message, NO_FLAGS, internalDate).uid
  }

  append(user: string, mailbox: string, message: Buffer, flags: readonly string[], internalDate?: Date): {uid: number; uidValidity: number} {
    return this.addMessage(user, mailbox, message, parseFlags(flags), internalDate)
  }

  listMailboxes(user: string): MailboxInfo[] {
    checkUser(user)
    this.ensureInbox(user)
    return this.read(() => {
      const rows = this.q('SELECT name, selectable FROM mailbox WHERE user = ?').all(user) as {name: string; selectable: number}[]
      const subscribed = new Set((this.q('SELECT name FROM subscription WHERE user = ?').all(user) as {name: string}[]).map((r) => r.name))
      // Every parent exists as a row, so marking each row's parent finds all parents.
      const parents = new Set(rows.map((r) => parentName(r.name)).filter((p): p is string => p !== null))
      return rows
        .sort((a, b) => compareMailboxNames(a.name, b.name))
        .map((r) => ({
          name: r.name,
          subscribed: subscribed.has(r.name),
          attributes: [...(r.selectable ? [] : ['\\Noselect']), parents.has(r.name) ? '\\HasChildren' : '\\HasNoChildren'],
        }))
    })
  }

  createMailbox(user: string, mailbox: string): void {
    checkUser(user)
    const name = canonicalMailboxName(mailbox)
    this.write(() => {
      this.inboxRow(user)
      if (this.mailboxRow(user, name)) throw new MailStoreError(`mailbox "${name}" already exists`, 'ALREADYEXISTS')
      // RFC 3501 6.3.3: the server SHOULD create the missing levels above.
      for (const above of ancestorNames(name)) if (!this.mailboxRow(user, above)) this.insertMailbox(user, above)
      this.insertMailbox(user, name)
    })
  }

  deleteMailbox(user: string, mailbox: string): void {
    checkUser(user)
    const name = canonicalMailboxName(mailbox)
    if (name === INBOX) throw new MailStoreError('INBOX cannot be deleted; RENAME INBOX moves its messages elsewhere', 'CANNOT')
    const removed = this.write(() => {
      const box = this.mailboxRow(user, name)
      if (!box) throw noSuchMailbox(name, 'NONEXISTENT')
      const uids = this.uidsOf(box.id)
      if (this.hasChildren(user, name)) {
        if (!box.selectable) {
          throw new MailStoreError(`mailbox "${name}" has child mailboxes and holds no messages; delete its children first`, 'CANNOT')
        }
        // RFC 3501 6.3.4: the name stays, as \Noselect, because of its children.
        this.q('DELETE FROM message WHERE mailbox_id = ?').run(box.id)
        this.q('UPDATE mailbox SET selectable = 0 WHERE id = ?').run(box.id)
      } else {
        this.q('DELETE FROM mailbox WHERE id = ?').run(box.id)
      }
      return uids
    })
    if (removed.length > 0) this.emit({kind: 'expunge', user, mailbox: name, uids: removed})
  }

  renameMailbox(user: string, from: string, to: string): void {
    checkUser(user)
    const source = canonicalMailboxName(from)
    const target = canonicalMailboxName(to)
    if (source === INBOX) return this.renameInbox(user, target)
    this.write(() => {
      const box = this.mailboxRow(user, source)
      if (!box) throw noSuchMailbox(source, 'NONEXISTENT')
      if (target === INBOX || this.mailboxRow(user, target)) throw new MailStoreError(`mailbox "${target}" already exists`, 'ALREADYEXISTS')
      if (isBelow(target, source)) throw new MailStoreError(`cannot rename "${source}" to "${target}", inside itself`, 'CANNOT')
      for (const above of ancestorNames(target)) if (!this.mailboxRow(user, above)) this.insertMailbox(user, above)
      // The mailbox and everything below it move; UIDVALIDITY and UIDs stay.
      const moving = this.q(`SELECT id, name FROM mailbox WHERE user = ? AND (name = ? OR (name >= ? AND name < ?))`)
        .all(user, source, ...belowRange(source)) as {id: number; name: string}[]
      for (const m of moving) this.q('UPDATE mailbox SET name = ? WHERE id = ?').run(target + m.name.slice(source.length), m.id)
      const subs = this.q(`SELECT name FROM subscription WHERE user = ? AND (name = ? OR (name >= ? AND name < ?))`)
        .all(user, source, ...belowRange(source)) as {name: string}[]
      for (const s of subs) {
        this.q('DELETE FROM subscription WHERE user = ? AND name = ?').run(user, s.name)
        this.q('INSERT OR IGNORE INTO subscription (user, name) VALUES (?, ?)').run(user, target + s.name.slice(source.length))
      }
    })
  }

  setSubscribed(user: string, mailbox: string, subscribed: boolean): void {
    checkUser(user)
    const name = canonicalMailboxName(mailbox)
    this.write(() => {
      if (subscribed) {
        if (name === INBOX) this.inboxRow(user)
        if (!this.mailboxRow(user, name)) throw noSuchMailbox(name, 'NONEXISTENT')
        this.q('INSERT OR IGNORE INTO subscription (user, name) VALUES (?, ?)').run(user, name)
      } else {
        // No existence check: a deleted mailbox's subscription must still be removable.
        this.q('DELETE FROM subscription WHERE user = ? AND name = ?').run(user, name)
      }
    })
  }

  /** True for any name LIST shows, \Noselect ones included; INBOX always. */
  mailboxExists(user: string, mailbox: string): boolean {
    checkUser(user)
    let name: string
    try {
      name = canonicalMailboxName(mailbox)
    } catch (err) {
      if (err instanceof MailStoreError) return false
      throw err
    }
    return name === INBOX || this.mailboxRow(user, name) !== undefined
  }

  status(user: string, mailbox: string): MailboxStatus {
    const name = this.prepareRead(user, mailbox)
    return this.read(() => {
      const box = this.selectableRow(user, name, 'NONEXISTENT')
      const counts = this.q(
        `SELECT count(*) AS messages, coalesce(sum(recent), 0) AS recent,
                coalesce(sum((system_flags & ${SEEN_BIT}) = 0), 0) AS unseen
         FROM message WHERE mailbox_id = ?`,
      ).get(box.id) as {messages: number; recent: number; unseen: number}
      return {...counts, uidNext: box.uid_next, uidValidity: box.uid_validity}
    })
  }

  listMessages(user: string, mailbox: string): MessageSummary[] {
    const name = this.prepareRead(user, mailbox)
    return this.read(() => {
      const box = this.selectableRow(user, name, 'NONEXISTENT')
      const rows = this.q('SELECT * FROM message WHERE mailbox_id = ? ORDER BY uid').all(box.id) as MessageRow[]
      return rows.map((r) => ({uid: r.uid, size: r.size, internalDate: new Date(r.internal_date), flags: flagNames(flagsOf(r))}))
    })
  }

  readMessage(user: string, mailbox: string, uid: number): Buffer {
    const name = this.prepareRead(user, mailbox)
    return this.read(() => {
      const box = this.selectableRow(user, name, 'NONEXISTENT')
      const row = isUid(uid)
        ? (this.q('SELECT id, size FROM message WHERE mailbox_id = ? AND uid = ?').get(box.id, uid) as {id: number; size: number} | undefined)
        : undefined
      if (!row) throw new MailStoreError(`there is no message with UID ${uid} in "${name}"`, 'NONEXISTENT')
      const chunks = this.q('SELECT data FROM message_chunk WHERE message_id = ? ORDER BY seq').all(row.id) as {data: Buffer}[]
      return Buffer.concat(chunks.map((c) => c.data), row.size)
    })
  }

  setFlags(user: string, mailbox: string, uids: readonly number[], flags: readonly string[], mode: FlagMode): Map<number, readonly string[]> {
    checkUser(user)
    const name = canonicalMailboxName(mailbox)
    const change = parseFlags(flags)
    const result = new Map<number, readonly string[]>()
    const changed: number[] = []
    this.write(() => {
      const box = this.selectableRow(user, name, 'NONEXISTENT')
      for (const uid of new Set(uids.filter(isUid))) {
        const row = this.q('SELECT * FROM message WHERE mailbox_id = ? AND uid = ?').get(box.id, uid) as MessageRow | undefined
        if (!row) continue
        const before = flagsOf(row)
        const after = applyFlags(before, change, mode)
        if (!sameFlags(before, after)) {
          this.q('UPDATE message SET system_flags = ?, keywords = ? WHERE id = ?').run(after.system, encodeKeywords(after.keywords), row.id)
          changed.push(uid)
        }
        result.set(uid, flagNames(after))
      }
    })
    if (changed.length > 0) this.emit({kind: 'flags', user, mailbox: name, uids: changed.sort((a, b) => a - b)})
    return result
  }

  expunge(user: string, mailbox: string, uids?: readonly number[]): number[] {
    checkUser(user)
    const name = canonicalMailboxName(mailbox)
    const only = uids ? new Set(uids) : null
    const removed = this.write(() => {
      const box = this.selectableRow(user, name, 'NONEXISTENT')
      const deleted = (this.q(`SELECT uid FROM message WHERE mailbox_id = ? AND (system_flags & ${DELETED_BIT}) != 0 ORDER BY uid`).all(box.id) as {uid: number}[])
        .map((r) => r.uid)
        .filter((uid) => !only || only.has(uid))
      for (const uid of deleted) this.q('DELETE FROM message WHERE mailbox_id = ? AND uid = ?').run(box.id, uid)
      return deleted
    })
    if (removed.length > 0) this.emit({kind: 'expunge', user, mailbox: name, uids: removed})
    return removed
  }

  copy(user: string, from: string, uids: readonly number[], to: string): {uidValidity: number; pairs: [number, number][]} {
    checkUser(user)
    const source = canonicalMailboxName(from)
    const target = canonicalMailboxName(to)
    const result = this.write(() => {
      const src = this.selectableRow(user, source, 'NONEXISTENT')
      const dst = this.selectableRow(user, target, 'TRYCREATE')
      // Read every source row before inserting: the target may be the source.
      const rows = [...new Set(uids.filter(isUid))]
        .sort((a, b) => a - b)
        .map((uid) => this.q('SELECT * FROM message WHERE mailbox_id = ? AND uid = ?').get(src.id, uid) as MessageRow | undefined)
        .filter((r): r is MessageRow => r !== undefined)
      const pairs: [number, number][] = []
      let next = dst.uid_next
      for (const row of rows) {
        const uid = claimUid(next++, target)
        const info = this.q(
          `INSERT INTO message (mailbox_id, uid, size, internal_date, system_flags, keywords, recent) VALUES (?, ?, ?, ?, ?, ?, 1)`,
        ).run(dst.id, uid, row.size, row.internal_date, row.system_flags, row.keywords)
        this.q('INSERT INTO message_chunk (message_id, seq, data) SELECT ?, seq, data FROM message_chunk WHERE message_id = ?').run(info.lastInsertRowid, row.id)
        pairs.push([row.uid, uid])
      }
      this.q('UPDATE mailbox SET uid_next = ? WHERE id = ?').run(next, dst.id)
      return {uidValidity: dst.uid_validity, pairs}
    })
    if (result.pairs.length > 0) this.emit({kind: 'exists', user, mailbox: target})
    return result
  }

  takeRecent(user: string, mailbox: string): number[] {
    checkUser(user)
    const name = canonicalMailboxName(mailbox)
    return this.write(() => {
      const box = this.selectableRow(user, name, 'NONEXISTENT')
      const uids = (this.q('SELECT uid FROM message WHERE mailbox_id = ? AND recent = 1 ORDER BY uid').all(box.id) as {uid: number}[]).map((r) => r.uid)
      this.q('UPDATE message SET recent = 0 WHERE mailbox_id = ? AND recent = 1').run(box.id)
      return uids
    })
  }

  watch(listener: (change: MailboxChange) => void): () => void {
    return this.feed.watch(listener)
  }

  close(): void {
    if (this.db.open) this.db.close()
  }

  /** DELIVER and APPEND: a new, recent message at the end of the mailbox. */
  private addMessage(user: string, mailbox: string, body: Buffer, flags: FlagSet, internalDate: Date | undefined): {uid: number; uidValidity: number} {
    checkUser(user)
    const name = canonicalMailboxName(mailbox)
    if (body.length > this.maxMessageBytes) {
      throw new MailStoreError(`the message is ${body.length} bytes; the limit is ${this.maxMessageBytes} bytes`, 'LIMIT')
    }
    const date = internalDate ? internalDate.getTime() : this.now()
    if (!Number.isFinite(date)) throw new MailStoreError('the internal date of the message is not a valid date', 'CANNOT')
    const result = this.write(() => {
      const box = this.selectableRow(user, name, 'TRYCREATE')
      const uid = claimUid(box.uid_next, name)
      const info = this.q(
        `INSERT INTO message (mailbox_id, uid, size, internal_date, system_flags, keywords, recent) VALUES (?, ?, ?, ?, ?, ?, 1)`,
      ).run(box.id, uid, body.length, date, flags.system, encodeKeywords(flags.keywords))
      const insertChunk = this.q('INSERT INTO message_chunk (message_id, seq, data) VALUES (?, ?, ?)')
      for (let offset = 0, seq = 0; offset < body.length; offset += CHUNK_BYTES, seq++) {
        insertChunk.run(info.lastInsertRowid, seq, body.subarray(offset, offset + CHUNK_BYTES))
      }
      this.q('UPDATE mailbox SET uid_next = ? WHERE id = ?').run(uid + 1, box.id)
      return {uid, uidValidity: box.uid_validity}
    })
    this.emit({kind: 'exists', user, mailbox: name})
    return result
  }

  /** RFC 3501 6.3.5: INBOX's messages move to a new mailbox with new UIDs; INBOX stays, empty, and its children stay put. */
  private renameInbox(user: string, target: string): void {
    const moved = this.write(() => {
      const inbox = this.inboxRow(user)
      if (target === INBOX || this.mailboxRow(user, target)) throw new MailStoreError(`mailbox "${target}" already exists`, 'ALREADYEXISTS')
      for (const above of ancestorNames(target)) if (!this.mailboxRow(user, above)) this.insertMailbox(user, above)
      const dstId = this.insertMailbox(user, target)
      const uids = this.uidsOf(inbox.id)
      let next = 1
      for (const uid of uids) {
        this.q('UPDATE message SET mailbox_id = ?, uid = ? WHERE mailbox_id = ? AND uid = ?').run(dstId, next++, inbox.id, uid)
      }
      this.q('UPDATE mailbox SET uid_next = ? WHERE id = ?').run(next, dstId)
      return uids
    })
    if (moved.length > 0) {
      this.emit({kind: 'expunge', user, mailbox: INBOX, uids: moved})
      this.emit({kind: 'exists', user, mailbox: target})
    }
  }

  /** Validate, and make sure INBOX exists before a read transaction that may need it. */
  private prepareRead(user: string, mailbox: string): string {
    checkUser(user)
    const name = canonicalMailboxName(mailbox)
    if (name === INBOX) this.ensureInbox(user)
    return name
  }

  /** Creates INBOX outside any read transaction: only the first call for a user writes. */
  private ensureInbox(user: string): void {
    if (!this.mailboxRow(user, INBOX)) this.write(() => this.inboxRow(user))
  }

  /** INBOX exists for every user: made on first use. Call inside a write. */
  private inboxRow(user: string): MailboxRow {
    const row = this.mailboxRow(user, INBOX)
    if (row) return row
    this.insertMailbox(user, INBOX)
    return this.mailboxRow(user, INBOX)!
  }

  private mailboxRow(user: string, name: string): MailboxRow | undefined {
    return this.q('SELECT id, name, uid_validity, uid_next, selectable FROM mailbox WHERE user = ? AND name = ?').get(user, name) as MailboxRow | undefined
  }

  /** A mailbox that can hold messages; `missing` is the code when there is none (TRYCREATE for APPEND/COPY targets). */
  private selectableRow(user: string, name: string, missing: 'NONEXISTENT' | 'TRYCREATE'): MailboxRow {
    const row = name === INBOX && this.writing ? this.inboxRow(user) : this.mailboxRow(user, name)
    if (!row) throw noSuchMailbox(name, missing)
    if (!row.selectable) {
      throw new MailStoreError(`mailbox "${name}" cannot hold messages (\\Noselect): it was deleted but still has child mailboxes`, 'CANNOT')
    }
    return row
  }

  private insertMailbox(user: string, name: string): number {
    this.q('INSERT OR IGNORE INTO mail_user (name, last_uid_validity) VALUES (?, 0)').run(user)
    const last = (this.q('SELECT last_uid_validity AS v FROM mail_user WHERE name = ?').get(user) as {v: number}).v
    const uidValidity = nextUidValidity(this.now(), last)
    this.q('UPDATE mail_user SET last_uid_validity = ? WHERE name = ?').run(uidValidity, user)
    return Number(this.q('INSERT INTO mailbox (user, name, uid_validity) VALUES (?, ?, ?)').run(user, name, uidValidity).lastInsertRowid)
  }

  private hasChildren(user: string, name: string): boolean {
    return this.q('SELECT 1 FROM mailbox WHERE user = ? AND name >= ? AND name < ? LIMIT 1').get(user, ...belowRange(name)) !== undefined
  }

  private uidsOf(mailboxId: number): number[] {
    return (this.q('SELECT uid FROM message WHERE mailbox_id = ? ORDER BY uid').all(mailboxId) as {uid: number}[]).map((r) => r.uid)
  }

  /** One BEGIN IMMEDIATE transaction: concurrent writers queue instead of failing half-way. */
  private write<T>(fn: () => T): T {
    const outer = this.writing
    this.writing = true
    try {
      return this.transaction.immediate(fn) as T
    } finally {
      this.writing = outer
    }
  }

  /** One read transaction, so several statements see the same committed state. */
  private read<T>(fn: () => T): T {
    return this.transaction.deferred(fn) as T
  }

  private q(sql: string): Database.Statement {
    let stmt = this.statements.get(sql)
    if (!stmt) {
      stmt = this.db.prepare(sql)
      this.statements.set(sql, stmt)
    }
    return stmt
  }

  private emit(change: MailboxChange): void {
    this.feed.emit(change)
  }
}

function flagsOf(row: MessageRow): FlagSet {
  return {system: row.system_flags, keywords: decodeKeywords(row.keywords)}
}

/**
 * Bounds of the names strictly below `name`, as an index range: in SQLite's
 * byte order every "name/..." sorts from "name/" up to, not including,
 * "name0" ("0" follows "/").
 */
function belowRange(name: string): [string, string] {
  return [name + '/', name + '0']
}

function claimUid(uid: number, mailbox: string): number {
  if (uid > MAX_UID) throw new MailStoreError(`mailbox "${mailbox}" has used up its UIDs; copy its messages to a new mailbox`, 'LIMIT')
  return uid
}

function isUid(uid: number): boolean {
  return Number.isSafeInteger(uid) && uid > 0 && uid <= MAX_UID
}

function checkUser(user: string): void {
  if (user === '') throw new MailStoreError('a mail store user name cannot be empty', 'CANNOT')
}

function noSuchMailbox(name: string, code: 'NONEXISTENT' | 'TRYCREATE'): MailStoreError {
  return new MailStoreError(`mailbox "${name}" does not exist`, code)
}

function reportListenerError(err: unknown): void {
  process.emitWarning(`a mail store watcher failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`)
}
