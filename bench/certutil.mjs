#!/usr/bin/env node
// NSS certutil 3.87 against ours on one workload, step by step, in one run so
// that machine load affects both alike. Each step runs for both tools in turn
// (the order alternates per round) on stores of their own; the table shows the
// median per step and the ratio ours/NSS. Target: non-start-up steps <= 1.5.
//   node bench/certutil.mjs [rounds]
// Exit status: 0 report printed; 1 some command failed (each is printed).
import {spawn, spawnSync} from 'node:child_process'
import {existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {availableParallelism, tmpdir} from 'node:os'
import {join} from 'node:path'

const rounds = Number(process.argv[2] ?? 1)
const root = new URL('..', import.meta.url).pathname
const SERVERS = 20
const IMPORTS = 500
const SINGLE_SERVERS = 20
const SINGLE_IMPORTS = 50
const SINGLE_LISTS = 50

const tools = [
  {name: 'NSS', bin: '/usr/bin/certutil'},
  {name: 'ours', bin: join(root, 'bin', 'certutil')},
]

const scratch = mkdtempSync(join(tmpdir(), 'msgctl-bench-certutil-'))
const pwfile = join(scratch, 'pw')
const noise = join(scratch, 'noise')
writeFileSync(pwfile, 'bench-password\n')
writeFileSync(noise, spawnSync('openssl', ['rand', '2048']).stdout)

// --- the certificates to import ---------------------------------------------
// Made once and kept: 500 openssl calls cost ~10 s, which would swamp the run.
// One shared leaf key and an outside CA keep generation cheap; subjects and
// serials differ, so every certificate is distinct to both databases.
const certDir = '/tmp/msgctl-bench-certs'
const certPath = (i) => join(certDir, `cert-${i}.der`)
const ensureCerts = () => {
  const marker = join(certDir, 'complete')
  if (existsSync(marker) && Number(readFileSync(marker, 'utf8')) >= IMPORTS) return
  mkdirSync(certDir, {recursive: true})
  const ossl = (args) => {
    const r = spawnSync('openssl', args, {encoding: 'utf8'})
    if (r.status !== 0) throw new Error(`openssl ${args.join(' ')} failed: ${r.stderr}`)
  }
  const caKey = join(certDir, 'ca-key.pem')
  const caCert = join(certDir, 'ca.pem')
  const leafKey = join(certDir, 'leaf-key.pem')
  ossl(['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', caKey])
  ossl(['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', leafKey])
  ossl(['req', '-x509', '-new', '-key', caKey, '-subj', '/CN=Bench Import CA/O=Bench', '-days', '3650', '-out', caCert])
  process.stderr.write(`generating ${IMPORTS} certificates in ${certDir} (once) ...\n`)
  for (let i = 1; i <= IMPORTS; i++) {
    ossl(['req', '-new', '-key', leafKey, '-subj', `/CN=import${i}.example.com/O=Bench Import`,
      '-CA', caCert, '-CAkey', caKey, '-set_serial', String(i), '-days', '3650',
      '-outform', 'DER', '-out', certPath(i)])
  }
  writeFileSync(marker, String(IMPORTS))
}
ensureCerts()

// --- running commands --------------------------------------------------------
const failures = []
const NOT_BUILT = Symbol('not built')

// Double quotes group words, in a batch file as in the printed commands.
const quote = (args) => args.map((a) => (/[\s"]/.test(a) ? JSON.stringify(a) : a)).join(' ')
const show = (bin, args) => quote([bin, ...args])

const run = (tool, args) => {
  const t0 = process.hrtime.bigint()
  const r = spawnSync(tool.bin, args, {encoding: 'utf8', maxBuffer: 64 << 20})
  const ms = Number(process.hrtime.bigint() - t0) / 1e6
  return {ms, status: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? String(r.error ?? '')}
}
const fail = (tool, args, r, why = `exit ${r.status}`) => {
  failures.push(`${tool.name}: ${show(tool.bin, args)}\n  ${why}\n  ${r.stderr.trim().split('\n').join('\n  ')}`)
}
// One or more commands as one timed step; null when one of them failed.
const timed = (tool, commands) => {
  let ms = 0
  for (const args of commands) {
    const r = run(tool, args)
    ms += r.ms
    if (r.status !== 0) { fail(tool, args, r); return null }
  }
  return ms
}
// A -B run; ours answers "not built yet" (exit 2) until -B lands.
const batch = (tool, dir, lines) => {
  const file = join(scratch, `batch-${tool.name}-${Math.random().toString(36).slice(2)}`)
  writeFileSync(file, lines.map(quote).join('\n') + '\n')
  const args = ['-B', '-i', file, '-d', `sql:${dir}`, '-f', pwfile]
  const r = run(tool, args)
  if (tool.name === 'ours' && r.status === 2 && /not built yet/.test(r.stderr)) return NOT_BUILT
  if (r.status !== 0) { fail(tool, args, r); return null }
  return r.ms
}
// Untimed stand-in for a batch ours cannot run yet, so the later steps see a
// store of the same size. Parallel, since the store takes concurrent writers.
const populate = async (tool, dir, lines) => {
  let next = 0
  const worker = async () => {
    while (next < lines.length) {
      const args = [...lines[next++], '-d', `sql:${dir}`]
      const r = await new Promise((resolve) => {
        const p = spawn(tool.bin, args, {stdio: ['ignore', 'ignore', 'pipe']})
        let stderr = ''
        p.stderr.on('data', (d) => { stderr += d })
        p.on('close', (status) => resolve({status, stderr}))
      })
      if (r.status !== 0) fail(tool, args, r, `exit ${r.status} (populating in place of -B)`)
    }
  }
  await Promise.all(Array.from({length: availableParallelism()}, worker))
}

const lineCount = (text) => text.split('\n').length - (text.endsWith('\n') ? 1 : 0)
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b)
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2
}

// --- the workload --------------------------------------------------------------
const serverLine = (i, serial) => ['-S', '-n', `server-${i}`, '-s', `CN=host${i}.example.com`, '-c', 'CA',
  '-t', 'u,u,u', '-k', 'rsa', '-g', '2048', '-z', noise, '-m', String(serial), '-f', pwfile]
const importLine = (i) => ['-A', '-n', `imported-${i}`, '-t', ',,', '-i', certPath(i), '-f', pwfile]
const caArgs = (dir) => ['-S', '-x', '-n', 'CA', '-s', 'CN=Bench CA,O=Bench', '-t', 'CT,C,C', '-k', 'rsa',
  '-g', '2048', '-z', noise, '-f', pwfile, '-d', `sql:${dir}`]
const range = (n) => Array.from({length: n}, (_, k) => k + 1)

// id, label, whether start-up dominates (many processes, or one doing almost nothing)
const steps = [
  ['0', 'start-up: -L on an empty store', true],
  ['1', '-N create store', true],
  ['2', '-S -x self-signed CA, RSA-2048', false],
  ['3', `-B ${SERVERS} x -S RSA-2048 signed by CA`, false],
  ['3b', `${SINGLE_SERVERS} separate -S processes`, true],
  ['4', `-B ${IMPORTS} x -A DER certificate`, false],
  ['4b', `${SINGLE_IMPORTS} separate -A processes`, true],
  ['5', `-L over ${1 + SERVERS + IMPORTS} certificates`, false],
  ['6a', '-V -n server-1 -u V', true],
  ['6b', '-V -n CA -u L', true],
  ['7', `${SINGLE_LISTS} separate -L -n imported-N`, true],
]
const results = Object.fromEntries(steps.map(([id]) => [id, Object.fromEntries(tools.map((t) => [t.name, []]))]))
const record = (id, tool, ms) => results[id][tool.name].push(ms)
const listings = {}

for (let round = 0; round < rounds; round++) {
  const order = round % 2 ? [...tools].reverse() : tools
  const each = async (fn) => { for (const tool of order) await fn(tool) }
  // main store for steps 1-7, side store for the one-process-per-item variants
  const dirs = Object.fromEntries(tools.map((t) => [t.name, {
    main: mkdtempSync(join(scratch, `${t.name}-main-`)),
    side: mkdtempSync(join(scratch, `${t.name}-side-`)),
  }]))

  await each((t) => record('1', t, timed(t, [['-N', '-d', `sql:${dirs[t.name].main}`, '-f', pwfile]])))
  await each((t) => {
    const ms = range(5).map(() => timed(t, [['-L', '-d', `sql:${dirs[t.name].main}`]]))
    record('0', t, ms.includes(null) ? null : median(ms))
  })
  await each((t) => record('2', t, timed(t, [caArgs(dirs[t.name].main)])))

  const servers = range(SERVERS).map((i) => serverLine(i, 1000 + i))
  await each(async (t) => {
    const ms = batch(t, dirs[t.name].main, servers)
    record('3', t, ms)
    if (ms === NOT_BUILT) await populate(t, dirs[t.name].main, servers)
  })

  // untimed set-up of the side store, then one process per certificate
  await each((t) => {
    const side = dirs[t.name].side
    timed(t, [['-N', '-d', `sql:${side}`, '-f', pwfile], caArgs(side)])
    record('3b', t, timed(t, range(SINGLE_SERVERS).map((i) => [...serverLine(i, 1000 + i), '-d', `sql:${side}`])))
  })

  const imports = range(IMPORTS).map(importLine)
  await each(async (t) => {
    const ms = batch(t, dirs[t.name].main, imports)
    record('4', t, ms)
    if (ms === NOT_BUILT) await populate(t, dirs[t.name].main, imports)
  })
  await each((t) => record('4b', t,
    timed(t, range(SINGLE_IMPORTS).map((i) => [...importLine(i), '-d', `sql:${dirs[t.name].side}`]))))

  delete listings.NSS
  delete listings.ours
  await each((t) => {
    const args = ['-L', '-d', `sql:${dirs[t.name].main}`]
    const r = run(t, args)
    if (r.status !== 0) { fail(t, args, r); record('5', t, null); return }
    record('5', t, r.ms)
    listings[t.name] = lineCount(r.stdout)
  })
  if (listings.NSS !== listings.ours) {
    failures.push(`-L line counts differ (round ${round + 1}): NSS ${listings.NSS}, ours ${listings.ours}`)
  }

  await each((t) => record('6a', t, timed(t, [['-V', '-n', 'server-1', '-u', 'V', '-d', `sql:${dirs[t.name].main}`]])))
  await each((t) => record('6b', t, timed(t, [['-V', '-n', 'CA', '-u', 'L', '-d', `sql:${dirs[t.name].main}`]])))
  await each((t) => record('7', t,
    timed(t, range(SINGLE_LISTS).map((i) => ['-L', '-n', `imported-${i}`, '-d', `sql:${dirs[t.name].main}`]))))

  for (const d of Object.values(dirs)) { rmSync(d.main, {recursive: true}); rmSync(d.side, {recursive: true}) }
}
rmSync(scratch, {recursive: true, force: true})

// --- report --------------------------------------------------------------------
// A step counts only when every round gave a time; n/a = ours has no -B yet.
const summary = (xs) => {
  if (xs.includes(NOT_BUILT)) return 'n/a'
  if (xs.length === 0 || xs.includes(null)) return 'FAIL'
  return median(xs)
}
const fmt = (v) => (typeof v === 'number' ? v.toFixed(1) : v)
const rows = steps.map(([id, label, startup]) => {
  const nss = summary(results[id].NSS)
  const ours = summary(results[id].ours)
  const ratio = typeof nss === 'number' && typeof ours === 'number' ? ours / nss : null
  return {id, label: `${id.padEnd(3)} ${label}${startup ? ' *' : ''}`, nss, ours, ratio, startup}
})
const w = Math.max(...rows.map((r) => r.label.length))
console.log(`rounds: ${rounds} (medians); -L lines: NSS ${listings.NSS ?? '?'}, ours ${listings.ours ?? '?'}`)
console.log(`${'step'.padEnd(w)} | ${'NSS ms'.padStart(9)} | ${'ours ms'.padStart(9)} | ours/NSS`)
console.log(`${'-'.repeat(w)}-+-${'-'.repeat(9)}-+-${'-'.repeat(9)}-+---------`)
for (const r of rows) {
  const over = r.ratio !== null && !r.startup && r.ratio > 1.5 ? '  over target' : ''
  console.log(`${r.label.padEnd(w)} | ${fmt(r.nss).padStart(9)} | ${fmt(r.ours).padStart(9)} | ${r.ratio === null ? '-' : r.ratio.toFixed(2)}${over}`)
}
console.log(`* start-up dominated (${rows.filter((r) => r.startup).map((r) => r.id).join(', ')}): ` +
  'one process per item, or one process doing almost nothing; row 0 is the per-process floor.')
console.log(`target ours/NSS <= 1.5 for ${rows.filter((r) => !r.startup).map((r) => r.id).join(', ')}`)

if (failures.length) {
  console.log(`\n${failures.length} failure(s):`)
  for (const f of failures) console.log(`- ${f}`)
  process.exit(1)
}
