import {closeSync, fsyncSync, openSync, renameSync, unlinkSync, writeSync} from 'node:fs'
import {basename, dirname, join} from 'node:path'
import {MsgctlError} from '../core/errors.js'

/** Write a whole file or nothing: a temp file beside it, fsync, rename. */
export function writeFileAtomic(path: string, data: string | Uint8Array, mode: number): void {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`)
  let fd: number | undefined
  try {
    fd = openSync(tmp, 'wx', mode)
    writeSync(fd, typeof data === 'string' ? Buffer.from(data) : data)
    fsyncSync(fd)
    closeSync(fd)
    fd = undefined
    renameSync(tmp, path)
  } catch (err) {
    if (fd !== undefined) closeSync(fd)
    try {
      unlinkSync(tmp)
    } catch {
      /* nothing to clean */
    }
    const e = err as NodeJS.ErrnoException
    throw new MsgctlError(`cannot write ${path}: ${e.code === 'EACCES' ? 'permission denied' : e.code === 'ENOENT' ? 'no such directory' : e.message}`)
  }
}
