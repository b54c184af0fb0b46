import type {ArgumentCursor} from './argument_cursor.js'

/** The system flags a client may set, in their canonical spelling (RFC 3501 §2.3.2). */
const SYSTEM_FLAGS = new Map(['\\Seen', '\\Answered', '\\Flagged', '\\Deleted', '\\Draft'].map((f) => [f.toLowerCase(), f]))

/**
 * One flag a client wants stored: a system flag in canonical case, or a
 * keyword. \Recent is the server's alone and is dropped (null).
 */
export function storableFlag(cursor: ArgumentCursor): string | null {
  const flag = cursor.flag()
  if (!flag.startsWith('\\')) return flag
  if (flag.toLowerCase() === '\\recent') return null
  const system = SYSTEM_FLAGS.get(flag.toLowerCase())
  if (system === undefined) cursor.fail(`Unknown system flag ${flag}`)
  return system
}

/** "(" [flag *(SP flag)] ")" */
export function parseFlagList(cursor: ArgumentCursor): string[] {
  return cursor.list(storableFlag).filter((f): f is string => f !== null)
}
