import assert from 'node:assert/strict'
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
