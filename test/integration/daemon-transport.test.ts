import assert from 'node:assert/strict'
import {connect} from 'node:net'
import {test} from 'node:test'
import {connect as tlsConnect} from 'node:tls'
import type {ProtocolSession} from '../../src/daemon/session_types.js'
import type {SocketTransport} from '../../src/daemon/socket_transport.js'
import {makeTestTls, startSessionServer} from '../helpers/session_server.js'

/** A line echo protocol with STARTTLS: enough to test the transport itself. */
function echoSession(t: SocketTransport): ProtocolSession {
  let buffer = ''
  let upgrading = false
  return {
    start: () => t.write('HELLO\r\n'),
    onData(chunk) {
      if (upgrading) return
      buffer += chunk.toString('latin1')
      let i: number
      while ((i = buffer.indexOf('\r\n')) >= 0) {
        const line = buffer.slice(0, i)
        buffer = buffer.slice(i + 2)
        if (line === 'STARTTLS') {
          t.write('GO\r\n')
          upgrading = true
          buffer = '' // what the client pipelined after STARTTLS is not ours to run
          void t.startTls().then(() => (upgrading = false), () => t.close())
          return
        }
        t.write(`ECHO ${line} ${t.secure ? 'tls' : 'plain'}\r\n`)
      }
    },
    onClose() {},
    shutdown: () => t.close(),
  }
}

function reader(stream: NodeJS.ReadableStream) {
  let text = ''
  const waiters: (() => void)[] = []
  stream.on('data', (d: Buffer) => {
    text += d.toString('latin1')
    for (const w of waiters.splice(0)) w()
  })
  return {
    get text() {
      return text
    },
    async until(fragment: string): Promise<void> {
      const deadline = Date.now() + 10_000
      while (!text.includes(fragment)) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${JSON.stringify(fragment)}; got ${JSON.stringify(text)}`)
        await new Promise<void>((r) => {
          waiters.push(r)
          setTimeout(r, 200)
        })
      }
    },
  }
}

test('STARTTLS upgrades in place and drops what the client pipelined after it', async (t) => {
  const tls = makeTestTls()
  t.after(() => tls.cleanup())
  const server = await startSessionServer(echoSession, {tls: tls.settings})
  t.after(() => server.close())
  const plain = connect(server.port, '127.0.0.1')
  const r1 = reader(plain)
  await r1.until('HELLO\r\n')
  plain.write('one\r\nSTARTTLS\r\nINJECTED\r\n')
  await r1.until('GO\r\n')
  assert.equal(r1.text, 'HELLO\r\nECHO one plain\r\nGO\r\n')
  const secure = tlsConnect({socket: plain, ca: tls.certPem, servername: 'localhost'})
  await new Promise<void>((resolve, reject) => secure.once('secureConnect', resolve).once('error', reject))
  const r2 = reader(secure)
  secure.write('two\r\n')
  await r2.until('\r\n')
  assert.equal(r2.text, 'ECHO two tls\r\n', 'the injected line got no answer')
  secure.end()
})

test('implicit TLS: handshake first; a plain-text client is dropped without a session', async (t) => {
  const tls = makeTestTls()
  t.after(() => tls.cleanup())
  const server = await startSessionServer(echoSession, {tls: tls.settings, implicitTls: true})
  t.after(() => server.close())
  const secure = tlsConnect({port: server.port, host: '127.0.0.1', ca: tls.certPem, servername: 'localhost'})
  const r = reader(secure)
  await r.until('HELLO\r\n')
  secure.write('x\r\n')
  await r.until('ECHO x tls\r\n')
  secure.end()
  const plain = connect(server.port, '127.0.0.1')
  const rp = reader(plain)
  plain.write('HELLO there\r\n')
  await new Promise<void>((resolve) => plain.once('close', () => resolve()))
  assert.doesNotMatch(rp.text, /HELLO|ECHO/)
  assert.ok(server.log.some((l) => /connection ended before the session/.test(l)), server.log.join('\n'))
})
