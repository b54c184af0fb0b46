/**
 * Opening mail.db: create it private, set the pragmas the store relies on,
 * refuse a file that is not ours, and bring the schema up to date.
 */
import Database from 'better-sqlite3'
import {closeSync, mkdirSync, openSync} from 'node:fs'
import {dirname} from 'node:path'
import {StoreError} from '../../core/errors.js'
import {describeOpenError} from '../../core/store/open_error.js'
import {applyMigrations} from '../../core/store/apply_migrations.js'
import {MAIL_MIGRATIONS, MAIL_SCHEMA_VERSION} from './migrations.js'

/** 'MSGM': marks a SQLite file as a msgctl mail store (msg.db is 'MSGC'). */
const APPLICATION_ID = 0x4d53474d
/**
 * better-sqlite3 blocks the whole daemon while it waits for a lock, and the
 * daemon is the only regular writer (an admin tool may hold the lock for a
 * moment), so wait a little, not minutes.
 */
const BUSY_TIMEOUT_MS = 5_000

export function openMailDb(file: string): Database.Database {
  createPrivateFile(file)
  let db: Database.Database
  try {
    db = new Database(file, {fileMustExist: true, timeout: BUSY_TIMEOUT_MS})
  } catch (err) {
    throw describeOpenError(file, err, 'mail store', BUSY_TIMEOUT_MS)
  }
  try {
    configure(db, file)
    migrate(db)
  } catch (err) {
    db.close()
    throw describeOpenError(file, err, 'mail store', BUSY_TIMEOUT_MS)
  }
  return db
}

/** Mode 0600 on creation (SQLite gives -wal and -shm the same); an existing file is used as it is. */
function createPrivateFile(file: string): void {
  try {
    mkdirSync(dirname(file), {recursive: true, mode: 0o700})
    closeSync(openSync(file, 'wx', 0o600))
  } catch (err) {
    const e = err as NodeJS.ErrnoException
    if (e.code === 'EEXIST') return
    throw new StoreError(`cannot create mail store ${file}: ${e.code === 'EACCES' ? 'permission denied' : e.message}`)
  }
}

function configure(db: Database.Database, file: string): void {
  db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`)
  db.pragma('foreign_keys = ON')
  const appId = db.pragma('application_id', {simple: true}) as number
  const version = db.pragma('user_version', {simple: true}) as number
  const empty = (db.prepare('SELECT count(*) AS n FROM sqlite_schema').get() as {n: number}).n === 0
  if (appId !== APPLICATION_ID && !(appId === 0 && version === 0 && empty)) {
    throw new StoreError(`${file} is not a msgctl mail store (it is another SQLite database); move it away or use another configuration directory`)
  }
  if (version > MAIL_SCHEMA_VERSION) {
    throw new StoreError(
      `${file} was written by a newer msgctl (mail schema ${version}; this version knows up to ${MAIL_SCHEMA_VERSION}); upgrade msgctl to use it`,
    )
  }
  if (db.pragma('journal_mode', {simple: true}) !== 'wal') db.pragma('journal_mode = WAL')
  // FULL, not the WAL default NORMAL this build of SQLite is compiled with:
  // SMTP answers 250 only after deliver() returns, so a committed message
  // must be on disk and survive a crash or power loss.
  db.pragma('synchronous = FULL')
}

function migrate(db: Database.Database): void {
  if ((db.pragma('user_version', {simple: true}) as number) >= MAIL_SCHEMA_VERSION) return
  applyMigrations(db, MAIL_MIGRATIONS, APPLICATION_ID)
}
