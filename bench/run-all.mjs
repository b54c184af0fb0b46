// Every benchmark of the project against its anchor, one after another in
// one run, and bench/RESULTS.md written from their output: the machine, the
// date, a summary of ratios, and each benchmark's own report.
//
//   npm run bench                 (node bench/run-all.mjs [--quick])
//
// --quick shortens the timed steps (for a smoke run; RESULTS.md says so).
// Needs a built tree and, for the anchors: NSS tools (libnss3-tools),
// Dovecot (dovecot-imapd, dovecot-ldap), slapd, SoftHSM2 and the OpenSSL
// PKCS #11 engine; run as root (Dovecot). A benchmark that fails is
// reported as failed, with its output, and the others still run.
import {spawn, spawnSync} from 'node:child_process'
import {existsSync, readFileSync, writeFileSync} from 'node:fs'
import {cpus, totalmem} from 'node:os'
import {join} from 'node:path'

const ROOT = new URL('..', import.meta.url).pathname
const quick = process.argv.includes('--quick')

/** name, script and arguments, what it is measured against, and how to pull its headline ratios from the output. */
const BENCHES = [
  {name: 'configutil start-up', script: 'configutil-startup.mjs', args: quick ? ['5'] : [], anchor: 'bare `node -e 0`', ratios: (o) => grab(o, /ratio configutil\/node:\s+([\d.]+)/g, 'configutil/node')},
  {name: 'certutil operations', script: 'certutil.mjs', args: quick ? ['1'] : [], anchor: 'NSS certutil', ratios: (o) => tableRatios(o, /^(.+?)\s+\|\s+[\d.]+\s+\|\s+[\d.]+\s+\|\s+([\d.]+)/gm, 'ours/NSS')},
  {name: 'cmsutil sign and verify', script: 'cmsutil.mjs', args: quick ? ['1'] : [], anchor: 'NSS cmsutil', ratios: (o) => tableRatios(o, /^(\d+ MiB\s+\w+)\s+[\d.]+\s+[\d.]+\s+([\d.]+)/gm, 'ours/NSS s')},
  {name: 'ssltap throughput', script: 'ssltap.mjs', args: quick ? ['50'] : [], anchor: 'a direct connection (and NSS ssltap)', ratios: (o) => tableRatios(o, /^\s+ssltap (\(raw\)|-s)\s.*?ratio ([\d.]+)/gm, 'ssltap/direct')},
  {name: 'IMAPS logins and idle connections', script: 'imap-login.mjs', args: quick ? ['3', '1000'] : [], anchor: 'Dovecot', ratios: imapRatios},
  {name: 'IMAPS logins, users in LDAP', script: 'imap-login.mjs', args: [quick ? '3' : '10', '0', '--ldap'], anchor: 'Dovecot on the same slapd', ratios: imapRatios},
  {name: 'IMAPS logins, server key on a PKCS #11 token', script: 'imap-login.mjs', args: [quick ? '3' : '10', '0', '--token'], anchor: 'msgctl with the key in its store', ratios: imapRatios},
  {name: 'web mail login+inbox over HTTPS', script: 'http-login.mjs', args: quick ? ['3'] : [], anchor: 'the same daemon\'s IMAPS logins', ratios: (o) => tableRatios(o, /^\| (\d+) \| [\d.]+ \| [\d.]+ \| ([\d.]+) \|/gm, 'HTTPS/IMAPS', 'concurrency ')},
  {name: 'front-end proxy TLS logins', script: 'proxy-login.mjs', args: quick ? ['3'] : [], anchor: 'one daemon alone', optional: true, ratios: (o) => tableRatios(o, /^((?:IMAPS|SMTPS)[^|]*?)\s+\|[^|]+\|[^|]+\|\s+([\d.]+)/gm, 'proxy/alone')},
]

function grab(output, re, label) {
  return [...output.matchAll(re)].map((m) => `${label} ${m[1]}`)
}

function tableRatios(output, re, label, prefix = '') {
  return [...output.matchAll(re)].map((m) => `${prefix}${m[1].trim()}: ${label} ${m[2]}`)
}

function imapRatios(output) {
  return [...output.matchAll(/^((?:logins\/s|idle TLS|RSS)[^|]*?)\s+\|[^|]+\|[^|]+\|\s+([\d.]+)/gm)].map((m) => `${m[1].trim()}: ${m[2]}`)
}

function version(cmd, args, re = /(.*)/) {
  const r = spawnSync(cmd, args, {encoding: 'utf8'})
  if (r.error) return 'not installed'
  return (re.exec(`${r.stdout}\n${r.stderr}`)?.[1] ?? '?').trim()
}

function dpkgVersion(pkg) {
  return version('dpkg-query', ['-W', '-f', '${Version}', pkg], /^(\S+)/)
}

function run(bench) {
  return new Promise((resolve) => {
    const started = Date.now()
    process.stderr.write(`\n=== ${bench.name} (node bench/${bench.script} ${bench.args.join(' ')})\n`)
    const child = spawn(process.execPath, [join(ROOT, 'bench', bench.script), ...bench.args], {cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe']})
    let out = ''
    child.stdout.on('data', (d) => {
      out += d
      process.stderr.write(d)
    })
    child.stderr.on('data', (d) => process.stderr.write(d))
    child.on('close', (code) => resolve({...bench, code, seconds: (Date.now() - started) / 1000, output: out.trim()}))
  })
}

const results = []
for (const bench of BENCHES) {
  if (!existsSync(join(ROOT, 'bench', bench.script))) {
    if (!bench.optional) results.push({...bench, code: null, seconds: 0, output: 'script missing'})
    continue
  }
  results.push(await run(bench))
}

const machine = [
  `- date: ${new Date().toISOString()}${quick ? ' (--quick: shortened steps, not for comparison)' : ''}`,
  `- machine: ${cpus()[0]?.model ?? '?'}, ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB; ${version('uname', ['-sr'])}`,
  `- Node.js ${process.version}, OpenSSL ${process.versions.openssl} (in Node); system OpenSSL ${version('openssl', ['version'], /OpenSSL (\S+)/)}`,
  `- anchors: NSS ${dpkgVersion('libnss3')} (libnss3-tools ${dpkgVersion('libnss3-tools')}), Dovecot ${dpkgVersion('dovecot-imapd')}, slapd ${dpkgVersion('slapd')}, SoftHSM2 ${dpkgVersion('softhsm2')}`,
]
const summary = results.map((r) => {
  const status = r.code === 0 ? 'ok' : r.code === null ? 'missing' : `failed (exit ${r.code})`
  const ratios = r.code === 0 ? r.ratios(r.output) : []
  return `| ${r.name} | ${r.anchor} | ${status} | ${r.seconds.toFixed(0)} | ${ratios.join('<br>') || '-'} |`
})
const sections = results.map((r) => `## ${r.name}\n\n\`node bench/${r.script} ${r.args.join(' ')}\`, against ${r.anchor}; ${r.seconds.toFixed(0)} s, exit ${r.code}.\n\n\`\`\`\n${r.output}\n\`\`\`\n`)
const md = [
  '# Benchmark results',
  '',
  'Written by `npm run bench` (bench/run-all.mjs): every benchmark against its anchor in one run on one machine. Ratios are ours/anchor for times and rates as each benchmark defines them (each section says which way is better).',
  '',
  ...machine,
  '',
  '| benchmark | anchor | status | seconds | ratios |',
  '|---|---|---|---|---|',
  ...summary,
  '',
  ...sections,
].join('\n')
writeFileSync(join(ROOT, 'bench', 'RESULTS.md'), md)
process.stderr.write(`\nwrote bench/RESULTS.md (${results.filter((r) => r.code === 0).length}/${results.length} benchmarks ok)\n`)
process.exitCode = results.every((r) => r.code === 0) ? 0 : 1
