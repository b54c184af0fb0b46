import {StoreError} from '../errors.js'

/**
 * One line for an SQLite database that would not open (the store, the mail
 * store): what is wrong with the file and what to do. `what` names it in the
 * message ("store", "mail store"); `busyTimeoutMs` is how long it waited.
 */
export function describeOpenError(file: string, err: unknown, what: string, busyTimeoutMs: number): Error {
  if (err instanceof StoreError) return err
  const e = err as {code?: string; message?: string}
  switch (e.code) {
    case 'SQLITE_NOTADB':
    case 'SQLITE_CORRUPT':
      return new StoreError(`${file} is corrupt or not a database; restore it from a backup or move it away`)
    case 'SQLITE_CANTOPEN':
    case 'EACCES':
      return new StoreError(`cannot open ${what} ${file}: permission denied or missing directory`)
    case 'SQLITE_READONLY':
      return new StoreError(`${what} ${file} is read-only for this user; run as its owner`)
    case 'SQLITE_BUSY':
      return new StoreError(`${what} ${file} stayed locked by another process for ${busyTimeoutMs / 1000}s; try again`)
    default:
      return new StoreError(`cannot open ${what} ${file}: ${e.message ?? String(err)}`)
  }
}
