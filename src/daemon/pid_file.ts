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
  return processRuns(pid) ? pid : null
}

/** True while `pid` runs; a zombie has stopped running, though kill(pid, 0) still finds it. */
export function processRuns(pid: number): boolean {
  try {
    process.kill(pid, 0)
  } catch (err) {
    // EPERM: it runs, as someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
  return !isZombie(pid)
}

/**
 * A killed daemon stays a zombie until its parent reaps it, and the detached
 * daemon's parent is init, which may take seconds (some container inits
 * longer): kill(pid, 0) still succeeds then, though nothing runs.
 */
function isZombie(pid: number): boolean {
  let stat: string
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  } catch {
    return false // no /proc (not Linux), or it is gone: kill(pid, 0) decided
  }
  // "pid (comm) S ...": comm may hold spaces and parentheses, the state follows the last ')'.
  return /^ [ZX]/.test(stat.slice(stat.lastIndexOf(')') + 1))
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
