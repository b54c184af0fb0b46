#!/usr/bin/env node
// Start-up cost of the tools: the median wall time of `configutil -o NAME`
// against bare `node -e 0`, measured alternately in one run so that machine
// load affects both alike. Target (issue 2): ratio <= 2.5.
//   node bench/configutil-startup.mjs [rounds]
import {spawnSync} from 'node:child_process'
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

const rounds = Number(process.argv[2] ?? 40)
const root = new URL('..', import.meta.url).pathname
const home = mkdtempSync(join(tmpdir(), 'msgctl-bench-'))
const env = {...process.env, MSGCTL_HOME: home}

const time = (cmd, args) => {
  const t0 = process.hrtime.bigint()
  const r = spawnSync(cmd, args, {env, encoding: 'utf8'})
  const ms = Number(process.hrtime.bigint() - t0) / 1e6
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr}`)
  return ms
}
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b)
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2
}

const configutil = join(root, 'bin', 'configutil')
time(configutil, ['-o', 'service.imap.port', '-v', '143']) // create the store first
for (let i = 0; i < 3; i++) { time(process.execPath, ['-e', '0']); time(configutil, ['-o', 'service.imap.port']) } // warm caches

const node = []
const ours = []
for (let i = 0; i < rounds; i++) {
  node.push(time(process.execPath, ['-e', '0']))
  ours.push(time(configutil, ['-o', 'service.imap.port']))
}
rmSync(home, {recursive: true, force: true})
const mn = median(node)
const mo = median(ours)
console.log(`rounds:                         ${rounds}`)
console.log(`node -e 0            median ms: ${mn.toFixed(1)}`)
console.log(`configutil -o NAME   median ms: ${mo.toFixed(1)}`)
console.log(`ratio configutil/node:          ${(mo / mn).toFixed(2)} (target <= 2.5)`)
