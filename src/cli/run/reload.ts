import {ask, daemonDir} from '../daemon_control.js'
import type {CommandRun} from './types.js'

export const run: CommandRun = async ({flags}) => {
  const answer = await ask(daemonDir(flags), 'reload')
  for (const w of (answer.warnings as string[] | undefined) ?? []) process.stderr.write(`msgctl: warning: ${w}\n`)
  if (answer.ok !== true) {
    process.stderr.write(`msgctl: reload refused, still serving snapshot ${answer.generation}: ${answer.reason ?? answer.error}\n`)
    return 1
  }
  process.stdout.write(`reloaded: snapshot ${answer.generation}\n`)
  return 0
}
