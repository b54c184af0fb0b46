import assert from 'node:assert/strict'
import {spawn} from 'node:child_process'
import {readFileSync, statSync, writeFileSync} from 'node:fs'
import {join, resolve} from 'node:path'
import {test} from 'node:test'
import Database from 'better-sqlite3'
import {BIN, ROOT, runTool, runToolAsync, tempDir} from '../helpers/cli.js'

const SEED = resolve(ROOT, '..', 'shared', 'seed', 'messaging-server-security-chapter.txt')

/** Concrete values for the placeholders the seed writes in its command lines. */
const PLACEHOLDER: Record<string, string> = {
  value: '1',
  tokenname: 'Internal (Software) Token',
  certname: 'Server-Cert',
  cipherlist: 'TLS_AES_128_GCM_SHA256,ECDHE-RSA-AES256-GCM-SHA384',
  filter: 'pop, imap, http: .europe.siroe.com .newyork.siroe.com',
}
const BOOL_NORMAL: Record<string, string> = {on: 'yes', off: 'no', '1': 'yes', '0': 'no'}

/** Every configutil line of the seed, expanded into runnable argument lists. */
function seedCommandLines(): {line: string; args: string[]}[] {
  const lines = readFileSync(SEED, 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.startsWith('configutil '))
  const out: {line: string; args: string[]}[] = []
  for (const line of lines) {
    const words = line.split(/\s+/).slice(1)
    // `-v [ on | off ]` offers alternatives; `service.service.x` means each service.
    const alt = words.indexOf('[')
    const valueSets = alt >= 0 ? words.slice(alt + 1, words.indexOf(']')).filter((w) => w !== '|').map((v) => [...words.slice(0, alt), v]) : [words]
    for (const w of valueSets) {
      const services = w[1]!.startsWith('service.service.') ? ['imap', 'pop', 'http'] : [null]
      for (const svc of services) {
        const args = w.map((x, i) => (i === 1 && svc ? x.replace('service.service.', `service.${svc}.`) : i === 3 ? (PLACEHOLDER[x] ?? x) : x))
        out.push({line, args})
      }
    }
  }
  return out
}

test('every configutil command line printed in the seed runs against a fresh store and reads back', (t) => {
  const home = tempDir(t)
  const cmds = seedCommandLines()
  assert.equal(new Set(cmds.map((c) => c.line)).size, 10, 'the seed prints ten configutil command lines')
  // The prose asks for these three too (LDAP over SSL).
  cmds.push({line: 'prose', args: ['-o', 'local.service.pab.ldapport', '-v', '636']}, {line: 'prose', args: ['-o', 'local.ugldapport', '-v', '636']}, {line: 'prose', args: ['-o', 'local.ugldapusessl', '-v', '1']})
  for (const {line, args} of cmds) {
    const set = runTool('configutil', args, {home})
    assert.equal(set.status, 0, `${line} -> ${args.join(' ')}: ${set.stderr}`)
    assert.equal(set.stderr, '')
    const got = runTool('configutil', ['-o', args[1]!], {home})
    assert.equal(got.status, 0, got.stderr)
    const expected = BOOL_NORMAL[args[3]!] ?? args[3]
    assert.equal(got.stdout, `${expected}\n`, `${args.join(' ')} reads back`)
  }
  const mode = statSync(join(home, 'msg.db')).mode & 0o777
  assert.equal(mode, 0o600)
  assert.equal(statSync(home).mode & 0o777, 0o700)
})

test('refused values exit non-zero with one line and leave the store unchanged', (t) => {
  const home = tempDir(t)
  assert.equal(runTool('configutil', ['-o', 'service.imap.plaintextmincipher', '-v', '1'], {home}).status, 0)
  assert.equal(runTool('configutil', ['-o', 'service.imap.domainallowed', '-v', 'imap: .siroe.com'], {home}).status, 0)
  const before = runTool('configutil', ['-e', '-'], {home}).stdout
  const dbBefore = dump(join(home, 'msg.db'))
  const bad: [string[], RegExp][] = [
    [['-o', 'service.imap.plaintextmincipher', '-v', 'abc'], /plaintextmincipher: "abc" is not a whole number/],
    [['-o', 'nsserversecurity', '-v', 'maybe'], /nsserversecurity: "maybe" is not a boolean; use yes or no/],
    [['-o', 'service.imap.domainallowed', '-v', 'imap: ALL EXCEPT'], /domainallowed: filter syntax error: .*column 11/],
    [['-o', 'no.such.param', '-v', '1'], /unknown parameter "no.such.param"/],
    [['-o', 'service.imap.prot', '-v', '143'], /did you mean "service.imap.port"/],
    [['-o', 'service.imap.port', '-v', '70000'], /70000 is out of range/],
    [['-o', 'service.imap.port', '-v', ''], /use -d to return it to its default/],
  ]
  for (const [args, message] of bad) {
    const r = runTool('configutil', args, {home})
    assert.equal(r.status, 1, `${args.join(' ')}: ${r.stderr}`)
    assert.equal(r.stdout, '')
    assert.match(r.stderr, /^configutil: [^\n]+\n$/, 'exactly one line on stderr')
    assert.match(r.stderr, message)
  }
  const importFile = join(home, 'bad-import.txt')
  writeFileSync(importFile, 'service.imap.idletimeout=30\nservice.pop.port=110\nservice.imap.enable=perhaps\nservice.http.port=8080\n')
  const imp = runTool('configutil', ['-i', importFile], {home})
  assert.equal(imp.status, 1)
  assert.match(imp.stderr, /^configutil: .*bad-import\.txt line 3: service\.imap\.enable: "perhaps" is not a boolean.*nothing was imported\n$/)
  assert.equal(runTool('configutil', ['-e', '-'], {home}).stdout, before)
  assert.deepEqual(dump(join(home, 'msg.db')), dbBefore)
})

test('usage errors name the option and exit 2', (t) => {
  const home = tempDir(t)
  for (const [args, message] of [
    [['-x'], /unknown option -x/],
    [['-o'], /option -o needs a value/],
    [['-v', '1'], /-v needs -o NAME/],
    [['-o', 'a', '-p', 'b'], /only one of/],
    [['stray'], /unexpected argument "stray"/],
  ] as [string[], RegExp][]) {
    const r = runTool('configutil', args, {home})
    assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`)
    assert.match(r.stderr, /^configutil: [^\n]+\n$/)
    assert.match(r.stderr, message)
  }
})

test('listing, prefix, refreshable marks, delete, clear, language variants and JSON', (t) => {
  const home = tempDir(t)
  const c = (...args: string[]) => runTool('configutil', args, {home})
  assert.equal(c('-o', 'service.pop.banner', '-v', 'POP ready').status, 0)
  assert.equal(c('-o', 'service.pop.banner;lang-jp', '-v', 'POP jp').status, 0)
  assert.equal(c('-o', 'service.pop.idletimeout', '-v', '15').status, 0)
  assert.equal(c('-o', 'local.ugldapbindcred', '-v', 's3cret pass').status, 0)
  assert.equal(c().stdout, 'local.ugldapbindcred = ********\nservice.pop.banner = "POP ready"\nservice.pop.banner;lang-jp = "POP jp"\nservice.pop.idletimeout = 15\n')
  assert.equal(c('-o', 'local.ugldapbindcred').stdout, 's3cret pass\n', 'a script can still read a secret with -o')
  const listed = c('-m', '-p', 'service.pop.')
  assert.match(listed.stdout, /^service\.pop\.banner = "POP ready" \[REFRESHABLE\]$/m)
  assert.match(listed.stdout, /^service\.pop\.enable = yes \[NOT REFRESHABLE\]$/m)
  assert.match(listed.stdout, /^service\.pop\.idletimeout = 15 \[REFRESHABLE\]$/m)
  assert.match(listed.stdout, /^service\.pop\.maxsessions = 600 \[NOT REFRESHABLE\]$/m)
  assert.equal(c('-o', 'service.pop.banner;lang-de').stdout, 'POP ready\n', 'an unset language variant falls back to the base value')
  assert.equal(c('-o', 'service.pop.idletimeout', '-d').status, 0)
  assert.equal(c('-o', 'service.pop.idletimeout').stdout, '10\n')
  assert.equal(c('-o', 'service.pop.banner', '-v', '').status, 0)
  assert.equal(c('-o', 'service.pop.banner').stdout, '\n')
  const json = JSON.parse(c('--json', '-o', 'service.pop.banner;lang-jp').stdout) as {name: string; value: string; set: boolean}
  assert.deepEqual([json.name, json.value, json.set], ['service.pop.banner;lang-jp', 'POP jp', true])
  const list = JSON.parse(c('--json', '-p', 'service.imap.port').stdout) as {name: string; value: string}[]
  assert.deepEqual(list.map((s) => [s.name, s.value]), [['service.imap.port', '143']])
  assert.equal(c('-o', 'SERVICE.IMAP.PORT', '-v', '1143').status, 0, 'names are case-insensitive')
  assert.equal(c('-o', 'service.imap.port').stdout, '1143\n')
  assert.equal(c('-o', 'site.backup.host', '-v', 'backup1').status, 0, 'site.* names are free for the site')
  assert.equal(c('-o', 'site.backup.host').stdout, 'backup1\n')
})

test('-H describes parameters and -V validates the whole configuration', (t) => {
  const home = tempDir(t)
  const c = (...args: string[]) => runTool('configutil', args, {home})
  const h = c('-H', '-o', 'service.imap.plaintextmincipher')
  assert.equal(h.status, 0)
  assert.match(h.stdout, /^service\.imap\.plaintextmincipher\n  description: .+\n  type: +integer \(-1\.\.\d+\)\n  default: +0\n  refreshable: yes\n$/)
  assert.ok(c('-H').stdout.split('\n\n').length > 50, 'every parameter is described')
  assert.equal(c('-V').status, 0)
  assert.equal(c('-o', 'service.pop.port', '-v', '143').status, 0)
  const v = c('-V')
  assert.equal(v.status, 1)
  assert.match(v.stdout, /service\.pop\.port: port 143 is also used by service\.imap\.port/)
  const vj = JSON.parse(c('-V', '--json').stdout) as {valid: boolean; problems: unknown[]}
  assert.equal(vj.valid, false)
  assert.equal(vj.problems.length, 1)
})

test('export and import round-trip every value, line breaks and edge spaces included', (t) => {
  const a = tempDir(t)
  const b = tempDir(t)
  const filter = 'imap: .siroe.com EXCEPT externalserver.siroe.com\npop: ALL'
  assert.equal(runTool('configutil', ['-o', 'service.imap.domainallowed', '-v', filter], {home: a}).status, 0)
  assert.equal(runTool('configutil', ['-o', 'site.padded', '-v', '  two spaces  '], {home: a}).status, 0)
  assert.equal(runTool('configutil', ['-o', 'service.imap.banner', '-v', '"quoted" banner'], {home: a}).status, 0)
  const file = join(a, 'export.txt')
  assert.equal(runTool('configutil', ['-e', file], {home: a}).status, 0)
  assert.equal(statSync(file).mode & 0o777, 0o600)
  assert.equal(runTool('configutil', ['-i', file], {home: b}).status, 0)
  assert.equal(runTool('configutil', ['-e', '-'], {home: b}).stdout, readFileSync(file, 'utf8'))
  assert.equal(runTool('configutil', ['-o', 'service.imap.domainallowed'], {home: b}).stdout, `${filter}\n`)
  assert.equal(runTool('configutil', ['-o', 'site.padded'], {home: b}).stdout, '  two spaces  \n')
  // The 4.x form reads the import from stdin.
  const c = tempDir(t)
  assert.equal(runTool('configutil', ['-i'], {home: c, input: 'service.imap.idletimeout=45\n'}).status, 0)
  assert.equal(runTool('configutil', ['-o', 'service.imap.idletimeout'], {home: c}).stdout, '45\n')
})

test('20 processes started together each set a different parameter; all 20 are present', async (t) => {
  const home = tempDir(t)
  const runs = Array.from({length: 20}, (_, i) => runToolAsync('configutil', ['-o', `site.concurrent.p${i}`, '-v', `v${i}`], {home}))
  const results = await Promise.all(runs)
  for (const r of results) assert.equal(r.status, 0, r.stderr)
  const listed = runTool('configutil', ['-p', 'site.concurrent.'], {home}).stdout
  for (let i = 0; i < 20; i++) assert.match(listed, new RegExp(`^site\\.concurrent\\.p${i} = v${i}$`, 'm'))
  const db = new Database(join(home, 'msg.db'), {readonly: true})
  assert.equal(db.pragma('integrity_check', {simple: true}), 'ok')
  db.close()
})

test('configutil -i of 10,000 lines killed part-way leaves all or none of them', async (t) => {
  const home = tempDir(t)
  const file = join(home, 'bulk.txt')
  writeFileSync(file, Array.from({length: 10_000}, (_, i) => `site.bulk.k${i}=value ${i}\n`).join(''))
  let killedMidway = 0
  for (let attempt = 0; attempt < 5; attempt++) {
    const outcome = await new Promise<{signal: NodeJS.Signals | null; sawProgress: boolean}>((done) => {
      const child = spawn(join(BIN, 'configutil'), ['-i', file, '--verbose'], {env: {...process.env, MSGCTL_HOME: home}, stdio: ['ignore', 'ignore', 'pipe']})
      let sawProgress = false
      child.stderr.on('data', (d: Buffer) => {
        // Progress lines are written inside the import transaction.
        if (!sawProgress && /imported 5000 of 10000/.test(d.toString())) {
          sawProgress = true
          child.kill('SIGKILL')
        }
      })
      child.on('close', (_code, signal) => done({signal, sawProgress}))
    })
    const count = (JSON.parse(runTool('configutil', ['--json', '-p', 'site.bulk.'], {home}).stdout) as unknown[]).length
    assert.ok(count === 0 || count === 10_000, `attempt ${attempt}: ${count} rows is neither all nor none`)
    if (outcome.signal === 'SIGKILL' && outcome.sawProgress) {
      killedMidway++
      assert.equal(count, 0, 'a kill inside the transaction leaves none')
    }
    if (count === 10_000) runTool('configutil', ['-i', '/dev/null'], {home})
  }
  assert.ok(killedMidway > 0, 'at least one import was killed inside its transaction')
  const db = new Database(join(home, 'msg.db'), {readonly: true})
  assert.equal(db.pragma('integrity_check', {simple: true}), 'ok')
  db.close()
})

test('missing, corrupt, foreign and newer stores get one clear line, never a stack trace', (t) => {
  const dir = tempDir(t)
  const missing = runTool('configutil', ['-f', join(dir, 'nowhere', 'msg.db'), '-o', 'service.imap.port'])
  assert.equal(missing.status, 1)
  assert.match(missing.stderr, /^configutil: no msgctl store at .*nowhere.*\n$/)

  const corrupt = join(dir, 'corrupt.db')
  writeFileSync(corrupt, 'this is not a database'.repeat(300))
  const c = runTool('configutil', ['-f', corrupt])
  assert.equal(c.status, 1)
  assert.match(c.stderr, /^configutil: .*corrupt\.db is corrupt or not a database; restore it from a backup or move it away\n$/)

  const foreign = join(dir, 'foreign.db')
  const f = new Database(foreign)
  f.exec('CREATE TABLE t (x)')
  f.close()
  assert.match(runTool('configutil', ['-f', foreign]).stderr, /^configutil: .*foreign\.db is not a msgctl store/)

  const home = tempDir(t)
  assert.equal(runTool('configutil', ['-o', 'site.x', '-v', '1'], {home}).status, 0)
  const db = new Database(join(home, 'msg.db'))
  db.pragma('user_version = 999')
  db.close()
  const newer = runTool('configutil', ['-o', 'site.x'], {home})
  assert.equal(newer.status, 1)
  assert.match(newer.stderr, /^configutil: .*written by a newer msgctl \(schema 999; this version knows up to \d+\); upgrade msgctl to use it\n$/)
})

test('an empty msg.db file (an older, unversioned store) is migrated on open', (t) => {
  const home = tempDir(t)
  writeFileSync(join(home, 'msg.db'), '')
  assert.equal(runTool('configutil', ['-o', 'site.y', '-v', 'z'], {home}).status, 0)
  const db = new Database(join(home, 'msg.db'), {readonly: true})
  assert.ok((db.pragma('user_version', {simple: true}) as number) >= 1)
  assert.equal(db.pragma('journal_mode', {simple: true}), 'wal')
  db.close()
})

test('a tool that is not built yet says so in one line and exits 2; msgctl reaches the tools', (t) => {
  const home = tempDir(t)
  const built = Object.keys((JSON.parse(readFileSync(join(ROOT, 'oclif.manifest.json'), 'utf8')) as {commands: object}).commands)
  for (const tool of ['certutil', 'modutil', 'pk12util', 'cmsutil', 'ssltap'].filter((x) => !built.includes(x))) {
    const r = runTool(tool, ['-L'], {home})
    assert.equal(r.status, 2, tool)
    assert.match(r.stderr, new RegExp(`^${tool}: not built yet[^\\n]*\\n$`))
  }
  assert.equal(runTool('msgctl', ['configutil', '-o', 'site.via', '-v', 'msgctl'], {home}).status, 0)
  assert.equal(runTool('configutil', ['-o', 'site.via'], {home}).stdout, 'msgctl\n')
  const help = runTool('configutil', ['--help'], {home})
  assert.equal(help.status, 0)
  assert.match(help.stdout, /-o, --option=NAME/)
  assert.match(help.stdout, /EXAMPLES/)
})

/** Every row of every table, to compare a store's content before and after. */
function dump(file: string): unknown {
  const db = new Database(file, {readonly: true})
  const tables = (db.prepare(`SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name`).all() as {name: string}[]).map((r) => r.name)
  const out = Object.fromEntries(tables.map((n) => [n, db.prepare(`SELECT * FROM "${n}"`).all()]))
  db.close()
  return out
}
