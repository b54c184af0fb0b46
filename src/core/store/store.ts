import Database from 'better-sqlite3'
import {closeSync, existsSync, mkdirSync, openSync} from 'node:fs'
import {StoreError} from '../errors.js'
import type {StoreLocation} from './location.js'
import {describeOpenError} from './open_error.js'
import {applyMigrations} from './apply_migrations.js'
import {MIGRATIONS, SCHEMA_VERSION} from './migrations.js'

/** 'MSGC': marks a SQLite file as a msgctl store. */
const APPLICATION_ID = 0x4d534743
/** Many CLI writers may queue behind one another; wait rather than fail. */
const BUSY_TIMEOUT_MS = 60_000

export interface OpenOptions {
  /** Create the directory and file when missing (writers); readers get an error. */
  readonly create?: boolean
}

/**
 * One open msg.db. Reads run directly; every write goes through `write()`,
 * a BEGIN IMMEDIATE transaction, so concurrent writers serialise instead of
 * failing half-way, and readers never see a half-written change.
 */
export class Store {
  private constructor(
    readonly location: StoreLocation,
    readonly db: Database.Database,
  ) {}

  static open(location: StoreLocation, options: OpenOptions = {}): Store {
    const {dir, file} = location
    if (!existsSync(file)) {
      if (!options.create) {
        throw new StoreError(
          `no msgctl store at ${dir} (${file} does not exist); give -d DIR or set MSGCTL_HOME, or create one (configutil -o NAME -v VALUE, certutil -N)`,
        )
      }
      createFile(location)
    }
    let db: Database.Database
    try {
      db = new Database(file, {fileMustExist: true, timeout: BUSY_TIMEOUT_MS})
    } catch (err) {
      throw describeOpenError(file, err, 'store', BUSY_TIMEOUT_MS)
    }
    const store = new Store(location, db)
    try {
      store.prepare()
    } catch (err) {
      db.close()
      throw describeOpenError(file, err, 'store', BUSY_TIMEOUT_MS)
    }
    return store
  }

  /** Run `fn` in a BEGIN IMMEDIATE transaction and bump the store generation. */
  write<T>(fn: () => T): T {
    const tx = this.db.transaction(() => {
      const result = fn()
      this.db.prepare(`UPDATE store_meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'generation'`).run()
      return result
    })
    return tx.immediate()
  }

  /**
   * Run an async `fn` (key generation awaits) in one BEGIN IMMEDIATE
   * transaction: certutil -B applies every line or none. `write()` calls made
   * inside become savepoints. Nothing else may use this connection meanwhile.
   */
  async writeAsync<T>(fn: () => Promise<T>): Promise<T> {
    if (this.db.inTransaction) throw new Error('writeAsync cannot nest inside another transaction')
    this.db.exec('BEGIN IMMEDIATE')
    try {
      const result = await fn()
      this.db.prepare(`UPDATE store_meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'generation'`).run()
      this.db.exec('COMMIT')
      return result
    } catch (err) {
      if (this.db.inTransaction) this.db.exec('ROLLBACK')
      throw err
    }
  }

  /** Counts committed writes; the daemon compares it to notice changes. */
  generation(): number {
    const row = this.db.prepare(`SELECT value FROM store_meta WHERE key = 'generation'`).get() as {value: string}
    return Number(row.value)
  }

  close(): void {
    if (this.db.open) this.db.close()
  }

  private prepare(): void {
    const db = this.db
    db.pragma('busy_timeout = ' + BUSY_TIMEOUT_MS)
    db.pragma('foreign_keys = ON')
    const appId = db.pragma('application_id', {simple: true}) as number
    const version = db.pragma('user_version', {simple: true}) as number
    if (appId !== APPLICATION_ID && !(appId === 0 && version === 0 && isEmpty(db))) {
      throw new StoreError(`${this.location.file} is not a msgctl store (it is another SQLite database); give a different -d DIR`)
    }
    if (version > SCHEMA_VERSION) {
      throw new StoreError(
        `${this.location.file} was written by a newer msgctl (schema ${version}; this version knows up to ${SCHEMA_VERSION}); upgrade msgctl to use it`,
      )
    }
    if (db.pragma('journal_mode', {simple: true}) !== 'wal') db.pragma('journal_mode = WAL')
    // FULL: a committed change (and, later, an acknowledged message) survives power loss.
    db.pragma('synchronous = FULL')
    if (version < SCHEMA_VERSION) this.migrate()
  }

  private migrate(): void {
    applyMigrations(this.db, MIGRATIONS, APPLICATION_ID)
  }
}

function isEmpty(db: Database.Database): boolean {
  return (db.prepare(`SELECT count(*) AS n FROM sqlite_schema`).get() as {n: number}).n === 0
}

/** Directory 0700, file 0600; SQLite gives its -wal and -shm files the file's mode. */
function createFile({dir, file}: StoreLocation): void {
  try {
    mkdirSync(dir, {recursive: true, mode: 0o700})
    closeSync(openSync(file, 'wx', 0o600))
  } catch (err) {
    const e = err as NodeJS.ErrnoException
    if (e.code === 'EEXIST') return // another process created it first
    throw new StoreError(`cannot create store ${file}: ${e.code === 'EACCES' ? 'permission denied' : e.message}`)
  }
}
