import assert from 'node:assert/strict'
import {execFileSync} from 'node:child_process'
import {createHash} from 'node:crypto'
import {mkdtempSync, rmSync} from 'node:fs'
import {connect, createServer, type Socket} from 'node:net'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {after, test} from 'node:test'
import {LdapConfigError, LdapDirectory, type LdapDirectoryOptions} from '../../src/daemon/ldap_directory.js'
import {freePort, makeCa, slapdAvailable, startSlapd, type Slapd} from '../helpers/slapd.js'

/*
 * One real slapd (ldap:// and ldaps://) for the whole file. Its tree:
 *
 *   o=test
 *     cn=msgsrv                 service account; may read userPassword
 *     ou=People                 legacy single-domain users (searchfordomain 0)
 *       uid=alice, uid=admin, uid=bob (a third bob), uid=dave (passwords change),
 *       uid=cs1 {SSHA}, cs5 {SSHA512}, cc6 {CRYPT}$6$, cclear {CLEARTEXT}, cplain (no scheme),
 *       uid=trans ({SSHA}, rewritten by auto_transition)
 *     ou=Solo                   one user, so an unescaped `*` would find exactly it
 *       uid=solo
 *     o=example.com             domain entry by associatedDomain
 *       uid=bob
 *     o=example.org             domain entry by sunPreferredDomain, alias alias.example.org
 *       uid=bob
 *     o=example.net             schema-1 style: inetDomainBaseDN and its own inetDomainSearchFilter
 *     ou=NetPeople              where example.net's users live
 *       uid=n1234 (mail carol@example.net)
 *
 * Entries are readable by bound users only; anonymous may only bind.
 */

const SUFFIX = 'o=test'
const SERVICE_DN = 'cn=msgsrv,o=test'
const SERVICE_PW = 'svc-Secret-0'

/** A private OID arc (2.25 = UUID-based, X.667) for the few Sun messaging schema names the tests need. */
const ARC = '2.25.130795463427311080732143819259481488480'
const TEST_SCHEMA = `
attributetype ( ${ARC}.1.1 NAME 'sunPreferredDomain' EQUALITY caseIgnoreIA5Match SYNTAX 1.3.6.1.4.1.1466.115.121.1.26 SINGLE-VALUE )
attributetype ( ${ARC}.1.2 NAME 'inetDomainBaseDN' EQUALITY distinguishedNameMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.12 SINGLE-VALUE )
attributetype ( ${ARC}.1.3 NAME 'inetDomainSearchFilter' EQUALITY caseExactIA5Match SYNTAX 1.3.6.1.4.1.1466.115.121.1.26 SINGLE-VALUE )
objectclass ( ${ARC}.2.1 NAME 'inetMailUser' SUP top AUXILIARY MAY ( mail ) )
objectclass ( ${ARC}.2.2 NAME 'sunManagedOrganization' SUP top AUXILIARY MAY ( sunPreferredDomain $ associatedDomain $ inetDomainBaseDN $ inetDomainSearchFilter ) )
`

const ACL = `access to attrs=userPassword
  by dn.exact="${SERVICE_DN}" read
  by anonymous auth
  by * none
access to *
  by users read
  by anonymous auth
`

/** Salted RFC 2307-style hash, computed here independently of the code under test. */
function salted(scheme: string, algorithm: string, password: string): string {
  const salt = Buffer.from('a1b2c3d4e5f60718', 'hex')
  return `{${scheme}}${Buffer.concat([createHash(algorithm).update(password).update(salt).digest(), salt]).toString('base64')}`
}
/** From python3 crypt.crypt('secret-Crypt', '$6$rounds=1000$xyz'). */
const CRYPT6 = '$6$rounds=1000$xyz$ZWTmSBd5UFXa98k6r3RO0BAmTdMCzUa7DmlfSduQ/mKJtvNwJ5/Wvr.vl/C.mzeERsq2KFavXdVBukFckZ31m0'

function person(dn: string, uid: string, password: string, extra = ''): string {
  return `dn: ${dn}\nobjectClass: inetOrgPerson\nobjectClass: inetMailUser\nuid: ${uid}\ncn: ${uid}\nsn: ${uid}\nuserPassword: ${password}\n${extra}\n`
}

const LDIF = [
  `dn: o=test\nobjectClass: organization\no: test\n`,
  `dn: ${SERVICE_DN}\nobjectClass: applicationProcess\nobjectClass: simpleSecurityObject\ncn: msgsrv\nuserPassword: ${SERVICE_PW}\n`,
  `dn: ou=People,o=test\nobjectClass: organizationalUnit\nou: People\n`,
  person('uid=alice,ou=People,o=test', 'alice', salted('SSHA', 'sha1', 'alice-Secret-1')),
  person('uid=admin,ou=People,o=test', 'admin', salted('SSHA', 'sha1', 'admin-Secret-2')),
  person('uid=bob,ou=People,o=test', 'bob', salted('SSHA', 'sha1', 'bob-people-Secret')),
  person('uid=dave,ou=People,o=test', 'dave', salted('SSHA', 'sha1', 'dave-Old-1')),
  person('uid=cs1,ou=People,o=test', 'cs1', salted('SSHA', 'sha1', 'ssha-Secret')),
  person('uid=cs5,ou=People,o=test', 'cs5', salted('SSHA512', 'sha512', 'ssha512-Secret')),
  person('uid=cc6,ou=People,o=test', 'cc6', `{CRYPT}${CRYPT6}`),
  person('uid=cclear,ou=People,o=test', 'cclear', '{CLEARTEXT}clear-Secret'),
  person('uid=cplain,ou=People,o=test', 'cplain', 'plain-Secret'),
  person('uid=trans,ou=People,o=test', 'trans', salted('SSHA', 'sha1', 'trans-Secret')),
  `dn: ou=Solo,o=test\nobjectClass: organizationalUnit\nou: Solo\n`,
  person('uid=solo,ou=Solo,o=test', 'solo', salted('SSHA', 'sha1', 'solo-Secret')),
  `dn: o=example.com,o=test\nobjectClass: organization\nobjectClass: sunManagedOrganization\no: example.com\nassociatedDomain: example.com\n`,
  person('uid=bob,o=example.com,o=test', 'bob', salted('SSHA512', 'sha512', 'bob-com-Secret')),
  `dn: o=example.org,o=test\nobjectClass: organization\nobjectClass: sunManagedOrganization\no: example.org\nsunPreferredDomain: example.org\nassociatedDomain: alias.example.org\n`,
  person('uid=bob,o=example.org,o=test', 'bob', salted('SSHA', 'sha1', 'bob-org-Secret')),
  `dn: o=example.net,o=test\nobjectClass: organization\nobjectClass: sunManagedOrganization\no: example.net\nassociatedDomain: example.net\ninetDomainBaseDN: ou=NetPeople,o=test\ninetDomainSearchFilter: (&(mail=%U@%V)(objectClass=inetMailUser))\n`,
  `dn: ou=NetPeople,o=test\nobjectClass: organizationalUnit\nou: NetPeople\n`,
  person('uid=n1234,ou=NetPeople,o=test', 'n1234', salted('SSHA', 'sha1', 'carol-Secret'), 'mail: carol@example.net\n'),
].join('\n')

const available = slapdAvailable()
// Started once for the file (about half a second); `after` stops it when the file's tests are done.
const slapd: Slapd = available ? await startSlapd({after}, {suffix: SUFFIX, ldif: LDIF, schema: TEST_SCHEMA, acl: ACL, tls: true}) : (null as unknown as Slapd)

const skipWithoutSlapd = (t: {skip: (m: string) => void}): boolean => {
  if (available) return false
  if (process.env.CI) throw new Error('slapd/ldap-utils are missing; install them (apt-get install slapd ldap-utils)')
  process.stderr.write('\n*** SKIPPED: slapd and ldap-utils are not installed (apt-get install slapd ldap-utils) ***\n')
  t.skip('slapd is not installed')
  return true
}

/** A directory over the test slapd; `settings` override the stored configuration. */
function directory(t: {after: (fn: () => Promise<void>) => void}, settings: Record<string, string>, options: LdapDirectoryOptions = {}): {dir: LdapDirectory; log: string[]} {
  const log: string[] = []
  const values: Record<string, string> = {
    'local.ugldaphost': `127.0.0.1:${slapd.port}`,
    'local.ugldapport': '389',
    'local.ugldapusessl': 'no',
    'local.ldapcheckcert': 'yes',
    'local.ugldapbinddn': SERVICE_DN,
    'local.ugldapbindcred': SERVICE_PW,
    'local.ugldapbasedn': SUFFIX,
    'sasl.default.ldap.searchfilter': '(&(uid=%U)(objectclass=inetmailuser))',
    'sasl.default.ldap.searchfordomain': '1',
    'sasl.default.ldap.has_plain_passwords': 'no',
    'sasl.default.auto_transition': 'no',
    'local.store.admingroupdn': '',
    ...settings,
  }
  const dir = new LdapDirectory((name) => {
    const v = values[name]
    if (v === undefined) throw new Error(`unexpected parameter ${name}`)
    return v
  }, {log: (l) => log.push(l), connectTimeoutMs: 1000, operationTimeoutMs: 2000, ...options})
  t.after(() => dir.close())
  return {dir, log}
}

test('bind mode, searchfordomain 0: right password, wrong password, unknown user, ambiguous uid', async (t) => {
  if (skipWithoutSlapd(t)) return
  const {dir, log} = directory(t, {'sasl.default.ldap.searchfordomain': '0'})
  assert.equal(await dir.verifyPassword('alice', 'alice-Secret-1'), 'alice')
  assert.equal(await dir.verifyPassword('ALICE', 'alice-Secret-1'), 'alice', 'the canonical name comes from the entry')
  assert.equal(await dir.verifyPassword('alice', 'alice-Secret-2'), null)
  assert.equal(await dir.verifyPassword('alice', ''), null, 'an empty password is never an (anonymous) bind')
  assert.equal(await dir.verifyPassword('nobody', 'alice-Secret-1'), null)
  assert.ok(log.some((l) => l.includes('no entry matches (&(uid=nobody)(objectclass=inetmailuser)) under o=test')), log.join('\n'))
  // Three entries have uid=bob under the base DN: none of them may log in.
  assert.equal(await dir.verifyPassword('bob', 'bob-people-Secret'), null)
  assert.ok(log.some((l) => l.includes('more than one entry matches (&(uid=bob)')), log.join('\n'))
  // {SSHA512} checked by slapd itself (pw-sha2 module) in bind mode.
  assert.equal(await dir.verifyPassword('cs5', 'ssha512-Secret'), 'cs5')
  // A domain part is ignored for the search when searchfordomain is 0.
  assert.equal(await dir.verifyPassword('alice@anything.example', 'alice-Secret-1'), 'alice')

  assert.equal(await dir.lookupAsync('alice'), 'alice')
  assert.equal(await dir.lookupAsync('nobody'), null)
  assert.equal(dir.lookup('alice'), 'alice', 'the synchronous lookup answers from the cache')
  assert.equal(dir.lookup('admin'), null, 'a cache miss answers null at once...')
  await new Promise((r) => setTimeout(r, 300))
  assert.equal(dir.lookup('admin'), 'admin', '...and fetches the entry for the next time')
  assert.ok(!log.join('\n').includes('alice-Secret'), 'no password in the log')
})

test('searchfordomain 1: the same uid in two domains, alias domains, schema-1 domain nodes, default domain', async (t) => {
  if (skipWithoutSlapd(t)) return
  const {dir, log} = directory(t, {})
  assert.equal(await dir.verifyPassword('bob@example.com', 'bob-com-Secret'), 'bob@example.com')
  assert.equal(await dir.verifyPassword('bob@example.com', 'bob-org-Secret'), null)
  assert.equal(await dir.verifyPassword('bob@example.org', 'bob-org-Secret'), 'bob@example.org')
  assert.equal(await dir.verifyPassword('bob@example.org', 'bob-com-Secret'), null)
  assert.equal(await dir.verifyPassword('Bob@EXAMPLE.ORG', 'bob-org-Secret'), 'bob@example.org')
  assert.equal(await dir.verifyPassword('bob@alias.example.org', 'bob-org-Secret'), 'bob@example.org', 'an alias domain names the preferred one')
  // example.net: users under its inetDomainBaseDN, found with its own filter (by mail, not uid).
  assert.equal(await dir.verifyPassword('carol@example.net', 'carol-Secret'), 'n1234@example.net')
  assert.equal(await dir.verifyPassword('n1234@example.net', 'carol-Secret'), null)
  assert.equal(await dir.mailAddress('carol@example.net'), 'carol@example.net', "web mail's From: the entry's mail")
  assert.equal(await dir.mailAddress('bob@example.com'), null, 'an entry without mail has no address')
  assert.equal(await dir.mailAddress('bob@example.invalid'), null)
  assert.equal(await dir.verifyPassword('bob@example.invalid', 'bob-com-Secret'), null)
  assert.ok(log.some((l) => l.includes('no domain entry for "example.invalid"')), log.join('\n'))
  assert.equal(await dir.lookupAsync('bob@example.com'), 'bob@example.com')
  assert.equal(await dir.lookupAsync('alice@example.com'), null, 'alice lives in no domain')

  const withDefault = directory(t, {}, {defaultDomain: 'example.com'}).dir
  assert.equal(await withDefault.verifyPassword('bob', 'bob-com-Secret'), 'bob@example.com')
  assert.equal(await withDefault.verifyPassword('bob', 'bob-org-Secret'), null)
})

test('failover: a refused port and a silent server are skipped, the next host answers', async (t) => {
  if (skipWithoutSlapd(t)) return
  const dead = await freePort()
  const sockets: Socket[] = []
  const silent = createServer((s) => sockets.push(s))
  await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r))
  t.after(() => {
    for (const s of sockets) s.destroy()
    silent.close()
  })
  const silentPort = (silent.address() as {port: number}).port
  const hosts = `127.0.0.1:${dead} 127.0.0.1:${silentPort} 127.0.0.1:${slapd.port}`
  const {dir, log} = directory(t, {'local.ugldaphost': hosts, 'sasl.default.ldap.searchfordomain': '0'}, {operationTimeoutMs: 400, connectTimeoutMs: 400})
  const started = Date.now()
  assert.equal(await dir.verifyPassword('alice', 'alice-Secret-1'), 'alice')
  assert.ok(log.some((l) => l.includes(`ldap://127.0.0.1:${dead} unavailable`)), log.join('\n'))
  assert.ok(log.some((l) => l.includes(`ldap://127.0.0.1:${silentPort} unavailable`) && /timed out/i.test(l)), log.join('\n'))
  assert.ok(Date.now() - started < 3000, 'the silent server cost one operation timeout, not more')
  // The failed hosts are remembered: the next user bind goes straight to slapd.
  const connections = sockets.length
  assert.equal(await dir.verifyPassword('admin', 'admin-Secret-2'), 'admin')
  assert.equal(sockets.length, connections, 'the silent server was not tried again')

  // Nothing answers: null, logged, and not cached as a wrong password.
  const {dir: none, log: noneLog} = directory(t, {'local.ugldaphost': `127.0.0.1:${dead}`, 'sasl.default.ldap.searchfordomain': '0'})
  assert.equal(await none.verifyPassword('alice', 'alice-Secret-1'), null)
  assert.ok(noneLog.some((l) => l.includes('no LDAP server answered')), noneLog.join('\n'))
})

test('a service connection the server drops is opened again on the next login', async (t) => {
  if (skipWithoutSlapd(t)) return
  // A TCP relay in front of slapd whose connections the test can cut.
  const open: Socket[] = []
  const relay = createServer((client) => {
    const upstream = connect(slapd.port, '127.0.0.1')
    open.push(client, upstream)
    client.pipe(upstream).pipe(client)
    const end = () => {
      client.destroy()
      upstream.destroy()
    }
    client.on('error', end).on('close', end)
    upstream.on('error', end).on('close', end)
  })
  await new Promise<void>((r) => relay.listen(0, '127.0.0.1', r))
  t.after(() => {
    for (const s of open) s.destroy()
    relay.close()
  })
  const relayPort = (relay.address() as {port: number}).port
  const {dir, log} = directory(t, {'local.ugldaphost': `127.0.0.1:${relayPort}`, 'sasl.default.ldap.searchfordomain': '0'})
  assert.equal(await dir.verifyPassword('alice', 'alice-Secret-1'), 'alice')
  for (const s of open.splice(0)) s.destroy()
  await new Promise((r) => setTimeout(r, 50))
  // Not cached (another user): needs a search on a new, bound service connection.
  assert.equal(await dir.verifyPassword('admin', 'admin-Secret-2'), 'admin', log.join('\n'))
  assert.equal(await dir.lookupAsync('cs1'), 'cs1')
})

test('filter injection: *)(uid=* and admin)(|(uid=* log nobody in', async (t) => {
  if (skipWithoutSlapd(t)) return
  // Under ou=Solo an unescaped `*` would match exactly one entry (solo), and its password would then succeed.
  const {dir, log} = directory(t, {'local.ugldapbasedn': 'ou=Solo,o=test', 'sasl.default.ldap.searchfordomain': '0'})
  assert.equal(await dir.verifyPassword('solo', 'solo-Secret'), 'solo', 'the control case works')
  for (const login of ['*', '*)(uid=*', 'admin)(|(uid=*', 's*', '*)(objectclass=*', 'solo)(uid=*)(|(uid=*', 'x\\2a']) {
    assert.equal(await dir.verifyPassword(login, 'solo-Secret'), null, login)
    assert.equal(await dir.lookupAsync(login), null, login)
  }
  assert.ok(log.some((l) => l.includes('(&(uid=\\2a\\29\\28uid=\\2a)(objectclass=inetmailuser))')), log.join('\n'))
  assert.ok(log.some((l) => l.includes('(&(uid=admin\\29\\28|\\28uid=\\2a)(objectclass=inetmailuser))')), log.join('\n'))
  // Over the whole tree, admin's own password with the injected login does not reach admin.
  const wide = directory(t, {'sasl.default.ldap.searchfordomain': '0'}).dir
  assert.equal(await wide.verifyPassword('admin)(|(uid=*', 'admin-Secret-2'), null)
  // The domain part is escaped as well.
  const domains = directory(t, {}).dir
  assert.equal(await domains.verifyPassword('bob@*', 'bob-com-Secret'), null)
  assert.equal(await domains.verifyPassword('bob@example.com)(associatedDomain=*', 'bob-com-Secret'), null)
})

test('compare mode: {SSHA}, {SSHA512}, {CRYPT}$6$, {CLEARTEXT} and plain userPassword read with the service bind', async (t) => {
  if (skipWithoutSlapd(t)) return
  const {dir} = directory(t, {'sasl.default.ldap.searchfordomain': '0'}, {passwordCheck: 'compare'})
  const cases: [string, string][] = [['cs1', 'ssha-Secret'], ['cs5', 'ssha512-Secret'], ['cc6', 'secret-Crypt'], ['cclear', 'clear-Secret'], ['cplain', 'plain-Secret']]
  for (const [user, password] of cases) {
    assert.equal(await dir.verifyPassword(user, password), user, user)
    assert.equal(await dir.verifyPassword(user, `${password}x`), null, user)
  }
  assert.equal(await dir.cleartextPassword('cclear'), null, 'only with has_plain_passwords')

  const plain = directory(t, {'sasl.default.ldap.searchfordomain': '0', 'sasl.default.ldap.has_plain_passwords': 'yes'}).dir
  assert.equal(await plain.cleartextPassword('cclear'), 'clear-Secret')
  assert.equal(await plain.cleartextPassword('cplain'), 'plain-Secret')
  assert.equal(await plain.cleartextPassword('cs1'), null, 'a hash is no clear text')
  assert.equal(await plain.cleartextPassword('nobody'), null)
  assert.equal(await plain.verifyPassword('cc6', 'secret-Crypt'), 'cc6', 'has_plain_passwords implies compare mode')

  // Without the service identity, the ACL hides entries and passwords: nobody is found.
  const anon = directory(t, {'sasl.default.ldap.searchfordomain': '0', 'local.ugldapbinddn': '', 'local.ugldapbindcred': ''}, {passwordCheck: 'compare'})
  assert.equal(await anon.dir.verifyPassword('cs1', 'ssha-Secret'), null)
  // A wrong service password is an error, logged, not a wrong user password.
  const badSvc = directory(t, {'sasl.default.ldap.searchfordomain': '0', 'local.ugldapbindcred': 'wrong'})
  assert.equal(await badSvc.dir.verifyPassword('alice', 'alice-Secret-1'), null)
  assert.ok(badSvc.log.some((l) => /cannot check the password of "alice": .*Invalid credentials|0x31/i.test(l)), badSvc.log.join('\n'))
  assert.ok(!badSvc.log.join('\n').includes('wrong'))
})

test('auto_transition: a clear-text login rewrites {SSHA} as {SSHA512}; without write rights it is logged and the login stands', async (t) => {
  if (skipWithoutSlapd(t)) return
  const stored = () => execFileSync('ldapsearch', ['-x', '-LLL', '-o', 'ldif-wrap=no', '-H', slapd.url, '-D', slapd.rootDn, '-w', slapd.rootPassword, '-b', 'uid=trans,ou=People,o=test', '-s', 'base', 'userPassword'], {encoding: 'utf8'})
  const base64Value = () => Buffer.from(/^userPassword:: (\S+)$/m.exec(stored())![1]!, 'base64').toString('utf8')
  assert.match(base64Value(), /^\{SSHA\}/)

  const readOnly = directory(t, {'sasl.default.ldap.searchfordomain': '0', 'sasl.default.auto_transition': 'yes'})
  assert.equal(await readOnly.dir.verifyPassword('trans', 'trans-Secret'), 'trans')
  assert.ok(readOnly.log.some((l) => /auto_transition could not rewrite the password of uid=trans,ou=People,o=test: .*(Insufficient|0x32)/i.test(l)), readOnly.log.join('\n'))
  assert.match(base64Value(), /^\{SSHA\}/, 'unchanged')

  // The root identity may write: the value becomes {SSHA512} of the same password, once.
  const writer = directory(t, {'sasl.default.ldap.searchfordomain': '0', 'sasl.default.auto_transition': 'yes', 'local.ugldapbinddn': slapd.rootDn, 'local.ugldapbindcred': slapd.rootPassword})
  assert.equal(await writer.dir.verifyPassword('trans', 'trans-Secret'), 'trans')
  const rewritten = base64Value()
  assert.match(rewritten, /^\{SSHA512\}/)
  const raw = Buffer.from(rewritten.slice('{SSHA512}'.length), 'base64')
  assert.deepEqual(createHash('sha512').update('trans-Secret').update(raw.subarray(64)).digest(), raw.subarray(0, 64))
  assert.equal(await writer.dir.verifyPassword('trans', 'wrong'), null, 'a wrong password rewrites nothing')
  const again = directory(t, {'sasl.default.ldap.searchfordomain': '0', 'sasl.default.auto_transition': 'yes', 'local.ugldapbinddn': slapd.rootDn, 'local.ugldapbindcred': slapd.rootPassword})
  assert.equal(await again.dir.verifyPassword('trans', 'trans-Secret'), 'trans')
  assert.equal(base64Value(), rewritten, 'a value already in the target scheme is left alone')
  assert.equal(writer.log.filter((l) => l.includes('auto_transition stored')).length, 1, writer.log.join('\n'))
})

test('LDAPS: the given CA is trusted; a wrong CA is refused when ldapcheckcert is yes', async (t) => {
  if (skipWithoutSlapd(t)) return
  const ssl = {'local.ugldaphost': '127.0.0.1', 'local.ugldapport': String(slapd.ldapsPort), 'local.ugldapusessl': 'yes', 'sasl.default.ldap.searchfordomain': '0'}
  const good = directory(t, ssl, {caCertificates: [slapd.caPem!]})
  assert.equal(await good.dir.verifyPassword('alice', 'alice-Secret-1'), 'alice')
  assert.equal(await good.dir.verifyPassword('alice', 'wrong'), null)

  const tmp = mkdtempSync(join(tmpdir(), 'msgctl-ldap-ca-'))
  t.after(() => rmSync(tmp, {recursive: true, force: true}))
  const otherCa = makeCa(tmp, 'other-ca').certPem
  const refused = directory(t, ssl, {caCertificates: [otherCa]})
  assert.equal(await refused.dir.verifyPassword('alice', 'alice-Secret-1'), null)
  assert.ok(refused.log.some((l) => /certificate/i.test(l)), refused.log.join('\n'))
  // Plain LDAP to the LDAPS port fails too (no silent downgrade).
  const plainToTls = directory(t, {...ssl, 'local.ugldapusessl': 'no'}, {operationTimeoutMs: 500})
  assert.equal(await plainToTls.dir.verifyPassword('alice', 'alice-Secret-1'), null)

  const unchecked = directory(t, {...ssl, 'local.ldapcheckcert': 'no'}, {caCertificates: [otherCa]})
  assert.equal(await unchecked.dir.verifyPassword('alice', 'alice-Secret-1'), 'alice')
})

test('cache: a password change takes effect once the positive and negative TTLs have passed', async (t) => {
  if (skipWithoutSlapd(t)) return
  const {dir} = directory(t, {'sasl.default.ldap.searchfordomain': '0'}, {positiveTtlMs: 1500, negativeTtlMs: 700})
  assert.equal(await dir.verifyPassword('dave', 'dave-Old-1'), 'dave')
  assert.equal(await dir.verifyPassword('dave', 'dave-New-2'), null)
  slapd.modify(`dn: uid=dave,ou=People,o=test\nchangetype: modify\nreplace: userPassword\nuserPassword: ${salted('SSHA', 'sha1', 'dave-New-2')}\n`)
  t.after(() => slapd.modify(`dn: uid=dave,ou=People,o=test\nchangetype: modify\nreplace: userPassword\nuserPassword: ${salted('SSHA', 'sha1', 'dave-Old-1')}\n`))
  // Within the TTLs both answers are remembered.
  assert.equal(await dir.verifyPassword('dave', 'dave-Old-1'), 'dave', 'positive answer cached')
  assert.equal(await dir.verifyPassword('dave', 'dave-New-2'), null, 'negative answer cached')
  // A password never tried before is checked against the directory at once.
  assert.equal(await dir.verifyPassword('dave', 'dave-Other-3'), null)
  await new Promise((r) => setTimeout(r, 800))
  assert.equal(await dir.verifyPassword('dave', 'dave-New-2'), 'dave', 'the negative TTL has passed')
  assert.equal(await dir.verifyPassword('dave', 'dave-Old-1'), 'dave', 'the positive TTL has not')
  await new Promise((r) => setTimeout(r, 800))
  assert.equal(await dir.verifyPassword('dave', 'dave-Old-1'), null, 'the positive TTL has passed')

  // A bounded cache: with room for one answer, a second user pushes the first out.
  const small = directory(t, {'sasl.default.ldap.searchfordomain': '0'}, {cacheMaxEntries: 1, positiveTtlMs: 60_000}).dir
  assert.equal(await small.verifyPassword('alice', 'alice-Secret-1'), 'alice')
  assert.equal(small.lookup('alice'), 'alice')
  assert.equal(await small.verifyPassword('admin', 'admin-Secret-2'), 'admin')
  assert.equal(small.lookup('alice'), null, 'evicted')
})

test('configuration errors are sentences, raised at construction', () => {
  const base: Record<string, string> = {
    'local.ugldaphost': 'ldap.example.com',
    'local.ugldapport': '389',
    'local.ugldapusessl': 'no',
    'local.ldapcheckcert': 'yes',
    'local.ugldapbinddn': '',
    'local.ugldapbindcred': '',
    'local.ugldapbasedn': 'o=usergroup',
    'sasl.default.ldap.searchfilter': '(&(uid=%U)(objectclass=inetmailuser))',
    'sasl.default.ldap.searchfordomain': '1',
    'sasl.default.ldap.has_plain_passwords': 'no',
  }
  const make = (over: Record<string, string>) => new LdapDirectory((n) => ({...base, ...over})[n]!)
  assert.throws(() => make({'local.ugldaphost': ''}), LdapConfigError)
  assert.throws(() => make({'local.ugldapbasedn': ''}), /local.ugldapbasedn is empty/)
  assert.throws(() => make({'local.ugldaphost': 'a:99999'}), /port outside/)
  assert.throws(() => make({'sasl.default.ldap.searchfilter': '(uid=%u)'}), /unknown token %u/)
  assert.ok(make({'local.ugldaphost': 'a b:1389 [::1]:636'}))
})

test('store administrators: members of the local.store.admingroupdn group, by member DN; an empty parameter asks nothing', async (t) => {
  if (skipWithoutSlapd(t)) return
  const group = 'cn=store admins,ou=People,o=test'
  // admin's DN is the only member; alice is an ordinary user.
  slapd.modify(`dn: ${group}\nchangetype: add\nobjectClass: groupOfNames\ncn: store admins\nmember: uid=admin,ou=People,o=test\n`)
  t.after(() => slapd.modify(`dn: ${group}\nchangetype: delete\n`))
  const {dir, log} = directory(t, {'sasl.default.ldap.searchfordomain': '0', 'local.store.admingroupdn': group})
  assert.equal(await dir.isStoreAdministrator('admin'), true, log.join('\n'))
  assert.equal(await dir.isStoreAdministrator('ADMIN'), true, 'user names compare case-insensitively')
  assert.equal(await dir.isStoreAdministrator('alice'), false)
  assert.equal(await dir.isStoreAdministrator('nobody'), false)
  assert.equal(await dir.isStoreAdministrator('*'), false, 'no filter injection through the login')
  // Another group DN that does not exist: nobody is one.
  const missing = directory(t, {'sasl.default.ldap.searchfordomain': '0', 'local.store.admingroupdn': 'cn=absent,o=test'}).dir
  assert.equal(await missing.isStoreAdministrator('admin'), false)

  // Empty parameter: false, without a single connection (the host does not exist).
  const dead = await freePort()
  const empty = directory(t, {'local.ugldaphost': `127.0.0.1:${dead}`, 'sasl.default.ldap.searchfordomain': '0'})
  assert.equal(await empty.dir.isStoreAdministrator('admin'), false)
  assert.deepEqual(empty.log, [], 'no LDAP traffic was attempted')
  // Server down with a group set: false and one log line, never a throw.
  const down = directory(t, {'local.ugldaphost': `127.0.0.1:${dead}`, 'sasl.default.ldap.searchfordomain': '0', 'local.store.admingroupdn': group})
  assert.equal(await down.dir.isStoreAdministrator('admin'), false)
  assert.equal(down.log.filter((l) => l.includes('cannot tell whether "admin" is a store administrator')).length, 1, down.log.join('\n'))
})
