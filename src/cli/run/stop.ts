import {MsgctlError} from '../../core/errors.js'
import {runningPid} from '../../daemon/pid_file.js'
import {ask, daemonDir, waitForExit} from '../daemon_control.js'
import type {CommandRun} from './types.js'

export const run: CommandRun = async ({flags}) => {
  const dir = daemonDir(flags)
  const pid = runningPid(dir)
  await ask(dir, 'stop')
  if (pid !== null && !(await waitForExit(pid, 20_000))) throw new MsgctlError(`the daemon (pid ${pid}) is still running after 20 s`, 1)
  process.stdout.write(`msgctl stopped${pid ? ` (pid ${pid})` : ''}\n`)
  return 0
}
