import {runningPid} from '../../daemon/pid_file.js'
import {daemonDir} from '../daemon_control.js'
import {run as start} from './start.js'
import {run as stop} from './stop.js'
import type {CommandRun} from './types.js'

export const run: CommandRun = async (argv, ctx) => {
  if (runningPid(daemonDir(argv.flags)) !== null) {
    const code = await stop(argv, ctx)
    if (code !== 0) return code
  }
  return start(argv, ctx)
}
