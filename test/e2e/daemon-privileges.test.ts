import assert from 'node:assert/strict'
import {chownSync, readdirSync, readFileSync, statSync} from 'node:fs'
import {connect} from 'node:net'
import {join} from 'node:path'
import {test} from 'node:test'
import {runTool, tempDir} from '../helpers/cli.js'
import {configurePorts, freePorts, startDaemon} from '../helpers/daemon.js'

const NOBODY = 65534

function greeting(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = connect(port, '127.0.0.1')
    let text = ''
    s.setTimeout(10_000, () => reject(new Error('no greeting')))
    s.on('data', (d) => {
      text += d
      if (text.includes('\r\n')) {
        s.destroy()
        resolve(text)
      }
    })
    s.on('error', reject)
  })
}

test('started as root, the daemon binds and then runs as the owner of its directory', async (t) => {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) {
    if (process.env.CI) throw new Error('this test must run as root in CI')
    process.stderr.write('\n*** SKIPPED: privilege drop test needs root ***\n')
    t.skip('needs root')
    return
  }
  const dir = tempDir(t, 'msgctl-priv-')
  const ports = await freePorts()
  configurePorts(dir, ports)
  chownSync(dir, NOBODY, NOBODY)
  const started = startDaemon(t, dir)
  assert.equal(started.status, 0, started.stderr)
  assert.match(started.stdout, new RegExp(`running as uid ${NOBODY}`))
  const pid = Number(readFileSync(join(dir, 'msgctl.pid'), 'utf8'))
  const uids = /^Uid:\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))!
  assert.deepEqual(uids.slice(1).map(Number), [NOBODY, NOBODY, NOBODY, NOBODY], 'real, effective, saved and filesystem uid')
  for (const f of readdirSync(dir)) {
    if (/^(msg|mail|queue)\.db|^msgctl\.(pid|log|sock)$|^sslpassword\.conf$/.test(f)) assert.equal(statSync(join(dir, f)).uid, NOBODY, `${f} belongs to the daemon's user`)
  }
  assert.match(await greeting(ports.imap), /^\* OK/)
  // It can still read its key password and reload as that user.
  const reload = runTool('msgctl', ['reload', '-d', dir])
  assert.equal(reload.status, 0, reload.stderr)
})
