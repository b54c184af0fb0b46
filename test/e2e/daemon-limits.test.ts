import assert from 'node:assert/strict'
import {existsSync} from 'node:fs'
import {connect, createServer, type Socket} from 'node:net'
import {join} from 'node:path'
import {test} from 'node:test'
import {runTool, tempDir} from '../helpers/cli.js'
import {configurePorts, daemonForTest, freePorts, startDaemon} from '../helpers/daemon.js'

/** Open a connection from `from` and resolve with it and its first line. */
function open(port: number, from: string): Promise<{socket: Socket; line: string}> {
  return new Promise((resolve, reject) => {
    const socket = connect({port, host: '127.0.0.1', localAddress: from})
    let text = ''
    socket.setTimeout(10_000, () => reject(new Error('no first line')))
    socket.on('data', (d) => {
      text += d
      if (text.includes('\r\n')) resolve({socket, line: text.slice(0, text.indexOf('\r\n'))})
    })
    socket.on('error', reject)
  })
}

test('maxsessions and maxconnectionsperip: the next client is told to come back, and is served once one leaves', async (t) => {
  const dir = tempDir(t, 'msgctl-limits-')
  const ports = await freePorts()
  configurePorts(dir, ports)
  assert.equal(runTool('configutil', ['-f', dir, '-i', '-'], {input: 'service.pop.maxsessions = 3\nservice.imap.maxconnectionsperip = 2\n'}).status, 0)
  const started = startDaemon(t, dir)
  assert.equal(started.status, 0, started.stderr)

  const pops = [await open(ports.pop, '127.0.0.11'), await open(ports.pop, '127.0.0.12'), await open(ports.pop, '127.0.0.13')]
  for (const p of pops) assert.match(p.line, /^\+OK/)
  const fourth = await open(ports.pop, '127.0.0.14')
  assert.match(fourth.line, /^-ERR \[SYS\/TEMP\] Too many connections/)
  pops[0]!.socket.destroy()
  await new Promise((r) => setTimeout(r, 300))
  const again = await open(ports.pop, '127.0.0.14')
  assert.match(again.line, /^\+OK/, 'a slot freed by a closed connection is reused')

  const a = [await open(ports.imap, '127.0.0.21'), await open(ports.imap, '127.0.0.21')]
  for (const c of a) assert.match(c.line, /^\* OK/)
  assert.match((await open(ports.imap, '127.0.0.21')).line, /^\* BYE Too many connections/)
  assert.match((await open(ports.imap, '127.0.0.22')).line, /^\* OK/, 'another address is not affected')
  for (const c of [...pops, again, ...a]) c.socket.destroy()
})

test('maxunauthenticatedperip: connections not yet logged in are capped per address; a login frees a slot; port 25 is not capped', async (t) => {
  const {dir, ports} = await daemonForTest(t, 'msgctl-unauth-', ['service.imap.maxunauthenticatedperip = 2', 'service.smtp.maxunauthenticatedperip = 1'])
  assert.equal(runTool('msgctl', ['user', 'add', 'una', '-d', dir, '--password-stdin'], {input: 'una-Pw-123\n'}).status, 0)

  const first = await open(ports.imap, '127.0.0.31')
  const second = await open(ports.imap, '127.0.0.31')
  assert.match((await open(ports.imap, '127.0.0.31')).line, /^\* BYE Too many connections/, 'a third one waiting to log in is refused')
  // Logging in on one of them frees its slot.
  const loggedIn = await new Promise<string>((resolve) => {
    let text = ''
    first.socket.on('data', (d) => {
      text += d
      if (/^a1 /m.test(text)) resolve(/^a1 .*$/m.exec(text)![0])
    })
    first.socket.write('a1 LOGIN una una-Pw-123\r\n')
  })
  assert.match(loggedIn, /^a1 OK/)
  const third = await open(ports.imap, '127.0.0.31')
  assert.match(third.line, /^\* OK/)
  assert.match((await open(ports.imap, '127.0.0.32')).line, /^\* OK/, 'another address is not affected')

  // SMTP: submission is capped, port 25 (mail from other servers, which never log in) is not.
  const sub = await open(ports.submission, '127.0.0.33')
  assert.match(sub.line, /^220 /)
  assert.match((await open(ports.submission, '127.0.0.33')).line, /^421 /)
  const mx = [await open(ports.smtp, '127.0.0.33'), await open(ports.smtp, '127.0.0.33')]
  for (const m of mx) assert.match(m.line, /^220 /)
  for (const c of [first, second, third, sub, ...mx]) c.socket.destroy()
})

test('a start that cannot bind fails with the reason and leaves no process or pid file behind', async (t) => {
  const dir = tempDir(t, 'msgctl-busyport-')
  const ports = await freePorts()
  configurePorts(dir, ports)
  const squatter = createServer()
  await new Promise<void>((resolve) => squatter.listen(ports.pop, '0.0.0.0', resolve))
  t.after(() => squatter.close())
  const r = runTool('msgctl', ['start', '-d', dir])
  assert.equal(r.status, 1)
  assert.match(r.stderr, new RegExp(`^msgctl: port ${ports.pop} for pop is already in use`, 'm'))
  assert.equal(existsSync(join(dir, 'msgctl.pid')), false)
  await new Promise((r) => setTimeout(r, 500))
  const listening = await new Promise<boolean>((resolve) => {
    const s = connect(ports.imap, '127.0.0.1')
    s.on('connect', () => (s.destroy(), resolve(true)))
    s.on('error', () => resolve(false))
  })
  assert.equal(listening, false, 'no half-started daemon keeps the ports it did bind')
  const fg = runTool('msgctl', ['start', '-d', dir, '--foreground'])
  assert.equal(fg.status, 1)
  assert.match(fg.stderr, /already in use/)
})
