import {spawn, type ChildProcess} from 'node:child_process'
import {readFileSync} from 'node:fs'
import {connect, createServer, type Socket} from 'node:net'

/** One write of a captured session: `c` client to server, `s` server to client. */
export interface Step {
  readonly dir: 'c' | 's'
  readonly bytes: Buffer
}

/** A capture file: `[{"dir":"c","hex":"1603..."}, ...]`. */
export function loadSteps(path: string): Step[] {
  const raw = JSON.parse(readFileSync(path, 'utf8')) as {dir: 'c' | 's'; hex: string}[]
  return raw.map((r) => ({dir: r.dir, bytes: Buffer.from(r.hex, 'hex')}))
}

export function saveableSteps(steps: readonly Step[]): string {
  return `[\n${steps.map((s) => `  {"dir": "${s.dir}", "hex": "${s.bytes.toString('hex')}"}`).join(',\n')}\n]\n`
}

/** Bytes arriving on a socket, awaited by count, so each step is one read on the far side. */
class Inbox {
  private buf = Buffer.alloc(0)
  private want: {n: number; done: () => void} | null = null
  ended = false
  constructor(sock: Socket) {
    sock.on('data', (d: Buffer) => {
      this.buf = Buffer.concat([this.buf, d])
      this.check()
    })
    sock.on('end', () => {
      this.ended = true
      this.check()
    })
    sock.on('error', () => {
      this.ended = true
      this.check()
    })
  }
  take(n: number): Promise<void> {
    return new Promise((done) => {
      this.want = {n, done}
      this.check()
    })
  }
  private check(): void {
    if (this.want && (this.buf.length >= this.want.n || this.ended)) {
      this.buf = this.buf.subarray(Math.min(this.want.n, this.buf.length))
      const w = this.want
      this.want = null
      w.done()
    }
  }
}

/** A fake server on 127.0.0.1 that plays the `s` steps of a capture. */
export async function replayServer(): Promise<{port: number; accepted: Promise<Socket>; close: () => void}> {
  const server = createServer()
  let resolveAccepted!: (s: Socket) => void
  const accepted = new Promise<Socket>((r) => (resolveAccepted = r))
  server.on('connection', (s) => resolveAccepted(s))
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  return {port: (server.address() as {port: number}).port, accepted, close: () => server.close()}
}

/**
 * Plays a capture through a proxy: the client connects to `tapPort`, the
 * fake server sits behind it; each side writes its step and waits until the
 * other side has read all of it before the next step, so a tap sees every
 * step as one read (on loopback, writes below the socket buffer size).
 */
export async function replayThrough(steps: readonly Step[], tapPort: number, server: {accepted: Promise<Socket>}, gapMs = 30): Promise<void> {
  const client = await connectRetry(tapPort)
  const srv = await server.accepted
  const cin = new Inbox(client)
  const sin = new Inbox(srv)
  for (const step of steps) {
    const [from, to] = step.dir === 'c' ? [client, sin] : [srv, cin]
    from.write(step.bytes)
    await to.take(step.bytes.length)
    await new Promise((r) => setTimeout(r, gapMs))
  }
  client.end()
  await new Promise<void>((r) => (sin.ended ? r() : srv.once('end', () => r())))
  srv.end()
  await new Promise<void>((r) => client.once('close', () => r()).resume())
}

async function connectRetry(port: number): Promise<Socket> {
  for (let i = 0; ; i++) {
    try {
      return await new Promise<Socket>((ok, fail) => {
        const s = connect({port, host: '127.0.0.1'}, () => ok(s))
        s.once('error', fail)
      })
    } catch (err) {
      if (i > 100) throw err
      await new Promise((r) => setTimeout(r, 50))
    }
  }
}

/** Runs a tap (ours or NSS's) as a child; resolves with its output when it exits. */
export function runTap(cmd: string, args: readonly string[], cwd: string): {child: ChildProcess; done: Promise<{status: number | null; stdout: string; stderr: string}>} {
  const child = spawn(cmd, args, {cwd, stdio: ['ignore', 'pipe', 'pipe']})
  let stdout = ''
  let stderr = ''
  child.stdout!.setEncoding('latin1').on('data', (d: string) => (stdout += d))
  child.stderr!.setEncoding('latin1').on('data', (d: string) => (stderr += d))
  const done = new Promise<{status: number | null; stdout: string; stderr: string}>((r) => child.on('close', (status) => r({status, stdout, stderr})))
  return {child, done}
}

/** Play `steps` through a tap command (`{port}` and `{upstream}` in args are filled in). */
export async function tapReplay(cmd: string, args: readonly string[], steps: readonly Step[], cwd: string, tapPort: number): Promise<{status: number | null; stdout: string; stderr: string}> {
  const server = await replayServer()
  const filled = args.map((a) => a.replace('{port}', String(tapPort)).replace('{upstream}', `127.0.0.1:${server.port}`))
  const tap = runTap(cmd, filled, cwd)
  try {
    await replayThrough(steps, tapPort, server)
  } finally {
    server.close()
  }
  const timer = setTimeout(() => tap.child.kill(), 5000)
  const out = await tap.done
  clearTimeout(timer)
  return out
}

/** A recording relay: listens on a kernel port, relays one client to `upstreamPort`, keeps every read as a step. */
export async function recorder(upstreamPort: number): Promise<{port: number; steps: Promise<Step[]>}> {
  const steps: Step[] = []
  const server = createServer()
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  const done = new Promise<Step[]>((resolve) => {
    server.once('connection', (c) => {
      server.close()
      const u = connect({port: upstreamPort, host: '127.0.0.1'})
      let open = 2
      const fin = (): void => {
        if (--open === 0) resolve(steps)
      }
      c.on('data', (d: Buffer) => {
        steps.push({dir: 'c', bytes: Buffer.from(d)})
        u.write(d)
      })
      u.on('data', (d: Buffer) => {
        steps.push({dir: 's', bytes: Buffer.from(d)})
        c.write(d)
      })
      c.on('end', () => (u.end(), fin()))
      u.on('end', () => (c.end(), fin()))
      c.on('error', () => (u.destroy(), resolve(steps)))
      u.on('error', () => (c.destroy(), resolve(steps)))
    })
  })
  return {port: (server.address() as {port: number}).port, steps: done}
}
