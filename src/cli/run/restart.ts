import {runningPid} from '../../daemon/pid_file.js'
import {ask, daemonDir} from '../daemon_control.js'
import {run as start} from './start.js'
import {run as stop} from './stop.js'
import type {CommandRun} from './types.js'

export const run: CommandRun = async (argv, ctx) => {
  const dir = daemonDir(argv.flags)
  let role: string | undefined
  if (runningPid(dir) !== null) {
    role = await roleInUse(dir)
    const code = await stop(argv, ctx)
    if (code !== 0) return code
  }
  // The role the daemon ran with (start --role may have chosen it) stays.
  return start(role === undefined ? argv : {...argv, flags: {...argv.flags, role}}, ctx)
}

async function roleInUse(dir: string): Promise<string | undefined> {
  try {
    const role = (await ask(dir, 'status')).role
    return typeof role === 'string' ? role : undefined
  } catch {
    return undefined
  }
}
