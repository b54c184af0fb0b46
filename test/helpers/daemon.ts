import {execFileSync} from 'node:child_process'
import {readFileSync} from 'node:fs'
import {connect, createServer} from 'node:net'
import {join} from 'node:path'
import {ROOT, runTool, tempDir, type Result} from './cli.js'

export interface Ports {
  imap: number
  imaps: number
  pop: number
  pops: number
  smtp: number
  smtps: number
  submission: number
  /** Set when the test asked for web mail (daemonForTest's web option). */
  http?: number
  https?: number
}

/**
 * A port nobody listens on right now. Picked at random below the kernel's
 * ephemeral range (32768 and up on Linux): a port the kernel hands out for
 * listen(0) may be given again as the source port of any client connection
 * before the test binds it, which made daemon starts fail now and then.
 */
export async function freePort(): Promise<number> {
  for (;;) {
    const port = 20000 + Math.floor(Math.random() * 12000)
    const server = createServer()
    const ok = await new Promise<boolean>((resolve) => {
      server.once('error', () => resolve(false))
      server.listen(port, '127.0.0.1', () => resolve(true))
    })
    if (!ok) continue
    await new Promise<void>((resolve) => server.close(() => resolve()))
    return port
  }
}

export async function freePorts(): Promise<Ports> {
  return {imap: await freePort(), imaps: await freePort(), pop: await freePort(), pops: await freePort(), smtp: await freePort(), smtps: await freePort(), submission: await freePort()}
}

/** Configure the service ports of a store that does not exist yet (configutil creates it). */
export function configurePorts(dir: string, ports: Ports): void {
  const set: [string, number][] = [
    ['service.imap.port', ports.imap],
    ['service.imap.sslport', ports.imaps],
    ['service.pop.port', ports.pop],
    ['service.pop.sslport', ports.pops],
    ['service.smtp.port', ports.smtp],
    ['service.smtp.sslport', ports.smtps],
    ['service.smtp.submissionport', ports.submission],
  ]
  const web = ports.http !== undefined && ports.https !== undefined ? `service.http.enable = yes\nservice.http.port = ${ports.http}\nservice.http.sslport = ${ports.https}\nservice.http.enablesslport = yes\n` : 'service.http.enable = no\n'
  const text = set.map(([k, v]) => `${k} = ${v}`).join('\n') + `\n${web}local.hostname = localhost\n`
  const r = runTool('configutil', ['-f', dir, '-i', '-'], {input: text})
  if (r.status !== 0) throw new Error(`configutil -i: ${r.stderr}`)
}

/**
 * `msgctl start -d DIR`, with clean-up registered: the daemon is stopped (or
 * killed, when its directory is already gone) when the test ends.
 */
export function startDaemon(t: {after: (fn: () => void) => void}, dir: string, env: NodeJS.ProcessEnv = {}): Result {
  const r = runTool('msgctl', ['start', '-d', dir], {env})
  let pid: number | null = null
  try {
    pid = Number(readFileSync(join(dir, 'msgctl.pid'), 'utf8'))
  } catch {
    // it did not start; the caller's assertion says why
  }
  t.after(() => {
    try {
      execFileSync(join(ROOT, 'bin', 'msgctl'), ['stop', '-d', dir], {stdio: 'ignore', timeout: 30_000})
    } catch {
      if (pid) {
        try {
          process.kill(pid, 'SIGKILL')
        } catch {
          // already gone
        }
      }
    }
  })
  return r
}

/**
 * A running daemon for one test: a fresh directory with free ports, the
 * given settings (configutil -i lines), started, and stopped at the end.
 */
export async function daemonForTest(t: {after: (fn: () => void) => void}, prefix: string, settings: readonly string[] = [], env: NodeJS.ProcessEnv = {}, options: {web?: boolean} = {}): Promise<{dir: string; ports: Ports}> {
  const dir = tempDir(t, prefix)
  if (settings.length > 0) {
    const r = runTool('configutil', ['-f', dir, '-i', '-'], {input: `${settings.join('\n')}\n`})
    if (r.status !== 0) throw new Error(`configutil -i: ${r.stderr}`)
  }
  // Another test process may take a port between our check and the daemon's bind: then pick again.
  for (let attempt = 1; ; attempt++) {
    const ports: Ports = {...(await freePorts()), ...(options.web ? {http: await freePort(), https: await freePort()} : {})}
    configurePorts(dir, ports)
    const started = startDaemon(t, dir, env)
    if (started.status === 0) return {dir, ports}
    if (attempt >= 3 || !/already in use/.test(started.stderr)) throw new Error(`msgctl start: ${started.stderr}`)
  }
}

/** Send lines one at a time from `from`, waiting for each reply; returns the replies. */
export async function converse(port: number, from: string, lines: string[], replyEnd: RegExp): Promise<string[]> {
  const s = connect({port, host: '127.0.0.1', localAddress: from})
  let buffer = ''
  const replies: string[] = []
  const next = () =>
    new Promise<string>((resolve, reject) => {
      const deadline = Date.now() + 15_000
      const poll = () => {
        const m = replyEnd.exec(buffer)
        if (m) {
          const end = m.index + m[0].length
          resolve(buffer.slice(0, end))
          buffer = buffer.slice(end)
        } else if (Date.now() > deadline) reject(new Error(`no reply; have ${JSON.stringify(buffer)}`))
        else setTimeout(poll, 10)
      }
      poll()
    })
  s.on('data', (d) => (buffer += d.toString('latin1')))
  try {
    await next() // greeting
    for (const line of lines) {
      s.write(`${line}\r\n`)
      replies.push(await next())
    }
  } finally {
    s.destroy()
  }
  return replies
}
