import {homedir} from 'node:os'
import {join, resolve} from 'node:path'
import {statSync} from 'node:fs'
import {StoreError} from '../errors.js'

export const STORE_FILE = 'msg.db'

export interface StoreLocation {
  /** The configuration directory (holds msg.db, pid and log files, sslpassword.conf). */
  readonly dir: string
  /** The SQLite file. */
  readonly file: string
}

/**
 * The per-user default when neither `-d` nor `MSGCTL_HOME` is given, in the
 * spirit of NSS's `$HOME/.netscape`.
 */
export function defaultStoreDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(env.HOME || homedir(), '.msgctl')
}

/**
 * Where the store is: `-d DIR` (NSS's `sql:DIR` accepted), else
 * `$MSGCTL_HOME`, else the per-user default.
 */
export function locateStore(dirOption: string | undefined, env: NodeJS.ProcessEnv = process.env): StoreLocation {
  let dir = dirOption ?? env.MSGCTL_HOME ?? defaultStoreDir(env)
  if (dir.startsWith('sql:')) dir = dir.slice(4)
  else if (dir.startsWith('dbm:')) {
    throw new StoreError(`legacy dbm: databases are not supported; use a store directory (sql:${dir.slice(4)})`)
  }
  if (dir === '') throw new StoreError('empty store directory name; give -d DIR')
  if (dir.length > 1) dir = dir.replace(/\/+$/, '')
  dir = resolve(dir)
  return {dir, file: join(dir, STORE_FILE)}
}

/** configutil's `-f FILE`: a store file, or a directory holding msg.db. */
export function locateStoreFile(path: string): StoreLocation {
  const p = resolve(path.startsWith('sql:') ? path.slice(4) : path)
  let isDir = false
  try {
    isDir = statSync(p).isDirectory()
  } catch {
    isDir = !p.endsWith('.db')
  }
  return isDir ? {dir: p, file: join(p, STORE_FILE)} : {dir: resolve(p, '..'), file: p}
}
