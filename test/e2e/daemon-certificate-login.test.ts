import assert from 'node:assert/strict'
import {execFileSync, spawnSync} from 'node:child_process'
import {readFileSync, rmSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {test} from 'node:test'
import {ROOT, runTool, tempDir} from '../helpers/cli.js'
import {daemonForTest, type Ports} from '../helpers/daemon.js'
import {makeIssuingCa, type IssuingCa} from '../helpers/pki.js'
import {makeCa, skipWithoutSlapd, startSlapd} from '../helpers/slapd.js'

/*
 * Certificate login end to end: client certificates issued by our certutil
 * (for openssl-made keys), a store that trusts their CA for client
 * certificates (T), certmap.conf in its forms, and Python's own IMAP, POP3
 * and SMTP clients doing SASL EXTERNAL over implicit TLS.
 */

interface External {
  offered: string[]
  ok: boolean
  reply: string
}

function external(protocol: 'imaps' | 'pops' | 'smtps', port: number, client?: {cert: string; key: string}): External {
  const r = spawnSync('python3', [join(ROOT, 'test', 'e2e', 'external_login.py'), JSON.stringify({host: '127.0.0.1', port, protocol, ...client})], {encoding: 'utf8', timeout: 60_000})
  assert.equal(r.status, 0, r.stderr)
  return JSON.parse(r.stdout) as External
}

function configure(dir: string, settings: string[]): void {
  const r = runTool('configutil', ['-f', dir, '-i', '-'], {input: `${settings.join('\n')}\n`})
  assert.equal(r.status, 0, r.stderr)
}

function reload(dir: string): void {
  const r = runTool('msgctl', ['reload', '-d', dir])
  assert.equal(r.status, 0, r.stderr)
}

async function startWithClientCa(t: Parameters<typeof tempDir>[0], pki: IssuingCa): Promise<{dir: string; ports: Ports}> {
  const {dir, ports} = await daemonForTest(t, 'msgctl-certlogin-')
  // The seed: once a CA is trusted for client certificates, the server asks every TLS client for one.
  assert.equal(runTool('certutil', ['-A', '-n', 'clientca', '-t', 'T,,', '-a', '-i', pki.caPath, '-d', dir]).status, 0)
  reload(dir)
  return {dir, ports}
}

const daemonLog = (dir: string) => readFileSync(join(dir, 'msgctl.log'), 'utf8')

test('embedded directory: EXTERNAL by IMAP, POP3 and SMTP with certmap.conf absent, by uid, per issuer with verifycert; refusals', async (t) => {
  const pki = makeIssuingCa(t, 'clientca', 'CN=Client CA,O=Example')
  const {dir, ports} = await startWithClientCa(t, pki)
  assert.equal(runTool('msgctl', ['user', 'add', 'alice', '--mail', 'alice@example.test', '-d', dir, '--password-stdin'], {input: 'alice-Pw-1\n'}).status, 0)
  const alice = pki.issue('alice', '/O=Example/UID=alice/CN=Alice/emailAddress=alice@example.test')
  const stranger = pki.issue('stranger', '/O=Example/UID=nobody/CN=Nobody/emailAddress=nobody@example.test')

  // No certmap.conf: the built-in map finds users by the certificate's e-mail address.
  for (const [protocol, port] of [['imaps', ports.imaps], ['pops', ports.pops], ['smtps', ports.smtps]] as const) {
    const r = external(protocol, port, alice)
    assert.ok(r.offered.includes('EXTERNAL'), `${protocol} offers EXTERNAL to a client with a certificate: ${JSON.stringify(r)}`)
    assert.ok(r.ok, `${protocol}: ${JSON.stringify(r)}`)
  }
  assert.match(daemonLog(dir), /certificate "E=alice@example\.test,CN=Alice,UID=alice,O=Example" maps to alice \(map "default"\)/)
  const refused = external('imaps', ports.imaps, stranger)
  assert.equal(refused.ok, false)
  assert.match(refused.reply, /AUTHENTICATIONFAILED/)
  assert.match(daemonLog(dir), /certificate login refused for "[^"]*nobody@example\.test[^"]*": certificate maps to no entry/)
  // No certificate: EXTERNAL is neither offered nor accepted, and passwords keep working beside it.
  const bare = external('imaps', ports.imaps)
  assert.ok(!bare.offered.includes('EXTERNAL'), JSON.stringify(bare))
  assert.equal(bare.ok, false)

  // By uid.
  writeFileSync(join(dir, 'certmap.conf'), 'certmap default default\ndefault:FilterComps uid\n')
  reload(dir)
  assert.ok(external('imaps', ports.imaps, alice).ok)

  // A map for our CA (issuer compared RDN by RDN, case and spaces aside) with verifycert: the store must hold the certificate.
  writeFileSync(join(dir, 'certmap.conf'), ['# certificate login', 'certmap default default', 'default:FilterComps cn', 'certmap clients  cn=client ca, o=example', 'clients:FilterComps e', 'clients:verifycert on', ''].join('\n'))
  reload(dir)
  assert.equal(external('imaps', ports.imaps, alice).ok, false, 'not in the store yet')
  assert.match(daemonLog(dir), /no entry holds this certificate \(map "clients"\)/)
  assert.equal(runTool('certutil', ['-A', '-n', 'alice-mail', '-t', ',,', '-a', '-i', alice.cert, '-d', dir]).status, 0)
  assert.ok(external('imaps', ports.imaps, alice).ok)
  const other = pki.issue('alice2', '/O=Example/CN=Alice Again/emailAddress=alice@example.test')
  assert.equal(external('imaps', ports.imaps, other).ok, false, 'same address, a certificate the store does not hold')

  // A certificate from a CA the store does not trust identifies no one.
  const foreignDir = tempDir(t, 'msgctl-foreign-ca-')
  const foreignCa = makeCa(foreignDir, 'foreign-ca')
  const foreignKey = join(foreignDir, 'f.key')
  const foreignCert = join(foreignDir, 'f.pem')
  execFileSync('openssl', ['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', foreignKey, '-out', join(foreignDir, 'f.csr'), '-subj', '/CN=Alice/emailAddress=alice@example.test'], {stdio: 'ignore'})
  execFileSync('openssl', ['x509', '-req', '-in', join(foreignDir, 'f.csr'), '-CA', foreignCa.certPath, '-CAkey', foreignCa.keyPath, '-CAcreateserial', '-out', foreignCert, '-days', '2'], {stdio: 'ignore'})
  writeFileSync(join(dir, 'certmap.conf'), 'certmap default default\ndefault:FilterComps e\n')
  reload(dir)
  const foreign = external('imaps', ports.imaps, {cert: foreignCert, key: foreignKey})
  assert.ok(!foreign.offered.includes('EXTERNAL'), JSON.stringify(foreign))
  assert.equal(foreign.ok, false)

  // A broken certmap.conf refuses the reload with its line; the daemon keeps the working map.
  writeFileSync(join(dir, 'certmap.conf'), 'certmap default default\ndefault:Frobnicate on\n')
  const bad = runTool('msgctl', ['reload', '-d', dir])
  assert.equal(bad.status, 1)
  assert.match(bad.stderr, /certmap\.conf line 2: /)
  assert.ok(external('imaps', ports.imaps, alice).ok)
  rmSync(join(dir, 'certmap.conf'))
})

test('LDAP directory: certmap by e-mail, by the subject DN itself, by DNComps with verifycert against userCertificate, and by CmapLdapAttr', async (t) => {
  if (skipWithoutSlapd(t)) return
  const pki = makeIssuingCa(t, 'clientca', 'CN=Client CA,O=Example')
  const byMail = pki.issue('gina-mail', '/O=mail/OU=People/CN=Gina/emailAddress=gina@example.test')
  const byDn = pki.issue('gina-dn', '/O=mail/OU=People/UID=gina')
  const bySubjectAttr = pki.issue('gina-staff', '/O=mail/OU=Staff/CN=Gina L')
  const der = (pem: string) => Buffer.from(readFileSync(pem, 'utf8').replace(/-----[^-]+-----|\s/g, ''), 'base64')
  const arc = '2.25.130795463427311080732143819259481488480'
  const slapd = await startSlapd(t, {
    suffix: 'o=mail',
    schema: `attributetype ( ${arc}.1.9 NAME 'certSubjectDN' EQUALITY distinguishedNameMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.12 )\nobjectclass ( ${arc}.2.9 NAME 'certMappedUser' SUP top AUXILIARY MAY ( certSubjectDN ) )\n`,
    ldif: [
      'dn: o=mail\nobjectClass: organization\no: mail\n',
      'dn: ou=People,o=mail\nobjectClass: organizationalUnit\nou: People\n',
      `dn: uid=gina,ou=People,o=mail\nobjectClass: inetOrgPerson\nobjectClass: certMappedUser\nuid: gina\ncn: Gina\nsn: L\nmail: gina@example.test\nuserPassword: gina-Pw-5\nuserCertificate;binary:: ${der(byMail.cert).toString('base64')}\ncertSubjectDN: CN=Gina L,OU=Staff,O=mail\n`,
    ].join('\n'),
  })
  const {dir, ports} = await startWithClientCa(t, pki)
  configure(dir, [`local.ugldaphost = 127.0.0.1:${slapd.port}`, 'local.ugldapbasedn = o=mail', `local.ugldapbinddn = ${slapd.rootDn}`, `local.ugldapbindcred = ${slapd.rootPassword}`, 'sasl.default.ldap.searchfordomain = 0', 'sasl.default.ldap.searchfilter = (uid=%U)'])
  reload(dir)

  assert.ok(external('imaps', ports.imaps, byMail).ok, 'no certmap.conf: by e-mail under the base DN')
  assert.equal(external('imaps', ports.imaps, byDn).ok, false, 'that certificate has no e-mail address')

  writeFileSync(join(dir, 'certmap.conf'), 'certmap default default\n')
  reload(dir)
  assert.ok(external('imaps', ports.imaps, byDn).ok, 'DNComps absent: the subject DN is the entry')
  assert.equal(external('imaps', ports.imaps, byMail).ok, false, 'no entry is named CN=Gina,...')

  writeFileSync(join(dir, 'certmap.conf'), 'certmap default default\ndefault:DNComps ou, o\ndefault:FilterComps e\ndefault:verifycert on\n')
  reload(dir)
  assert.ok(external('smtps', ports.smtps, byMail).ok, 'found under ou=People,o=mail; the entry holds this certificate')
  const unheld = pki.issue('gina-other', '/O=mail/OU=People/CN=Gina/emailAddress=gina@example.test')
  assert.equal(external('imaps', ports.imaps, unheld).ok, false, 'verifycert: not among the userCertificate values')

  writeFileSync(join(dir, 'certmap.conf'), 'certmap default default\ndefault:DNComps\ndefault:CmapLdapAttr certSubjectDN\n')
  reload(dir)
  assert.ok(external('pops', ports.pops, bySubjectAttr).ok, 'found by certSubjectDN')
  assert.equal(external('imaps', ports.imaps, byMail).ok, false, 'CmapLdapAttr without FilterComps searches nothing else')
  assert.match(daemonLog(dir), /certificate "CN=Gina L,OU=Staff,O=mail" maps to gina/)
})
