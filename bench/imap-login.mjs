// IMAPS LOGIN+LOGOUT per second at concurrency 1 and 16, and idle TLS
// connections held, for msgctl and Dovecot (the anchor) in the same run.
//
//   node bench/imap-login.mjs [seconds-per-step=10] [idle-connections=10000] [--ldap]
//
// Both servers run on loopback with an EC P-256 certificate, one user, and a
// login cache (ours by default; Dovecot's auth_cache switched on to match),
// so the comparison is the protocol and TLS path, not the password hash.
// With --ldap both find the user in the same real slapd and check the
// password by binding as the user (Dovecot auth_bind); the idle step is
// skipped unless an idle count is given.
// With --token the anchor is msgctl itself with its server key in the store,
// against msgctl with the key on a SoftHSM2 token (every handshake signs
// through OpenSSL's PKCS #11 engine); needs softhsm2 and
// libengine-pkcs11-openssl instead of Dovecot.
// Needs Debian's dovecot-imapd (and dovecot-ldap, slapd, ldap-utils for
// --ldap) and a built tree (npm run build); run as root (Dovecot drops to its own users).
import {execFileSync, spawn, spawnSync} from 'node:child_process'
import {createHash} from 'node:crypto'
import {readFileSync, writeFileSync, chmodSync} from 'node:fs'
import {join} from 'node:path'
import {connect} from 'node:tls'
import {freePort, scratchDir} from './bench_support.mjs'

const ROOT = new URL('..', import.meta.url).pathname
const ldap = process.argv.includes('--ldap')
const token = process.argv.includes('--token')
const positional = process.argv.slice(2).filter((a) => !a.startsWith('--'))
const seconds = Number(positional[0] ?? 10)
const idleTarget = Number(positional[1] ?? (ldap || token ? 0 : 10000))
const USER = 'bench'
const PASSWORD = 'bench-Pa55word'

const {path: work, cleanups} = scratchDir('msgctl-bench-imap-')
chmodSync(work, 0o755) // Dovecot's auth process (user dovecot) reads the passwd file in here

// --- slapd (with --ldap) -----------------------------------------------------
async function startDirectory() {
  const {startSlapd} = await import('../build/test/helpers/slapd.js')
  const salt = Buffer.from('0a0b0c0d0e0f1011', 'hex')
  const ssha = `{SSHA}${Buffer.concat([createHash('sha1').update(PASSWORD).update(salt).digest(), salt]).toString('base64')}`
  const ldif = `dn: o=bench\nobjectClass: organization\no: bench\n\ndn: uid=${USER},o=bench\nobjectClass: inetOrgPerson\nuid: ${USER}\ncn: ${USER}\nsn: ${USER}\nuserPassword: ${ssha}\n`
  return startSlapd({after: (fn) => cleanups.push(() => void fn())}, {suffix: 'o=bench', ldif})
}
const slapd = ldap ? await startDirectory() : null

// --- msgctl ---------------------------------------------------------------
async function startMsgctl(name = 'msgctl', onToken = false) {
  const dir = join(work, name)
  const ports = {imap: await freePort(), imaps: await freePort(), pop: await freePort(), pops: await freePort(), smtp: await freePort(), smtps: await freePort(), sub: await freePort()}
  const settings = [
    `service.imap.port = ${ports.imap}`, `service.imap.sslport = ${ports.imaps}`, `service.pop.port = ${ports.pop}`, `service.pop.sslport = ${ports.pops}`,
    `service.smtp.port = ${ports.smtp}`, `service.smtp.sslport = ${ports.smtps}`, `service.smtp.submissionport = ${ports.sub}`,
    'service.http.enable = no', 'local.hostname = localhost', `service.imap.maxsessions = ${idleTarget + 1000}`, 'service.imap.maxconnectionsperip = 0', 'service.imap.maxunauthenticatedperip = 0',
    ...(slapd ? [`local.ugldaphost = 127.0.0.1:${slapd.port}`, 'local.ugldapbasedn = o=bench', `local.ugldapbinddn = ${slapd.rootDn}`, `local.ugldapbindcred = ${slapd.rootPassword}`, 'sasl.default.ldap.searchfordomain = 0', 'sasl.default.ldap.searchfilter = (uid=%U)'] : []),
  ].join('\n')
  execFileSync(join(ROOT, 'bin', 'configutil'), ['-f', dir, '-i', '-'], {input: settings + '\n'})
  execFileSync(join(ROOT, 'bin', 'msgctl'), ['start', '-d', dir], {stdio: 'ignore'})
  cleanups.push(() => spawnSync(join(ROOT, 'bin', 'msgctl'), ['stop', '-d', dir], {stdio: 'ignore'}))
  if (!slapd) execFileSync(join(ROOT, 'bin', 'msgctl'), ['user', 'add', USER, '-d', dir, '--password-stdin'], {input: PASSWORD + '\n'})
  if (onToken) moveKeyToToken(dir)
  const pid = Number(readFileSync(join(dir, 'msgctl.pid'), 'utf8'))
  return {name, port: ports.imaps, pids: () => [pid]}
}

/** A fresh SoftHSM2 token holding a new P-256 server key (same type as the store's), certified by the store's CA; then a restart. */
function moveKeyToToken(dir) {
  const tokens = join(work, 'softhsm')
  execFileSync('mkdir', ['-p', tokens])
  writeFileSync(join(work, 'softhsm2.conf'), `directories.tokendir = ${tokens}\n`)
  process.env.SOFTHSM2_CONF = join(work, 'softhsm2.conf')
  execFileSync('softhsm2-util', ['--init-token', '--free', '--label', 'BenchToken', '--pin', '2468', '--so-pin', '1357'], {stdio: 'ignore'})
  const tool = (name, args, input) => execFileSync(join(ROOT, 'bin', name), args, {input, stdio: ['pipe', 'ignore', 'inherit']})
  tool('modutil', ['-add', 'SoftHSM', '-libfile', '/usr/lib/softhsm/libsofthsm2.so', '-dbdir', dir, '-force'])
  const passwords = join(dir, 'sslpassword.conf')
  writeFileSync(passwords, readFileSync(passwords, 'utf8') + 'BenchToken:2468\n')
  tool('certutil', ['-S', '-h', 'BenchToken', '-k', 'ec', '-n', 'token-server', '-c', 'msgctl Local CA', '-t', 'u,u,u', '-s', 'CN=localhost', '-m', '4242', '-d', dir, '-f', passwords])
  tool('configutil', ['-f', dir, '-i', '-'], 'encryption.rsa.nsssltoken = BenchToken\nencryption.rsa.nssslpersonalityssl = token-server\n')
  tool('msgctl', ['restart', '-d', dir])
}

// --- Dovecot --------------------------------------------------------------
async function startDovecot() {
  const dir = join(work, 'dovecot')
  execFileSync('mkdir', ['-p', join(dir, 'run'), join(dir, 'mail')])
  const port = await freePort()
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-subj', '/CN=localhost', '-days', '2'], {stdio: 'ignore'})
  chmodSync(join(dir, 'key.pem'), 0o600)
  const hash = execFileSync('doveadm', ['pw', '-s', 'SHA512-CRYPT', '-p', PASSWORD], {encoding: 'utf8'}).trim()
  writeFileSync(join(dir, 'passwd'), `${USER}:${hash}:65534:65534::${join(dir, 'mail')}::\n`)
  execFileSync('chown', ['-R', 'nobody:nogroup', join(dir, 'mail')])
  // Same lookup as ours: find the entry with the service identity, then bind as it.
  if (slapd) writeFileSync(join(dir, 'ldap.conf'), `uris = ldap://127.0.0.1:${slapd.port}\ndn = ${slapd.rootDn}\ndnpass = ${slapd.rootPassword}\nauth_bind = yes\nbase = o=bench\nscope = subtree\npass_filter = (uid=%u)\n`)
  writeFileSync(join(dir, 'dovecot.conf'), `
base_dir = ${join(dir, 'run')}
state_dir = ${join(dir, 'run')}
instance_name = bench-${process.pid}
protocols = imap
listen = 127.0.0.1
log_path = ${join(dir, 'dovecot.log')}
ssl = required
ssl_cert = <${join(dir, 'cert.pem')}
ssl_key = <${join(dir, 'key.pem')}
ssl_min_protocol = TLSv1.2
disable_plaintext_auth = yes
auth_mechanisms = plain login
auth_cache_size = 10M
auth_cache_ttl = 10 min
mail_location = maildir:~/Maildir
mail_max_userip_connections = 100
default_client_limit = ${idleTarget + 1000}
default_vsz_limit = 2G
${slapd ? `passdb {
  driver = ldap
  args = ${join(dir, 'ldap.conf')}
}
userdb {
  driver = static
  args = uid=nobody gid=nogroup home=${join(dir, 'mail')}
}` : `passdb {
  driver = passwd-file
  args = scheme=SHA512-CRYPT ${join(dir, 'passwd')}
}
userdb {
  driver = passwd-file
  args = ${join(dir, 'passwd')}
}`}
service imap-login {
  inet_listener imap {
    port = 0
  }
  inet_listener imaps {
    port = ${port}
    ssl = yes
  }
  service_count = 0
  process_min_avail = 2
  client_limit = ${idleTarget + 1000}
}
service imap {
  process_limit = 1024
}
`)
  execFileSync('dovecot', ['-c', join(dir, 'dovecot.conf')], {stdio: 'ignore'}) // it daemonizes; pipes would stay open
  cleanups.push(() => spawnSync('dovecot', ['-c', join(dir, 'dovecot.conf'), 'stop'], {stdio: 'ignore'}))
  let master = 0
  for (let i = 0; i < 100 && !master; i++) {
    try { master = Number(readFileSync(join(dir, 'run', 'master.pid'), 'utf8')) } catch { await new Promise((r) => setTimeout(r, 100)) }
  }
  const pids = () => {
    const out = spawnSync('pgrep', ['-P', String(master)], {encoding: 'utf8'}).stdout.trim().split('\n').filter(Boolean).map(Number)
    return [master, ...out]
  }
  return {name: 'Dovecot', port, pids}
}

// --- load -----------------------------------------------------------------
/** LOGIN then LOGOUT; with idle, stop after the greeting and keep the TLS connection open. */
function imapsSession(port, {idle = false} = {}) {
  return new Promise((resolve, reject) => {
    const s = connect({port, host: '127.0.0.1', rejectUnauthorized: false})
    let buf = ''
    let step = 0
    s.setTimeout(30_000, () => { s.destroy(); reject(new Error('timeout')) })
    s.on('data', (d) => {
      buf += d.toString('latin1')
      if (step === 0 && /^\* OK.*\r\n/.test(buf)) {
        if (idle) return resolve(s)
        step = 1; buf = ''; s.write(`a LOGIN ${USER} "${PASSWORD}"\r\n`)
      }
      else if (step === 1 && /^a (OK|NO|BAD).*\r\n/m.test(buf)) {
        if (!/^a OK/m.test(buf)) { s.destroy(); return reject(new Error(`login failed: ${buf.trim()}`)) }
        step = 2; buf = ''; s.write('b LOGOUT\r\n')
      } else if (step === 2 && /^b OK.*\r\n/m.test(buf)) { s.end(); resolve(null) }
    })
    s.on('error', reject)
  })
}

async function loginRate(server, concurrency) {
  await imapsSession(server.port) // warm the login cache
  let done = 0
  let failed = 0
  const until = Date.now() + seconds * 1000
  await Promise.all(Array.from({length: concurrency}, async () => {
    while (Date.now() < until) {
      try { await imapsSession(server.port); done++ } catch { failed++ }
    }
  }))
  return {rate: done / seconds, failed}
}

function rssOf(pids) {
  let kb = 0
  for (const pid of pids) {
    try { kb += Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) } catch {}
  }
  return kb * 1024
}

async function idleHeld(server) {
  const sockets = []
  let failed = 0
  const batch = 100
  for (let i = 0; i < idleTarget; i += batch) {
    const results = await Promise.allSettled(Array.from({length: Math.min(batch, idleTarget - i)}, () => imapsSession(server.port, {idle: true})))
    for (const r of results) r.status === 'fulfilled' ? sockets.push(r.value) : failed++
  }
  await new Promise((r) => setTimeout(r, 2000))
  const alive = sockets.filter((s) => !s.destroyed).length
  const rss = rssOf(server.pids())
  for (const s of sockets) s.destroy()
  await new Promise((r) => setTimeout(r, 2000))
  return {alive, failed, rss}
}

const servers = token ? [await startMsgctl('msgctl-store-key'), await startMsgctl('msgctl-token-key', true)] : [await startDovecot(), await startMsgctl()]
const [anchorName, oursName] = servers.map((s) => s.name)
const results = {}
for (const server of servers) {
  const r = (results[server.name] = {})
  r.c1 = await loginRate(server, 1)
  r.c16 = await loginRate(server, 16)
  r.idle = idleTarget > 0 ? await idleHeld(server) : {alive: 0, failed: 0, rss: 0}
  console.error(`${server.name}: done`)
}
const [anchor, ours] = [results[anchorName], results[oursName]]
const mib = (b) => (b / 1048576).toFixed(0)
const row = (label, a, o, ratio) => console.log(`${label.padEnd(34)} | ${String(a).padStart(12)} | ${String(o).padStart(12)} | ${ratio}`)
console.log(`IMAPS LOGIN+LOGOUT, users in ${slapd ? 'the same slapd (LDAP, bind as the user)' : 'each server\'s own file or store'}, ${seconds} s per step; idle target ${idleTarget} TLS connections (handshake and greeting done, not logged in)`)
row('step', anchorName.slice(0, 12), oursName.slice(0, 12), token ? 'token/store' : 'msgctl/Dovecot')
row('-'.repeat(34), '-'.repeat(12), '-'.repeat(12), '-'.repeat(14))
row('logins/s, concurrency 1', anchor.c1.rate.toFixed(1), ours.c1.rate.toFixed(1), (ours.c1.rate / anchor.c1.rate).toFixed(2))
row('logins/s, concurrency 16', anchor.c16.rate.toFixed(1), ours.c16.rate.toFixed(1), (ours.c16.rate / anchor.c16.rate).toFixed(2))
if (idleTarget > 0) row('idle TLS connections held', anchor.idle.alive, ours.idle.alive, (ours.idle.alive / Math.max(1, anchor.idle.alive)).toFixed(2))
if (idleTarget > 0) row('RSS while holding them (MiB)', mib(anchor.idle.rss), mib(ours.idle.rss), (ours.idle.rss / anchor.idle.rss).toFixed(2))
console.log(`failed logins: ${anchorName} ${anchor.c1.failed + anchor.c16.failed}, ${oursName} ${ours.c1.failed + ours.c16.failed}; failed idle connects: ${anchorName} ${anchor.idle.failed}, ${oursName} ${ours.idle.failed}`)
if (!token) console.log('targets: logins/s ratio >= 1.0 at both concurrencies; msgctl holds the idle target with RSS < 1024 MiB')
process.exit(0)
