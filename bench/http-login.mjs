// Web mail over HTTPS with keep-alive: login+inbox cycles per second (GET
// /login, POST /login, GET /inbox with 20 messages) at concurrency 1 and 16,
// reported beside the IMAP figure of the same daemon in the same run (IMAPS
// LOGIN, SELECT INBOX, LOGOUT, a new TLS connection each, as mail clients do).
//
//   node bench/http-login.mjs [seconds-per-step=10]
//
// Needs a built tree (npm run build). One daemon, one user, the login cache on.
import {execFileSync, spawnSync} from 'node:child_process'
import {Agent, request} from 'node:https'
import {join} from 'node:path'
import {connect} from 'node:tls'
import {freePort, scratchDir} from './bench_support.mjs'

const ROOT = new URL('..', import.meta.url).pathname
const seconds = Number(process.argv[2] ?? 10)
const USER = 'bench'
const PASSWORD = 'bench-Pa55word'
const {path: work, cleanups} = scratchDir('msgctl-bench-http-')
const dir = join(work, 'store')
cleanups.push(() => spawnSync(join(ROOT, 'bin', 'msgctl'), ['stop', '-d', dir], {stdio: 'ignore'}))

const ports = {}
for (const k of ['imap', 'imaps', 'pop', 'pops', 'smtp', 'smtps', 'sub', 'http', 'https']) ports[k] = await freePort()
const settings = [
  `service.imap.port = ${ports.imap}`, `service.imap.sslport = ${ports.imaps}`, `service.pop.port = ${ports.pop}`, `service.pop.sslport = ${ports.pops}`,
  `service.smtp.port = ${ports.smtp}`, `service.smtp.sslport = ${ports.smtps}`, `service.smtp.submissionport = ${ports.sub}`,
  'service.http.enable = yes', `service.http.port = ${ports.http}`, `service.http.sslport = ${ports.https}`, 'service.http.enablesslport = yes',
  'local.hostname = localhost', 'service.imap.maxconnectionsperip = 0', 'service.imap.maxunauthenticatedperip = 0',
].join('\n')
execFileSync(join(ROOT, 'bin', 'configutil'), ['-f', dir, '-i', '-'], {input: settings + '\n'})
execFileSync(join(ROOT, 'bin', 'msgctl'), ['start', '-d', dir], {stdio: 'ignore'})
execFileSync(join(ROOT, 'bin', 'msgctl'), ['user', 'add', USER, '-d', dir, '--password-stdin'], {input: PASSWORD + '\n'})

// --- HTTPS ----------------------------------------------------------------
/** One request on the worker's keep-alive agent; resolves {status, headers, body}. */
function http(agent, method, path, {cookie, form} = {}) {
  return new Promise((resolve, reject) => {
    const body = form ? new URLSearchParams(form).toString() : null
    const req = request({host: '127.0.0.1', port: ports.https, method, path, agent, rejectUnauthorized: false, headers: {
      ...(cookie ? {Cookie: cookie} : {}),
      ...(body ? {'Content-Type': 'application/x-www-form-urlencoded', 'Content-Length': Buffer.byteLength(body)} : {}),
    }}, (res) => {
      const chunks = []
      res.on('data', (c) => chunks.push(c))
      res.on('end', () => resolve({status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks).toString()}))
    })
    req.on('error', reject)
    req.end(body ?? undefined)
  })
}

const cookieOf = (res) => (res.headers['set-cookie'] ?? [])[0]?.split(';')[0]
const csrfOf = (html) => /name="csrf" value="([^"]+)"/.exec(html)[1]

/** GET the form, POST it; resolves the session cookie. */
async function logIn(agent) {
  const form = await http(agent, 'GET', '/login')
  const login = await http(agent, 'POST', '/login', {cookie: cookieOf(form), form: {user: USER, password: PASSWORD, csrf: csrfOf(form.body)}})
  if (login.status !== 303) throw new Error(`login answered ${login.status}`)
  return cookieOf(login)
}

async function webCycle(agent) {
  const inbox = await http(agent, 'GET', '/inbox', {cookie: await logIn(agent)})
  if (inbox.status !== 200 || !inbox.body.includes('Bench message')) throw new Error(`inbox answered ${inbox.status}`)
}

// Twenty messages, sent through the web mail itself.
{
  const agent = new Agent({keepAlive: true})
  const cookie = await logIn(agent)
  for (let i = 0; i < 20; i++) {
    const compose = await http(agent, 'GET', '/compose', {cookie})
    const sent = await http(agent, 'POST', '/compose', {cookie, form: {to: USER, subject: `Bench message ${i}`, body: 'x'.repeat(2000), csrf: csrfOf(compose.body)}})
    if (sent.status !== 303) throw new Error(`compose answered ${sent.status}`)
  }
  agent.destroy()
}

async function webRate(concurrency) {
  let done = 0
  let failed = 0
  const until = Date.now() + seconds * 1000
  await Promise.all(Array.from({length: concurrency}, async () => {
    const agent = new Agent({keepAlive: true, maxSockets: 1})
    while (Date.now() < until) {
      try { await webCycle(agent); done++ } catch { failed++ }
    }
    agent.destroy()
  }))
  return {rate: done / seconds, failed}
}

// --- IMAPS ----------------------------------------------------------------
function imapsSession() {
  return new Promise((resolve, reject) => {
    const s = connect({port: ports.imaps, host: '127.0.0.1', rejectUnauthorized: false})
    let buf = ''
    let step = 0
    s.setTimeout(30_000, () => { s.destroy(); reject(new Error('timeout')) })
    s.on('data', (d) => {
      buf += d.toString('latin1')
      if (step === 0 && /^\* OK.*\r\n/.test(buf)) { step = 1; buf = ''; s.write(`a LOGIN ${USER} "${PASSWORD}"\r\n`) }
      else if (step === 1 && /^a (OK|NO|BAD).*\r\n/m.test(buf)) {
        if (!/^a OK/m.test(buf)) { s.destroy(); return reject(new Error(buf.trim())) }
        step = 2; buf = ''; s.write('b SELECT INBOX\r\n')
      } else if (step === 2 && /^b (OK|NO|BAD).*\r\n/m.test(buf)) { step = 3; buf = ''; s.write('c LOGOUT\r\n') }
      else if (step === 3 && /^c OK.*\r\n/m.test(buf)) { s.end(); resolve() }
    })
    s.on('error', reject)
  })
}

async function imapRate(concurrency) {
  let done = 0
  let failed = 0
  const until = Date.now() + seconds * 1000
  await Promise.all(Array.from({length: concurrency}, async () => {
    while (Date.now() < until) {
      try { await imapsSession(); done++ } catch { failed++ }
    }
  }))
  return {rate: done / seconds, failed}
}

await imapsSession() // warm the login cache
const rows = []
for (const c of [1, 16]) {
  const web = await webRate(c)
  const imap = await imapRate(c)
  rows.push({c, web, imap})
}
console.log(`\nmsgctl web mail over HTTPS (keep-alive) vs IMAPS, same daemon, ${seconds} s per step`)
console.log('| concurrency | HTTPS login+inbox cycles/s (3 requests) | IMAPS LOGIN+SELECT+LOGOUT/s | HTTPS/IMAPS | failures (HTTPS, IMAPS) |')
console.log('|---|---|---|---|---|')
for (const {c, web, imap} of rows) console.log(`| ${c} | ${web.rate.toFixed(1)} | ${imap.rate.toFixed(1)} | ${(web.rate / imap.rate).toFixed(2)} | ${web.failed}, ${imap.failed} |`)
