#!/usr/bin/env node
/**
 * Long fuzz runs: the suite of test/reliability/fuzz again and again, each
 * time with a fresh random seed and many runs per property, for N minutes.
 * CI runs the same files with a fixed seed and a small count; this is where
 * the rarer inputs turn up.
 *
 *   npm run build
 *   node bench/fuzz-long.mjs [minutes=10] [runs=2000] [file-filter]
 *
 * Prints each seed as it starts and, for a failing round, the failing tests
 * with fast-check's counterexample lines; the whole output of a failing
 * round is kept in a file. Replay one with
 *   MSGCTL_FUZZ_SEED=<seed> MSGCTL_FUZZ_RUNS=<runs> node --test build/test/reliability/fuzz/
 * Exits 1 when any round failed.
 */
import {spawn} from 'node:child_process'
import {existsSync, readdirSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join, resolve} from 'node:path'

const root = resolve(new URL('..', import.meta.url).pathname)
const dir = join(root, 'build', 'test', 'reliability', 'fuzz')
const minutes = Number(process.argv[2] ?? 10)
const runs = Number(process.argv[3] ?? 2000)
const filter = process.argv[4] ?? ''
if (!(minutes > 0) || !(runs > 0)) {
  console.error('usage: node bench/fuzz-long.mjs [minutes=10] [runs=2000] [file-filter]')
  process.exit(2)
}
if (!existsSync(dir)) {
  console.error(`${dir} is missing: run "npm run build" first`)
  process.exit(2)
}
const files = readdirSync(dir).filter((f) => f.endsWith('.test.js') && f.includes(filter)).map((f) => join(dir, f))
if (files.length === 0) {
  console.error(`no fuzz test file matches "${filter}"`)
  process.exit(2)
}

const deadline = Date.now() + minutes * 60_000
/** Lines worth showing from a failing round: the failures themselves and what fast-check and the checks say about them. */
const INTERESTING = /^\s*not ok |Counterexample|Got (Assertion)?Error|^\s+input:|^\s+output:|fuzz watchdog|seed: -?\d+, path|bad answers|is gone/

/** The interesting lines of real failures: what follows a "not ok ... # TODO" (a known, reported defect) is left out. */
function failureLines(output) {
  const out = []
  let todo = false
  for (const line of output.split('\n')) {
    if (/^\s*(not )?ok \d+/.test(line)) todo = /# TODO/.test(line)
    if (!todo && INTERESTING.test(line)) out.push(line)
  }
  return out
}

function round(seed) {
  return new Promise((done) => {
    const started = Date.now()
    const child = spawn(process.execPath, ['--test', ...files], {cwd: root, env: {...process.env, MSGCTL_FUZZ_SEED: String(seed), MSGCTL_FUZZ_RUNS: String(runs)}})
    let output = ''
    child.stdout.on('data', (d) => (output += d))
    child.stderr.on('data', (d) => (output += d))
    // A round may overrun the deadline by a little, not for ever (the watchdog in the suite ends real hangs).
    const limit = setTimeout(() => child.kill('SIGKILL'), Math.max(deadline - Date.now(), 0) + 10 * 60_000)
    child.on('close', (code, signal) => {
      clearTimeout(limit)
      done({seed, ok: code === 0, code, signal, output, seconds: (Date.now() - started) / 1000})
    })
  })
}

let rounds = 0
const failures = []
console.log(`fuzz-long: ${files.length} files, ${runs} runs per property (scaled per test), for ${minutes} min`)
while (Date.now() < deadline) {
  const seed = Math.floor(Math.random() * 0x7fffffff)
  process.stdout.write(`seed ${seed} ... `)
  const r = await round(seed)
  rounds++
  if (r.ok) {
    console.log(`ok (${r.seconds.toFixed(0)} s)`)
    continue
  }
  const log = join(tmpdir(), `msgctl-fuzz-long-${seed}.log`)
  writeFileSync(log, r.output)
  console.log(`FAILED (${r.signal ?? `exit ${r.code}`}, ${r.seconds.toFixed(0)} s); full output in ${log}`)
  for (const line of failureLines(r.output).slice(0, 30)) console.log(`  ${line.slice(0, 400)}`)
  failures.push(seed)
}
console.log(`fuzz-long: ${rounds} rounds, ${failures.length} failed${failures.length > 0 ? `: seeds ${failures.join(' ')} (MSGCTL_FUZZ_RUNS=${runs})` : ''}`)
process.exit(failures.length > 0 ? 1 : 0)
