import assert from 'node:assert/strict'
import {existsSync} from 'node:fs'
import {connect, createServer, type Socket} from 'node:net'
import {join} from 'node:path'
import {test} from 'node:test'
import {runTool, tempDir} from '../helpers/cli.js'
import {configurePorts, freePorts, startDaemon} from '../helpers/daemon.js'

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
