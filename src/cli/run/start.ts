import {spawn} from 'node:child_process'
import {existsSync, mkdirSync, openSync} from 'node:fs'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {MsgctlError, UsageError} from '../../core/errors.js'
import {locateStore, Store} from '../../core/store/index.js'
import {Logger} from '../../daemon/log.js'
import {engineStartup} from '../../daemon/tls/engine_config.js'
import {runningPid} from '../../daemon/pid_file.js'
import {parseRole} from '../../daemon/proxy/role.js'
import {daemonDir} from '../daemon_control.js'
import type {CommandRun} from './types.js'

const READY_TIMEOUT_MS = 60_000

export const run: CommandRun = async ({flags}) => {
  const dir = daemonDir(flags)
  // --role: this run's role (msgctl restart passes on the one in use).
  const role = typeof flags.role === 'string' ? flags.role : undefined
  // Checked before anything is created: a mistyped role must not leave a new store behind.
  if (role !== undefined && parseRole(role) === null) throw new UsageError(`unknown role "${role}": use proxy or server (backend)`, 2)
  if (flags.foreground === true || flags['detached-child'] === true) return serve(dir, flags['detached-child'] === true, role)
  const other = runningPid(dir)
  if (other !== null) throw new MsgctlError(`a daemon already runs for ${dir} (pid ${other}); msgctl status -d ${dir} shows it`)
  if (!existsSync(dir)) mkdirSync(dir, {recursive: true, mode: 0o700})
  // The child logs to msgctl.log; it tells us over IPC when it listens, or why it could not.
  const log = openSync(join(dir, 'msgctl.log'), 'a', 0o600)
  const bin = fileURLToPath(new URL('../../../../bin/msgctl', import.meta.url))
  const engine = engineForTokenKey(dir)
  const child = spawn(process.execPath, [...(engine?.execArgv ?? []), bin, 'start', '-d', dir, '--detached-child', ...(role ? ['--role', role] : [])], {detached: true, stdio: ['ignore', log, log, 'ipc'], env: {...process.env, ...engine?.env}})
  const answer = await new Promise<{ok: boolean; lines?: string[]; error?: string; listeners?: string}>((resolve) => {
    const timer = setTimeout(() => resolve({ok: false, error: `the daemon did not report ready within ${READY_TIMEOUT_MS / 1000} s; see ${join(dir, 'msgctl.log')}`}), READY_TIMEOUT_MS)
    child.on('message', (m) => {
      clearTimeout(timer)
      resolve(m as {ok: boolean; error?: string})
    })
    child.on('exit', (code) => {
      clearTimeout(timer)
      resolve({ok: false, error: `the daemon exited (status ${code}) before it was ready; see ${join(dir, 'msgctl.log')}`})
    })
  })
  for (const line of answer.lines ?? []) process.stdout.write(`${line}\n`)
  if (!answer.ok) {
    // The child exits by itself after a failed start; this makes sure, and lets us go.
    if (child.exitCode === null) child.kill('SIGKILL')
    if (child.connected) child.disconnect()
    child.unref()
    throw new MsgctlError(answer.error ?? 'the daemon did not start', 1)
  }
  child.disconnect()
  child.unref()
  process.stdout.write(`msgctl started (pid ${child.pid}) for ${dir}: ${answer.listeners}\n`)
  return 0
}

/** A server key on an external token needs OpenSSL's PKCS #11 engine loaded at process start. */
function engineForTokenKey(dir: string): ReturnType<typeof engineStartup> {
  if (!existsSync(join(dir, 'msg.db'))) return null
  const store = Store.open(locateStore(dir))
  try {
    return engineStartup(store, dir)
  } finally {
    store.close()
  }
}

/** The daemon process itself: foreground, or the detached child of `msgctl start`. */
async function serve(dir: string, detached: boolean, role: string | undefined): Promise<number> {
  const {Daemon} = await import('../../daemon/supervisor.js')
  const log = detached ? Logger.toFile(join(dir, 'msgctl.log')) : Logger.toStderr()
  const lines: string[] = []
  const say = (line: string) => {
    lines.push(line)
    log.line(line)
  }
  process.title = 'msgctl'
  let daemon
  try {
    daemon = await Daemon.start(dir, log, say, role === undefined ? {} : {role})
  } catch (err) {
    const message = (err as Error).message
    log.line(`cannot start: ${message}`)
    await log.close()
    // Listeners bound before the failure would keep this process alive; a daemon that did not start must end.
    if (process.send) process.send({ok: false, lines, error: message}, () => process.exit(1))
    else {
      process.stderr.write(`msgctl: ${message}\n`)
      process.exit(1)
    }
    return 1
  }
  const listeners = daemon.listeners().map((l) => `${l.label} ${l.port}`).join(', ')
  if (process.send) {
    process.send({ok: true, lines, listeners})
    process.disconnect()
  } else {
    process.stderr.write(`msgctl running (pid ${process.pid}): ${listeners}\n`)
  }
  process.on('SIGHUP', () => void daemon.reload())
  await new Promise<void>((resolve) => {
    const stop = () => void daemon.stop().then(resolve)
    process.once('SIGTERM', stop)
    process.once('SIGINT', stop)
  })
  await log.close()
  return 0
}
