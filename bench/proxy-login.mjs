// TLS logins per second through the front-end proxy with two back ends,
// against one daemon alone, in the same run.
//
//   node bench/proxy-login.mjs [seconds-per-step=5] [concurrency=8]
//
// Four msgctl daemons on loopback, each with its own store: "alone" serves
// IMAPS and SMTPS itself; "proxy" (--role proxy) terminates TLS and
// authentication and hands IMAP to the user's back end (bench1 on A, bench2
// on B, by local.proxy.imapbackend) and SMTP to relays A and B round robin,
// over plain TCP with XPROXYEHLO. Steps, alternating the two users:
//   IMAPS  LOGIN + LOGOUT
//   SMTPS  EHLO + AUTH PLAIN + one small message + QUIT
// The proxy does more work per login than a daemon alone (its own password
// check, then the back end's), so on one machine the ratio shows that cost;
// the point of the split is that TLS and the mail queues can then live on
// separate machines. Needs a built tree (npx tsc -p .).
import {execFileSync, spawnSync} from 'node:child_process'
import {join} from 'node:path'
import {connect} from 'node:tls'
import {freePort, scratchDir} from './bench_support.mjs'

const ROOT = new URL('..', import.meta.url).pathname
const seconds = Number(process.argv[2] ?? 5)
const concurrency = Number(process.argv[3] ?? 8)
const USERS = ['bench1', 'bench2']
const PASSWORD = 'bench-Pa55word'
const SECRET = 'bench-proxy-Secret'

const {path: work, cleanups} = scratchDir('msgctl-bench-proxy-')

const tool = (name, args, input) => execFileSync(join(ROOT, 'bin', name), args, {input, stdio: ['pipe', 'ignore', 'inherit']})

async function startMsgctl(name, extra = [], role) {
  const dir = join(work, name)
  const ports = {imap: await freePort(), imaps: await freePort(), pop: await freePort(), pops: await freePort(), smtp: await freePort(), smtps: await freePort(), sub: await freePort()}
  const settings = [
    `service.imap.port = ${ports.imap}`, `service.imap.sslport = ${ports.imaps}`, `service.pop.port = ${ports.pop}`, `service.pop.sslport = ${ports.pops}`,
    `service.smtp.port = ${ports.smtp}`, `service.smtp.sslport = ${ports.smtps}`, `service.smtp.submissionport = ${ports.sub}`,
    'service.http.enable = no', 'local.hostname = localhost',
    ...['imap', 'pop', 'smtp'].flatMap((s) => [`service.${s}.maxconnectionsperip = 0`, `service.${s}.maxunauthenticatedperip = 0`]),
    ...extra,
  ].join('\n')
  tool('configutil', ['-f', dir, '-i', '-'], settings + '\n')
  tool('msgctl', ['start', '-d', dir, ...(role ? ['--role', role] : [])])
  cleanups.push(() => spawnSync(join(ROOT, 'bin', 'msgctl'), ['stop', '-d', dir], {stdio: 'ignore'}))
  for (const user of USERS) tool('msgctl', ['user', 'add', user, '-d', dir, '--password-stdin'], PASSWORD + '\n')
  return {name, ports}
}

// --- sessions ----------------------------------------------------------------
/** A TLS connection with "wait until the buffer matches" steps. */
function tlsDialogue(port, steps) {
  return new Promise((resolve, reject) => {
    const s = connect({port, host: '127.0.0.1', rejectUnauthorized: false})
    let buf = ''
    let i = 0
    s.setTimeout(30_000, () => { s.destroy(); reject(new Error('timeout')) })
    s.on('data', (d) => {
      buf += d.toString('latin1')
      while (i < steps.length) {
        const [wait, send, bad] = steps[i]
        if (bad && bad.test(buf)) { s.destroy(); return reject(new Error(`refused: ${buf.trim().slice(-200)}`)) }
        if (!wait.test(buf)) return
        buf = ''
        i++
        if (send === null) { s.end(); return resolve() }
        s.write(send)
      }
    })
    s.on('error', reject)
  })
}

const plain = (user) => Buffer.from(`\0${user}\0${PASSWORD}`).toString('base64')

function imapsLogin(port, user) {
  return tlsDialogue(port, [
    [/^\* OK.*\r\n/, `a LOGIN ${user} "${PASSWORD}"\r\n`],
    [/^a (OK|NO|BAD).*\r\n/m, 'b LOGOUT\r\n', /^a (NO|BAD)/m],
    [/^b OK.*\r\n/m, null],
  ])
}

function smtpsLogin(port, user) {
  const reply = (code) => new RegExp(`^${code} .*\\r\\n`, 'm')
  return tlsDialogue(port, [
    [reply(220), 'EHLO bench.example\r\n'],
    [reply(250), `AUTH PLAIN ${plain(user)}\r\n`],
    [/^\d{3} .*\r\n/m, `MAIL FROM:<${user}@localhost>\r\n`, /^(?!235)\d{3} /m],
    [/^\d{3} .*\r\n/m, `RCPT TO:<${user}@localhost>\r\n`, /^(?!250)\d{3} /m],
    [/^\d{3} .*\r\n/m, 'DATA\r\n', /^(?!250)\d{3} /m],
    [/^\d{3} .*\r\n/m, `Subject: bench\r\n\r\nbench message\r\n.\r\n`, /^(?!354)\d{3} /m],
    [/^\d{3} .*\r\n/m, 'QUIT\r\n', /^(?!250)\d{3} /m],
    [reply(221), null],
  ])
}

async function rate(session, port, workers) {
  for (const user of USERS) await session(port, user) // warm the login caches and the relay links
  let done = 0
  let failed = 0
  let lastError = null
  const until = Date.now() + seconds * 1000
  await Promise.all(Array.from({length: workers}, async (_, w) => {
    for (let n = w; Date.now() < until; n++) {
      try { await session(port, USERS[n % USERS.length]); done++ } catch (e) { failed++; lastError = e.message }
    }
  }))
  if (lastError) console.error(`last failure: ${lastError}`)
  return {rate: done / seconds, failed}
}

// --- run ----------------------------------------------------------------------
const alone = await startMsgctl('alone')
const a = await startMsgctl('backend-a', [`local.proxy.smtpproxypassword = ${SECRET}`])
const b = await startMsgctl('backend-b', [`local.proxy.smtpproxypassword = ${SECRET}`])
const proxy = await startMsgctl('proxy', [
  `local.proxy.smtprelays = 127.0.0.1:${a.ports.smtp} 127.0.0.1:${b.ports.smtp}`,
  `local.proxy.smtpproxypassword = ${SECRET}`,
  `local.proxy.imapbackend = bench1=127.0.0.1:${a.ports.imap} bench2=127.0.0.1:${b.ports.imap}`,
], 'proxy')

const steps = [
  ['IMAPS LOGIN+LOGOUT', imapsLogin, 'imaps'],
  ['SMTPS AUTH PLAIN + 1 message', smtpsLogin, 'smtps'],
]
const row = (label, x, y, r) => console.log(`${label.padEnd(44)} | ${String(x).padStart(12)} | ${String(y).padStart(12)} | ${r}`)
console.log(`TLS sessions per second, ${seconds} s per step, users ${USERS.join(' and ')} alternating; proxy with two back ends (plain TCP behind it) vs one daemon alone`)
row('step', 'alone', 'proxy+2', 'proxy/alone')
row('-'.repeat(44), '-'.repeat(12), '-'.repeat(12), '-'.repeat(11))
let failures = 0
for (const [label, session, port] of steps) {
  for (const workers of [1, concurrency]) {
    const x = await rate(session, alone.ports[port], workers)
    const y = await rate(session, proxy.ports[port], workers)
    failures += x.failed + y.failed
    row(`${label}, concurrency ${workers}`, x.rate.toFixed(1), y.rate.toFixed(1), (y.rate / x.rate).toFixed(2))
  }
}
console.log(`failed sessions: ${failures}`)
process.exit(0)
