import assert from 'node:assert/strict'
import {createHmac} from 'node:crypto'
import {connect} from 'node:net'
import {test} from 'node:test'
import {runTool, tempDir} from '../helpers/cli.js'
import {configurePorts, converse, freePorts, startDaemon} from '../helpers/daemon.js'
import {slapdAvailable, startSlapd} from '../helpers/slapd.js'

const SUFFIX = 'o=mail'
const IMAP_REPLY = /^(\* OK|a\d (OK|NO|BAD)).*\r\n/m

test('with local.ugldaphost set, the daemon logs users in against a real slapd; injection and wrong passwords fail', async (t) => {
  if (!slapdAvailable()) {
    if (process.env.CI) throw new Error('slapd/ldap-utils are missing; .ci/run must install them')
    process.stderr.write('\n*** SKIPPED: slapd is not installed (apt-get install slapd ldap-utils) ***\n')
    t.skip('slapd is not installed')
    return
  }
  const ldif = [
    `dn: ${SUFFIX}\nobjectClass: organization\no: mail\n`,
    `dn: uid=erin,${SUFFIX}\nobjectClass: inetOrgPerson\nuid: erin\ncn: Erin\nsn: E\nmail: erin@localhost\nuserPassword: erin-Ldap-pw1\n`,
    `dn: uid=frank,${SUFFIX}\nobjectClass: inetOrgPerson\nuid: frank\ncn: Frank\nsn: F\nuserPassword: frank-Ldap-pw2\n`,
  ].join('\n')
  const slapd = await startSlapd(t, {suffix: SUFFIX, ldif})
  const dir = tempDir(t, 'msgctl-ldap-')
  const ports = await freePorts()
  configurePorts(dir, ports)
  const settings = [
    `local.ugldaphost = 127.0.0.1:${slapd.port}`,
    `local.ugldapbasedn = ${SUFFIX}`,
    `local.ugldapbinddn = ${slapd.rootDn}`,
    `local.ugldapbindcred = ${slapd.rootPassword}`,
    'sasl.default.ldap.searchfordomain = 0',
    'sasl.default.ldap.searchfilter = (uid=%U)',
  ].join('\n')
  assert.equal(runTool('configutil', ['-f', dir, '-i', '-'], {input: `${settings}\n`}).status, 0)
  const started = startDaemon(t, dir)
  assert.equal(started.status, 0, started.stderr)

  const login = async (user: string, password: string) => (await converse(ports.imap, '127.0.0.1', [`a1 LOGIN "${user}" "${password}"`, 'a2 LOGOUT'], IMAP_REPLY))[0]!
  assert.match(await login('erin', 'erin-Ldap-pw1'), /^a1 OK /)
  assert.match(await login('frank', 'frank-Ldap-pw2'), /^a1 OK /)
  assert.match(await login('erin', 'wrong'), /^a1 NO /)
  assert.match(await login('nobody', 'x'), /^a1 NO /)
  assert.match(await login('*)(uid=*', 'erin-Ldap-pw1'), /^a1 NO /, 'filter injection logs nobody in')
  assert.match(await login('*', 'frank-Ldap-pw2'), /^a1 NO /)

  // SMTP finds LDAP users for local delivery (asked of slapd, not just a cache).
  const smtp = await converse(ports.smtp, '127.0.0.1', ['EHLO client.example', 'MAIL FROM:<a@b.example>', 'RCPT TO:<frank@localhost>', 'RCPT TO:<ghost@localhost>', 'QUIT'], /^\d{3} .*\r\n/m)
  assert.match(smtp[2]!, /^250 /, 'an LDAP user is a local recipient')
  assert.match(smtp[3]!, /^550 5\.1\.1 /, 'an unknown one is not')

  // With has_plain_passwords, IMAP offers CRAM-MD5 and SCRAM and they work against the LDAP passwords.
  assert.equal(runTool('configutil', ['-f', dir, '-o', 'sasl.default.ldap.has_plain_passwords', '-v', 'yes']).status, 0)
  assert.equal(runTool('msgctl', ['reload', '-d', dir]).status, 0)
  const caps = (await converse(ports.imap, '127.0.0.1', ['a1 CAPABILITY'], IMAP_REPLY))[0]!
  assert.match(caps, /AUTH=SCRAM-SHA-256 AUTH=SCRAM-SHA-1 AUTH=DIGEST-MD5 AUTH=CRAM-MD5 AUTH=PLAIN AUTH=LOGIN/)
  assert.match(await cramMd5(ports.imap, 'frank', 'frank-Ldap-pw2'), /^a1 OK /)
  assert.match(await cramMd5(ports.imap, 'frank', 'not-it'), /^a1 NO /)

  // Back to the embedded directory on reload: the LDAP users are gone, embedded ones work.
  assert.equal(runTool('configutil', ['-f', dir, '-o', 'local.ugldaphost', '-d']).status, 0)
  assert.equal(runTool('msgctl', ['user', 'add', 'erin', '-d', dir, '--password-stdin'], {input: 'erin-Local-pw3\n'}).status, 0)
  assert.equal(runTool('msgctl', ['reload', '-d', dir]).status, 0)
  assert.match(await login('erin', 'erin-Local-pw3'), /^a1 OK /)
  assert.match(await login('frank', 'frank-Ldap-pw2'), /^a1 NO /)

  // A broken LDAP setting is refused at reload, and the daemon keeps serving.
  assert.equal(runTool('configutil', ['-f', dir, '-o', 'local.ugldapbasedn', '-d']).status, 0)
  assert.equal(runTool('configutil', ['-f', dir, '-o', 'local.ugldaphost', '-v', `127.0.0.1:${slapd.port}`]).status, 0)
  const bad = runTool('msgctl', ['reload', '-d', dir])
  assert.equal(bad.status, 1)
  assert.match(bad.stderr, /reload refused.*LDAP directory: local\.ugldapbasedn is empty/)
  assert.match(await login('erin', 'erin-Local-pw3'), /^a1 OK /)
})

/** IMAP AUTHENTICATE CRAM-MD5 (RFC 2195) over a raw socket; returns the tagged answer. */
function cramMd5(port: number, user: string, password: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = connect(port, '127.0.0.1')
    let text = ''
    let step = 0
    s.setTimeout(20_000, () => reject(new Error(`CRAM-MD5 stalled: ${text}`)))
    s.on('data', (d) => {
      text += d.toString('latin1')
      if (step === 0 && /^\* OK.*\r\n/.test(text)) {
        step = 1
        text = ''
        s.write('a1 AUTHENTICATE CRAM-MD5\r\n')
      } else if (step === 1 && /^\+ (\S+)\r\n/.test(text)) {
        step = 2
        const challenge = Buffer.from(/^\+ (\S+)/.exec(text)![1]!, 'base64')
        text = ''
        const digest = createHmac('md5', password).update(challenge).digest('hex')
        s.write(`${Buffer.from(`${user} ${digest}`).toString('base64')}\r\n`)
      } else if (step === 2 && /^a1 .*\r\n/m.test(text)) {
        s.destroy()
        resolve(/^a1 .*$/m.exec(text)![0])
      }
    })
    s.on('error', reject)
  })
}
