import assert from 'node:assert/strict'
import {readFileSync, writeFileSync} from 'node:fs'
import {connect, type Socket} from 'node:net'
import {join} from 'node:path'
import {test} from 'node:test'
import {connect as tlsConnect, type TLSSocket} from 'node:tls'
import {runTool, tempDir} from '../helpers/cli.js'
import {configurePorts, freePorts, startDaemon} from '../helpers/daemon.js'

/** Everything the stream says within `ms` after the last byte. */
function collect(stream: Socket | TLSSocket) {
  let text = ''
  stream.on('data', (d: Buffer) => (text += d.toString('latin1')))
  return {
    get text() {
      return text
    },
    /** Wait until what arrived after offset `from` matches. */
    async until(re: RegExp, from = 0, ms = 15_000): Promise<void> {
      const deadline = Date.now() + ms
      while (!re.test(text.slice(from))) {
        if (Date.now() > deadline) throw new Error(`waited for ${re}; got ${JSON.stringify(text)}`)
        await new Promise((r) => setTimeout(r, 20))
      }
    },
    quiet: (ms: number) => new Promise((r) => setTimeout(r, ms)),
  }
}

interface Case {
  name: string
  port: (p: Awaited<ReturnType<typeof freePorts>>) => number
  greeting: RegExp
  /** Commands before STARTTLS (SMTP needs EHLO). */
  before: string
  beforeDone: RegExp
  /** STARTTLS and the injected command in one packet. */
  packet: string
  go: RegExp
  /** What the injected command would have answered. */
  injectedAnswer: RegExp
  /** A real command after the handshake, and its answer, to show the session works. */
  after: string
  afterAnswer: RegExp
}

const CASES: Case[] = [
  {name: 'IMAP', port: (p) => p.imap, greeting: /^\* OK.*\r\n/, before: '', beforeDone: /^/, packet: 'a STARTTLS\r\nb CAPABILITY\r\n', go: /a OK.*\r\n/, injectedAnswer: /b OK|\* CAPABILITY/, after: 'c NOOP\r\n', afterAnswer: /c OK.*\r\n/},
  {name: 'POP3', port: (p) => p.pop, greeting: /^\+OK.*\r\n/, before: '', beforeDone: /^/, packet: 'STLS\r\nCAPA\r\n', go: /^\+OK.*\r\n/m, injectedAnswer: /\+OK|UIDL/, after: 'NOOP\r\n', afterAnswer: /^(\+OK|-ERR).*\r\n/},
  {name: 'SMTP', port: (p) => p.smtp, greeting: /^220 .*\r\n/, before: 'EHLO client.example\r\n', beforeDone: /250 .*\r\n$/, packet: 'STARTTLS\r\nEHLO injected.example\r\n', go: /220 2\.0\.0.*\r\n/, injectedAnswer: /250/, after: 'NOOP\r\n', afterAnswer: /^250.*\r\n/m},
]

test('STARTTLS: commands pipelined in the same packet get no answer after the handshake', async (t) => {
  const dir = tempDir(t, 'msgctl-inject-')
  const ports = await freePorts()
  configurePorts(dir, ports)
  const started = startDaemon(t, dir)
  assert.equal(started.status, 0, started.stderr)
  const ca = join(dir, 'ca.pem')
  writeFileSync(ca, runTool('certutil', ['-L', '-d', dir, '-n', 'msgctl Local CA', '-a']).stdout)
  for (const c of CASES) {
    const plain = connect(c.port(ports), '127.0.0.1')
    const p = collect(plain)
    await p.until(c.greeting)
    if (c.before) {
      const mark = p.text.length
      plain.write(c.before)
      await p.until(c.beforeDone, mark)
    }
    const mark = p.text.length
    plain.write(c.packet) // one write: one TCP segment on loopback
    await p.until(c.go, mark)
    const answered = p.text.slice(mark)
    assert.doesNotMatch(answered.replace(c.go, ''), c.injectedAnswer, `${c.name}: nothing answered the injected command before TLS`)
    const secure = tlsConnect({socket: plain, servername: 'localhost', ca: readFileSync(ca)})
    await new Promise<void>((resolve, reject) => secure.once('secureConnect', resolve).once('error', reject))
    const s = collect(secure)
    await s.quiet(700)
    assert.equal(s.text, '', `${c.name}: the injected command got an answer over TLS: ${JSON.stringify(s.text)}`)
    secure.write(c.after)
    await s.until(c.afterAnswer)
    secure.destroy()
  }
})
