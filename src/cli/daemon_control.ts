import {locateStore} from '../core/store/index.js'
import type {FlagValue} from '../core/argv/index.js'
import {askDaemon, type ControlRequest} from '../daemon/control_channel.js'
import {processRuns, runningPid} from '../daemon/pid_file.js'
import {MsgctlError} from '../core/errors.js'

export function daemonDir(flags: Record<string, FlagValue>): string {
  return locateStore(typeof flags.dir === 'string' ? flags.dir : undefined).dir
}

/** Ask the running daemon; a clear error when none runs. */
export async function ask(dir: string, command: ControlRequest['command']): Promise<Record<string, unknown>> {
  try {
    return await askDaemon(dir, {command})
  } catch (err) {
    const pid = runningPid(dir)
    if (pid === null) throw new MsgctlError(`no daemon runs for ${dir}; start one with msgctl start -d ${dir}`, 3)
    throw new MsgctlError(`the daemon (pid ${pid}) did not answer on its control socket: ${(err as Error).message}`, 1)
  }
}

/** Wait until the process is gone; true when it went in time. */
export async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (!processRuns(pid)) return true
    await new Promise((r) => setTimeout(r, 100))
  }
  return false
}
