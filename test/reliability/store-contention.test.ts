/**
 * Store under contention: fifty CLI writers of every kind run at once
 * against the store a daemon serves from, while the daemon reloads in a
 * loop. The DESIGN promise checked here: many processes may write at once
 * while the daemon reads, nothing is lost, nobody is refused with
 * SQLITE_BUSY, and the file stays sound.
 */
import assert from 'node:assert/strict'
import {spawn} from 'node:child_process'
import {readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {test} from 'node:test'
import Database from 'better-sqlite3'
import {BIN, runTool, tempDir} from '../helpers/cli.js'
import {daemonForTest} from '../helpers/daemon.js'
import {seededRandom} from '../helpers/seeded_random.js'
import {softhsmAvailable, softhsmToken} from '../helpers/softhsm.js'

const SEED = Number(process.env.MSGCTL_RELIABILITY_SEED ?? 20_240_611)

interface Run {
  readonly label: string
  readonly status: number | null
  readonly stdout: string
  readonly stderr: string
  readonly started: number
  readonly ended: number
}

/** Start one of our tools now; resolves when it exits. */
function start(label: string, tool: string, args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<Run> {
  return new Promise((done, fail) => {
    const started = Date.now()
    const child = spawn(join(BIN, tool), args, {env: {...process.env, ...env}, stdio: ['ignore', 'pipe', 'pipe']})
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d) => (stdout += d))
    child.stderr.on('data', (d) => (stderr += d))
    child.on('error', fail)
    child.on('close', (status) => done({label, status, stdout, stderr, started, ended: Date.now()}))
  })
}

function ok(r: {status: number | null; stderr: string}, what: string): void {
  assert.equal(r.status, 0, `${what}: ${r.stderr}`)
}

/** The PEM blocks of `text`, in order. */
function pemBlocks(text: string): string[] {
  return text.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----\n/g) ?? []
}

/** Most processes alive at one moment: shows the writers really overlapped. */
function peakOverlap(runs: readonly Run[]): number {
  const events = runs.flatMap((r) => [[r.started, 1] as const, [r.ended, -1] as const]).sort((a, b) => a[0] - b[0] || a[1] - b[1])
  let alive = 0
  let peak = 0
  for (const [, d] of events) peak = Math.max(peak, (alive += d))
  return peak
}

const N = {config: 14, add: 10, modify: 6, remove: 6, p12: 8, module: 6}

// Property: concurrent writers serialise (BEGIN IMMEDIATE, busy timeout): all succeed, all effects stay.
test('store under contention: 50 concurrent writers while the daemon reloads lose no write, never show SQLITE_BUSY, and leave the store intact', async (t) => {
  t.diagnostic(`seed ${SEED} (set MSGCTL_RELIABILITY_SEED to repeat)`)
  const random = seededRandom(SEED)
  const hsm = softhsmAvailable(t) ? softhsmToken(t, 'RelToken') : null
  const modules = hsm ? N.module : 0

  const {dir} = await daemonForTest(t, 'msgctl-rel-contention-')
  const daemonPid = Number(JSON.parse(runTool('msgctl', ['status', '-d', dir, '--json']).stdout).pid)
  const sslpassword = join(dir, 'sslpassword.conf')
  const work = tempDir(t, 'msgctl-rel-files-')

  // Certificates to import, made once in a scratch store (EC keys: fast). Explicit serials: the
  // default one is time-based and repeats within half a second.
  const scratch = join(work, 'scratch')
  ok(runTool('certutil', ['-N', '-d', scratch, '--empty-password']), 'certutil -N')
  const names = {
    add: Array.from({length: N.add}, (_, i) => `rel-add-${i}`),
    modify: Array.from({length: N.modify}, (_, i) => `rel-modify-${i}`),
    remove: Array.from({length: N.remove}, (_, i) => `rel-remove-${i}`),
    p12: Array.from({length: N.p12}, (_, i) => `rel-p12-${i}`),
  }
  const leaves = [...names.add, ...names.modify, ...names.remove, ...names.p12]
  const makeBatch = join(work, 'make.txt')
  writeFileSync(
    makeBatch,
    [`-S -n "Rel CA" -x -t "CT,," -s "CN=Reliability CA" -k ec -m 1 --basic-constraints ca -z /etc/passwd`, ...leaves.map((n, i) => `-S -n ${n} -c "Rel CA" -t ",," -s "CN=${n}.example.com" -k ec -m ${i + 2}`)].join('\n') + '\n',
  )
  ok(runTool('certutil', ['-B', '-i', makeBatch, '-d', scratch]), 'certutil -B (make)')
  const exportBatch = join(work, 'export.txt')
  const pemNames = [...names.add, ...names.modify, ...names.remove]
  writeFileSync(exportBatch, pemNames.map((n) => `-L -n ${n} -a`).join('\n') + '\n')
  const exported = runTool('certutil', ['-B', '-i', exportBatch, '-d', scratch])
  ok(exported, 'certutil -B (-L -a)')
  const pems = pemBlocks(exported.stdout)
  assert.equal(pems.length, pemNames.length)
  const pemFile = new Map(pemNames.map((n) => [n, join(work, `${n}.pem`)] as const))
  pemNames.forEach((n, i) => writeFileSync(pemFile.get(n)!, pems[i]!))
  // Cheap PBKDF2 (the default 600000 rounds would make this test about CPU, not the store).
  const p12File = (n: string) => join(work, `${n}.p12`)
  for (const r of await Promise.all(names.p12.map((n) => start(n, 'pk12util', ['-o', p12File(n), '-n', n, '-d', scratch, '-W', 'p12-pw', '--iterations', '1000'])))) ok(r, `pk12util -o ${r.label}`)

  // Certificates for -M and -D to find: already in the daemon's store before the run.
  const preload = join(work, 'preload.txt')
  writeFileSync(preload, [...names.modify, ...names.remove].map((n) => `-A -n ${n} -t ",," -a -i ${pemFile.get(n)}`).join('\n') + '\n')
  ok(runTool('certutil', ['-B', '-i', preload, '-d', dir]), 'certutil -B (preload)')

  // The fifty writers, in a seeded order so each kind meets every other.
  const writers: [label: string, tool: string, args: string[], env?: NodeJS.ProcessEnv][] = [
    ...Array.from({length: N.config + N.module - modules}, (_, i): [string, string, string[]] => [`config ${i}`, 'configutil', ['-f', dir, '-o', `site.rel.k${i}`, '-v', `value ${i} of the contention test`]]),
    ...names.add.map((n): [string, string, string[]] => [`add ${n}`, 'certutil', ['-A', '-d', dir, '-n', n, '-t', 'P,,', '-a', '-i', pemFile.get(n)!]]),
    ...names.modify.map((n): [string, string, string[]] => [`modify ${n}`, 'certutil', ['-M', '-d', dir, '-n', n, '-t', 'C,C,']]),
    ...names.remove.map((n): [string, string, string[]] => [`delete ${n}`, 'certutil', ['-D', '-d', dir, '-n', n]]),
    ...names.p12.map((n): [string, string, string[]] => [`import ${n}`, 'pk12util', ['-i', p12File(n), '-d', dir, '-k', sslpassword, '-W', 'p12-pw']]),
    ...Array.from({length: modules}, (_, i): [string, string, string[], NodeJS.ProcessEnv] => [`module ${i}`, 'modutil', ['-add', `rel-mod-${i}`, '-libfile', hsm!.library, '-dbdir', dir, '-force'], hsm!.env]),
  ]
  assert.equal(writers.length, 50)
  for (let i = writers.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1))
    ;[writers[i], writers[j]] = [writers[j]!, writers[i]!]
  }

  // The daemon reloads every ~200 ms for as long as the writers run: SIGHUP (cheap, so many
  // reloads overlap the writes) and, in a loop of its own, msgctl reload (whose user would see an error).
  const logStart = readFileSync(join(dir, 'msgctl.log'), 'utf8').length
  const reloads: Run[] = []
  let storm = true
  let hangups = 0
  const hangingUp = (async () => {
    while (storm) {
      process.kill(daemonPid, 'SIGHUP')
      hangups++
      await new Promise((r) => setTimeout(r, 150 + random() * 100))
    }
  })()
  const reloading = (async () => {
    while (storm) reloads.push(await start('reload', 'msgctl', ['reload', '-d', dir]))
  })()
  const runs = await Promise.all(writers.map(([label, tool, args, env]) => start(label, tool, args, env)))
  storm = false
  await Promise.all([hangingUp, reloading])
  // Let the last SIGHUP reload finish before the final one.
  await new Promise((r) => setTimeout(r, 1000))
  const last = await start('reload', 'msgctl', ['reload', '-d', dir])
  const span = Math.max(...runs.map((r) => r.ended)) - Math.min(...runs.map((r) => r.started))
  const log = readFileSync(join(dir, 'msgctl.log'), 'utf8').slice(logStart)
  const served = [...log.matchAll(/reloaded: snapshot (\d+)/g)].map((m) => Number(m[1]))
  t.diagnostic(`writers: ${runs.length} in ${span} ms, at most ${peakOverlap(runs)} at once; ${hangups} SIGHUPs and ${reloads.length} msgctl reloads meanwhile, ${served.length} reloads logged${hsm ? '' : ' (no SoftHSM: configutil writers instead of modutil)'}`)

  // Every writer succeeded, and no one was told the store was busy.
  for (const r of [...runs, ...reloads, last]) {
    assert.equal(r.status, 0, `${r.label} exited ${r.status}: ${r.stderr}`)
    assert.doesNotMatch(r.stderr, /busy|locked/i, `${r.label} saw a locked store`)
  }
  assert.ok(peakOverlap(runs) >= 25, 'the writers ran at the same time')
  assert.ok(reloads.length >= 1 && served.length >= 5, 'the daemon reloaded while the writers ran')
  assert.doesNotMatch(log, /refused|busy|locked|error/i, 'no reload failed')
  // A reload that began earlier must not finish later and put an older state back.
  served.forEach((g, i) => assert.ok(i === 0 || g >= served[i - 1]!, `snapshot ${g} was served after snapshot ${served[i - 1]}`))

  // Every writer's effect is there, with its value.
  const settings = JSON.parse(runTool('configutil', ['-f', dir, '-p', 'site.rel.', '--json']).stdout) as {name: string; value: string}[]
  const settingCount = N.config + N.module - modules
  assert.deepEqual(
    settings.map((s) => [s.name, s.value]).sort(),
    Array.from({length: settingCount}, (_, i) => [`site.rel.k${i}`, `value ${i} of the contention test`]).sort(),
  )
  const certs = new Map((JSON.parse(runTool('certutil', ['-L', '-d', dir, '--json']).stdout) as {nickname: string; trust: string; hasPrivateKey: boolean}[]).map((c) => [c.nickname, c]))
  for (const n of names.add) assert.equal(certs.get(n)?.trust, 'P,,', `certutil -A ${n}`)
  for (const n of names.modify) assert.equal(certs.get(n)?.trust, 'C,C,', `certutil -M ${n}`)
  for (const n of names.remove) assert.equal(certs.has(n), false, `certutil -D ${n}`)
  for (const n of names.p12) assert.equal(certs.get(n)?.hasPrivateKey, true, `pk12util -i ${n}: certificate and key`)
  assert.ok(certs.has('Rel CA'), 'the chain of the PKCS #12 files')
  if (hsm) {
    const raw = runTool('modutil', ['-rawlist', '-dbdir', dir], {env: hsm.env}).stdout
    for (let i = 0; i < modules; i++) assert.equal(raw.split(`name="rel-mod-${i}"`).length - 1, 1, `modutil -add rel-mod-${i}`)
  }

  // The file is sound, and the daemon is still the same process, serving what was written.
  const db = new Database(join(dir, 'msg.db'), {readonly: true})
  try {
    assert.equal(db.pragma('integrity_check', {simple: true}), 'ok')
    assert.deepEqual(db.pragma('foreign_key_check'), [])
    const generation = Number((db.prepare(`SELECT value FROM store_meta WHERE key = 'generation'`).get() as {value: string}).value)
    assert.match(last.stdout, new RegExp(`^reloaded: snapshot ${generation}\\n$`), 'the last reload took the final state')
  } finally {
    db.close()
  }
  const status = runTool('msgctl', ['status', '-d', dir, '--json'])
  ok(status, 'msgctl status')
  assert.equal(JSON.parse(status.stdout).pid, daemonPid, 'the daemon that started is the one still running')
})
