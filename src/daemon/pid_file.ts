import {readFileSync, rmSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {MsgctlError} from '../core/errors.js'

export const PID_FILE = 'msgctl.pid'

/** The pid recorded in DIR, when that process still runs; null otherwise. */
export function runningPid(dir: string): number | null {
  let text: string
  try {
    text = readFileSync(join(dir, PID_FILE), 'utf8')
  } catch {
    return null
  }
  const pid = Number(text.trim())
  if (!Number.isInteger(pid) || pid <= 0) return null
  try {
    process.kill(pid, 0)
    return pid
  } catch (err) {
    // EPERM: it runs, as someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM' ? pid : null
  }
}

/**
 * Claim the store for this process: one daemon per store. A pid file whose
 * process is gone (a crash, a reboot) is stale and replaced.
 */
export function claimPidFile(dir: string): void {
  const other = runningPid(dir)
  if (other !== null && other !== process.pid) {
    throw new MsgctlError(`a daemon already runs for ${dir} (pid ${other}); msgctl status -d ${dir} shows it, msgctl stop stops it`)
  }
  const path = join(dir, PID_FILE)
  rmSync(path, {force: true})
  writeFileSync(path, `${process.pid}\n`, {mode: 0o644, flag: 'wx'})
}

export function releasePidFile(dir: string): void {
  const path = join(dir, PID_FILE)
  try {
    if (Number(readFileSync(path, 'utf8').trim()) === process.pid) rmSync(path, {force: true})
  } catch {
    // already gone
  }
}
