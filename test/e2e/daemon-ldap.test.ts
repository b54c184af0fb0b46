import assert from 'node:assert/strict'
import {execFileSync} from 'node:child_process'
import {createHash, createHmac} from 'node:crypto'
import {readFileSync} from 'node:fs'
import {connect} from 'node:net'
import {join} from 'node:path'
import {test} from 'node:test'
import {runTool, tempDir} from '../helpers/cli.js'
import {configurePorts, converse, freePort, freePorts, startDaemon} from '../helpers/daemon.js'
import {makeIssuingCa} from '../helpers/pki.js'
import {everyMechanism} from '../helpers/python_clients.js'
import {skipWithoutSlapd, startSlapd} from '../helpers/slapd.js'

const SUFFIX = 'o=mail'
const IMAP_REPLY = /^(\* OK|a\d (OK|NO|BAD)).*\r\n/m


test('with local.ugldaphost set, the daemon logs users in against a real slapd; injection and wrong passwords fail', async (t) => {
  if (skipWithoutSlapd(t)) return
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
  // Every mechanism on every protocol, by Python's clients, against the LDAP password.
  const every = everyMechanism(ports, 'frank', 'frank-Ldap-pw2')
  const all = ['CRAM-MD5', 'DIGEST-MD5', 'LOGIN', 'PLAIN', 'SCRAM-SHA-1', 'SCRAM-SHA-256']
  assert.deepEqual(every.offered, {imap: all, smtp: all, pop: all})
  assert.equal(Object.keys(every.results).length, 21)
  for (const [what, outcome] of Object.entries(every.results)) assert.equal(outcome, 'OK', what)

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

test('LDAPS with a certificate from our certutil, failover past a dead host, searchfordomain 1, and auto_transition enabling CRAM-MD5', async (t) => {
  if (skipWithoutSlapd(t)) return
  // A CA in a separate administrator's store issues slapd's certificate for an openssl-made request.
  const pki = makeIssuingCa(t, 'ldapca', 'CN=Directory CA,O=Example')
  const server = pki.issue('slapd', '/CN=localhost', ['--extSAN', 'ip:127.0.0.1,dns:localhost'])
  const caPath = pki.caPath

  const ldif = [
    `dn: ${SUFFIX}\nobjectClass: organization\no: mail\n`,
    `dn: o=example.test,${SUFFIX}\nobjectClass: organization\nobjectClass: domainRelatedObject\no: example.test\nassociatedDomain: example.test\n`,
    `dn: uid=gina,o=example.test,${SUFFIX}\nobjectClass: inetOrgPerson\nuid: gina\ncn: Gina\nsn: G\nuserPassword: ${ssha('gina-Ldap-pw4')}\n`,
  ].join('\n')
  const slapd = await startSlapd(t, {suffix: SUFFIX, ldif, tlsFiles: {certPath: server.cert, keyPath: server.key, caPath}})
  const dead = await freePort() // nothing listens here: the first host is down

  const dir = tempDir(t, 'msgctl-ldaps-')
  const ports = await freePorts()
  configurePorts(dir, ports)
  const started = startDaemon(t, dir)
  assert.equal(started.status, 0, started.stderr)
  // The store trusts the directory's CA for SSL servers (C), then the LDAP settings arrive with a reload.
  assert.equal(runTool('certutil', ['-A', '-n', 'directory-ca', '-t', 'C,,', '-a', '-i', caPath, '-d', dir]).status, 0)
  const settings = [
    `local.ugldaphost = 127.0.0.1:${dead} 127.0.0.1:${slapd.ldapsPort}`,
    'local.ugldapusessl = yes',
    'local.ldapcheckcert = yes',
    `local.ugldapbasedn = ${SUFFIX}`,
    `local.ugldapbinddn = ${slapd.rootDn}`,
    `local.ugldapbindcred = ${slapd.rootPassword}`,
    'sasl.default.ldap.searchfordomain = 1',
    'sasl.default.ldap.searchfilter = (uid=%U)',
    'sasl.default.ldap.has_plain_passwords = yes',
    'sasl.default.auto_transition = yes',
  ].join('\n')
  assert.equal(runTool('configutil', ['-f', dir, '-i', '-'], {input: `${settings}\n`}).status, 0)
  const reload = runTool('msgctl', ['reload', '-d', dir])
  assert.equal(reload.status, 0, reload.stderr)

  const login = async (user: string, password: string) => (await converse(ports.imap, '127.0.0.1', [`a1 LOGIN "${user}" "${password}"`, 'a2 LOGOUT'], IMAP_REPLY))[0]!
  // Stored as {SSHA}: no clear text for CRAM-MD5 yet.
  assert.match(await cramMd5(ports.imap, 'gina@example.test', 'gina-Ldap-pw4'), /^a1 NO /)
  assert.match(await login('gina@example.test', 'gina-Ldap-pw4'), /^a1 OK /, 'found under its domain entry over LDAPS, past the dead host')
  assert.match(await login('gina@other.test', 'gina-Ldap-pw4'), /^a1 NO /, 'no domain entry, no user')
  // auto_transition stored the password as the directory keeps passwords for challenge-response: clear text.
  const stored = execFileSync('ldapsearch', ['-x', '-LLL', '-o', 'ldif-wrap=no', '-H', slapd.url, '-D', slapd.rootDn, '-w', slapd.rootPassword, '-b', `uid=gina,o=example.test,${SUFFIX}`, '-s', 'base', 'userPassword'], {encoding: 'utf8'})
  assert.equal(Buffer.from(/^userPassword:: (\S+)$/m.exec(stored)![1]!, 'base64').toString('utf8'), 'gina-Ldap-pw4')
  assert.match(await cramMd5(ports.imap, 'gina@example.test', 'gina-Ldap-pw4'), /^a1 OK /)
  const log = readFileSync(join(dir, 'msgctl.log'), 'utf8')
  assert.match(log, new RegExp(`ldap: ldaps://127\\.0\\.0\\.1:${dead} unavailable`))
  assert.match(log, /auto_transition stored the password of uid=gina,o=example\.test,o=mail as clear text/)
  assert.doesNotMatch(log, /gina-Ldap-pw4/, 'no password in the log')

  // Without trust in the directory's CA the LDAPS certificate is refused and nobody logs in.
  assert.equal(runTool('certutil', ['-M', '-n', 'directory-ca', '-t', ',,', '-d', dir]).status, 0)
  assert.equal(runTool('msgctl', ['reload', '-d', dir]).status, 0)
  assert.match(await login('gina@example.test', 'gina-Ldap-pw4'), /^a1 NO /)
  assert.match(readFileSync(join(dir, 'msgctl.log'), 'utf8'), /ldap: .*(certificate|self.signed|issuer)/i)
})

/** {SSHA} of a password, computed here independently of the code under test. */
function ssha(password: string): string {
  const salt = Buffer.from('0102030405060708', 'hex')
  return `{SSHA}${Buffer.concat([createHash('sha1').update(password).update(salt).digest(), salt]).toString('base64')}`
}
