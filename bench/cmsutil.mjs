#!/usr/bin/env node
// NSS cmsutil 3.87 against ours: sign (-S, attached) and verify (-D -n) a
// 1 MiB and a 256 MiB file with an RSA-2048 signer, both tools in one run so
// machine load affects both alike. Prints seconds, the ratio ours/NSS and our
// peak RSS (from /usr/bin/time). Targets: ratio <= 1.0 at 256 MiB, RSS < 150 MiB.
//   node bench/cmsutil.mjs [sizesMiB...]   (default: 1 256)
import {execFileSync, spawnSync} from 'node:child_process'
import {createWriteStream, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {randomBytes} from 'node:crypto'
import {once} from 'node:events'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

const sizes = process.argv.length > 2 ? process.argv.slice(2).map(Number) : [1, 256]
const root = new URL('..', import.meta.url).pathname
const ours = join(root, 'bin', 'cmsutil')
const scratch = mkdtempSync(join(tmpdir(), 'msgctl-bench-cms-'))
process.on('exit', () => rmSync(scratch, {recursive: true, force: true}))

const run = (bin, args) => execFileSync(bin, args, {stdio: ['ignore', 'pipe', 'pipe']})

// Our store: a CA and a signer; NSS's database gets the same key and certificates.
const db = join(scratch, 'db')
const cert = (args) => run(join(root, 'bin', 'certutil'), [...args, '-d', db])
cert(['-N', '--empty-password'])
cert(['-S', '-n', 'CA', '-s', 'CN=Bench CA', '-x', '-t', 'CT,C,C', '-m', '1'])
cert(['-S', '-n', 'Signer', '-s', 'CN=Signer,E=signer@example.com', '-c', 'CA', '-t', 'u,u,u', '-m', '2'])
const {Store, locateStore} = await import(join(root, 'build/src/core/store/index.js'))
const {findCertificates, loadPrivateKey, unlockToken} = await import(join(root, 'build/src/core/certdb/index.js'))
const store = Store.open(locateStore(db))
const pem = (nick) => findCertificates(store, nick)[0].certificate.toPem()
writeFileSync(join(scratch, 'ca.pem'), pem('CA'))
writeFileSync(join(scratch, 'signer.pem'), pem('Signer') + loadPrivateKey(store, unlockToken(store, ''), findCertificates(store, 'Signer')[0].certificate.keyId).export({format: 'pem', type: 'pkcs8'}))
store.close()
const nssDb = join(scratch, 'nss')
run('mkdir', [nssDb])
run('/usr/bin/certutil', ['-N', '-d', `sql:${nssDb}`, '--empty-password'])
run('/usr/bin/certutil', ['-A', '-d', `sql:${nssDb}`, '-n', 'CA', '-t', 'CT,C,C', '-i', join(scratch, 'ca.pem')])
run('openssl', ['pkcs12', '-export', '-in', join(scratch, 'signer.pem'), '-name', 'Signer', '-out', join(scratch, 's.p12'), '-passout', 'pass:pw'])
run('/usr/bin/pk12util', ['-i', join(scratch, 's.p12'), '-d', `sql:${nssDb}`, '-W', 'pw', '-K', ''])

/** Seconds and peak RSS (KiB) of one command, via GNU time. */
function timed(bin, args) {
  const start = process.hrtime.bigint()
  const r = spawnSync('/usr/bin/time', ['-f', '%M', bin, ...args], {encoding: 'utf8', maxBuffer: 1 << 20})
  const seconds = Number(process.hrtime.bigint() - start) / 1e9
  if (r.status !== 0) throw new Error(`${bin} ${args.join(' ')}: ${r.stderr}`)
  const lines = r.stderr.trim().split('\n')
  return {seconds, rssKiB: Number(lines[lines.length - 1])}
}

const rows = []
for (const mib of sizes) {
  const input = join(scratch, `in-${mib}.bin`)
  const ws = createWriteStream(input)
  const block = randomBytes(1 << 20)
  for (let i = 0; i < mib; i++) if (!ws.write(block)) await once(ws, 'drain')
  ws.end()
  await once(ws, 'finish')
  const tools = [
    {name: 'NSS', bin: '/usr/bin/cmsutil', d: `sql:${nssDb}`},
    {name: 'ours', bin: ours, d: db},
  ]
  const result = {}
  for (const t of tools) {
    const signed = join(scratch, `${t.name}-${mib}.p7m`)
    const sign = timed(t.bin, ['-S', '-N', 'Signer', '-d', t.d, '-i', input, '-o', signed])
    const verify = timed(t.bin, ['-D', '-n', '-d', t.d, '-i', signed])
    result[t.name] = {sign, verify}
    rmSync(signed)
  }
  rmSync(input)
  rows.push({mib, ...result})
}

const f = (n) => n.toFixed(3).padStart(8)
console.log(`${'size'.padEnd(8)} ${'step'.padEnd(7)} ${'NSS s'.padStart(8)} ${'ours s'.padStart(8)} ${'ratio'.padStart(7)} ${'NSS MiB'.padStart(8)} ${'our MiB'.padStart(8)}`)
let worstRss = 0
for (const r of rows) {
  for (const step of ['sign', 'verify']) {
    const n = r.NSS[step]
    const o = r.ours[step]
    worstRss = Math.max(worstRss, o.rssKiB)
    console.log(`${(r.mib + ' MiB').padEnd(8)} ${step.padEnd(7)} ${f(n.seconds)} ${f(o.seconds)} ${(o.seconds / n.seconds).toFixed(2).padStart(7)} ${(n.rssKiB / 1024).toFixed(0).padStart(8)} ${(o.rssKiB / 1024).toFixed(0).padStart(8)}`)
  }
}
console.log(`our peak RSS: ${(worstRss / 1024).toFixed(1)} MiB (target < 150)`)
