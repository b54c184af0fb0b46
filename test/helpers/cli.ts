import {spawn, spawnSync} from 'node:child_process'
import {mkdtempSync, readFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join, resolve} from 'node:path'

/** The repository root (tests run from there: `npm test`). */
export const ROOT = resolve(new URL('../../../', import.meta.url).pathname)
export const BIN = join(ROOT, 'bin')

export interface Result {
  status: number | null
  stdout: string
  stderr: string
}

/** Run one of our executables synchronously with its own MSGCTL_HOME. */
export function runTool(tool: string, args: readonly string[], opts: {home?: string; input?: string; env?: NodeJS.ProcessEnv} = {}): Result {
  const r = spawnSync(join(BIN, tool), args, {
    encoding: 'utf8',
    input: opts.input ?? '',
    env: {...process.env, ...(opts.home ? {MSGCTL_HOME: opts.home} : {}), ...opts.env},
    timeout: 60_000,
  })
  return {status: r.status, stdout: r.stdout, stderr: r.stderr}
}

/** The same, asynchronously, for tests that start many processes at once. */
export function runToolAsync(tool: string, args: readonly string[], opts: {home?: string} = {}): Promise<Result> {
  return new Promise((done, fail) => {
    const child = spawn(join(BIN, tool), args, {env: {...process.env, ...(opts.home ? {MSGCTL_HOME: opts.home} : {})}, stdio: ['ignore', 'pipe', 'pipe']})
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d) => (stdout += d))
    child.stderr.on('data', (d) => (stderr += d))
    child.on('error', fail)
    child.on('close', (status) => done({status, stdout, stderr}))
  })
}

/**
 * A fresh temporary directory, removed when the test ends. A daemon still
 * running for it is stopped first: after-hooks run in the order they were
 * added, so this one runs before startDaemon's, and a daemon that a test
 * restarted (a new pid) would otherwise outlive its directory.
 */
export function tempDir(t: {after: (fn: () => void) => void}, prefix = 'msgctl-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  t.after(() => {
    stopDaemonIn(dir)
    rmSync(dir, {recursive: true, force: true})
  })
  return dir
}

function stopDaemonIn(dir: string): void {
  let pid: number
  try {
    pid = Number(readFileSync(join(dir, 'msgctl.pid'), 'utf8'))
  } catch {
    return
  }
  if (spawnSync(join(BIN, 'msgctl'), ['stop', '-d', dir], {stdio: 'ignore', timeout: 30_000}).status === 0) return
  try {
    process.kill(pid, 'SIGKILL')
  } catch {
    // already gone
  }
}

/**
 * A system tool the test needs (NSS certutil, openssl...). In CI a missing
 * tool fails the test; elsewhere the test is skipped with a loud message.
 */
export function systemTool(t: {skip: (msg: string) => void}, path: string): boolean {
  const r = spawnSync(path, ['-H'], {stdio: 'ignore'})
  if (r.error === undefined) return true
  if (process.env.CI) throw new Error(`${path} is missing; .ci/run must install it`)
  process.stderr.write(`\n*** SKIPPED: ${path} is not installed (apt-get install libnss3-tools openssl) ***\n`)
  t.skip(`${path} is not installed`)
  return false
}
