import assert from 'node:assert/strict'
import {execFileSync} from 'node:child_process'
import {existsSync, readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {test} from 'node:test'
import {runTool, systemTool, tempDir} from '../helpers/cli.js'

/** A store with a token password and a CA, as most commands here need. */
function storeWithCa(t: {after: (fn: () => void) => void}): {dir: string; pw: string; noise: string; cu: (...args: string[]) => ReturnType<typeof runTool>} {
  const dir = tempDir(t)
  const pw = join(dir, 'pw')
  const noise = join(dir, 'noise')
  writeFileSync(pw, 'batch-secret\n')
  writeFileSync(noise, 'x'.repeat(64))
  const cu = (...args: string[]) => runTool('certutil', [...args, '-d', dir])
  assert.equal(cu('-N', '-f', pw).status, 0)
  const ca = cu('-S', '-n', 'CA', '-s', 'CN=Test CA,O=Example', '-x', '-t', 'CT,C,C', '-z', noise, '-f', pw, '-m', '1', '-k', 'ec')
  assert.equal(ca.status, 0, ca.stderr)
  return {dir, pw, noise, cu}
}

/** Every table's rows: the store's whole content, to prove a failure changed nothing. */
function dump(dir: string): string {
  return execFileSync('python3', ['-c', `import sqlite3,sys
db=sqlite3.connect(sys.argv[1])
for (t,) in db.execute("select name from sqlite_master where type='table' order by name"):
    for r in db.execute(f"select * from {t} order by 1"): print(t, r)`, join(dir, 'msg.db')], {encoding: 'utf8'})
}

test('-B runs every line in one transaction: continuation lines, comments, -o written after commit', (t) => {
  const {dir, pw, noise, cu} = storeWithCa(t)
  const batch = join(dir, 'batch')
  writeFileSync(
    batch,
    `# servers\n-S -n srv1 -s "CN=srv1.example.com,O=Example" -c CA -t u,u,u -z ${noise} -m 2 -k ec \\\n   -o ${join(dir, 'srv1.crt')}\n\n-S -n srv2 -s "CN=srv2.example.com" -c CA -t u,u,u -z ${noise} -m 3 -k ec -d /nonexistent/ignored\n-M -n CA -t C,C,C\n`,
  )
  const r = cu('-B', '-i', batch, '-f', pw)
  assert.equal(r.status, 0, r.stderr)
  const list = cu('-L').stdout
  assert.match(list, /^srv1 +u,u,u$/m)
  assert.match(list, /^srv2 +u,u,u$/m)
  assert.match(list, /^CA +Cu,Cu,Cu$/m)
  // -o inside the batch: the DER of srv1, written once the batch committed.
  const written = readFileSync(join(dir, 'srv1.crt'))
  assert.equal(written.toString('base64'), /-----BEGIN CERTIFICATE-----\n([\s\S]*?)-----END/.exec(cu('-L', '-n', 'srv1', '-a').stdout)![1]!.replace(/\s/g, ''))
  assert.equal(cu('-V', '-n', 'srv2', '-u', 'V').stdout, 'certutil: certificate is valid\n')
})

test('-B with a failing line applies nothing, writes no file and names the line', (t) => {
  const {dir, pw, noise, cu} = storeWithCa(t)
  const before = dump(dir)
  const batch = join(dir, 'batch')
  const out = join(dir, 'srv1.crt')
  writeFileSync(batch, `-S -n srv1 -s "CN=srv1.example.com" -c CA -t u,u,u -z ${noise} -m 2 -k ec -o ${out}\n-M -n nosuch -t C,,\n-S -n srv3 -s "CN=srv3.example.com" -c CA -t u,u,u -z ${noise} -m 4 -k ec\n`)
  const r = cu('-B', '-i', batch, '-f', pw)
  assert.equal(r.status, 255)
  assert.match(r.stderr, /batch line 2 failed: could not find certificate named "nosuch"/)
  assert.match(r.stderr, /nothing in .* was applied/)
  assert.equal(existsSync(out), false, 'no output file from a rolled-back batch')
  assert.equal(dump(dir), before)

  writeFileSync(batch, `-M -n CA -t "C,C,C\n`)
  const q = cu('-B', '-i', batch, '-f', pw)
  assert.equal(q.status, 255)
  assert.match(q.stderr, /Missing closing quote in batch command on line 1/)
  assert.equal(dump(dir), before)

  const missing = cu('-B', '-i', join(dir, 'no-such-file'))
  assert.equal(missing.status, 255)
  assert.match(missing.stderr, /unable to open ".*no-such-file" for reading/)
})

test('-E adds an e-mail certificate and refuses one without an address; -T resets the token only with its password', (t) => {
  if (!systemTool(t, '/usr/bin/openssl')) return
  const {dir, pw, cu} = storeWithCa(t)
  const key = join(dir, 'k.pem')
  execFileSync('openssl', ['genpkey', '-algorithm', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', key], {stdio: 'ignore'})
  const withMail = join(dir, 'mail.pem')
  const noMail = join(dir, 'nomail.pem')
  execFileSync('openssl', ['req', '-x509', '-new', '-key', key, '-subj', '/CN=Alice', '-addext', 'subjectAltName=email:alice@example.com', '-days', '30', '-out', withMail])
  execFileSync('openssl', ['req', '-x509', '-new', '-key', key, '-subj', '/CN=Bob', '-days', '30', '-out', noMail])
  assert.equal(cu('-E', '-n', 'alice', '-t', ',P,', '-i', withMail).status, 0)
  assert.match(cu('-L', '-n', 'alice@example.com').stdout, /Subject: "CN=Alice"/)
  const before = dump(dir)
  const bad = cu('-E', '-n', 'bob', '-t', ',P,', '-i', noMail)
  assert.equal(bad.status, 255)
  assert.equal(bad.stderr.trim().split('\n').length, 1)
  assert.match(bad.stderr, /names no e-mail address/)
  const noTrust = cu('-E', '-n', 'bob', '-i', noMail)
  assert.equal(noTrust.status, 255)
  assert.equal(noTrust.stderr, 'certutil: -E: trust is required for this command (-t).\n')

  const wrong = cu('-T', '-0', 'not-the-password')
  assert.equal(wrong.status, 255)
  assert.match(wrong.stderr, /not reset/)
  assert.equal(cu('-T').status, 255)
  assert.equal(dump(dir), before)
  const ok = cu('-T', '-f', pw)
  assert.equal(ok.status, 0, ok.stderr)
  assert.doesNotMatch(cu('-L').stdout, /CA|alice/)
  assert.match(cu('-K', '-f', pw).stderr, /no token password yet/)
  assert.equal(cu('-N', '--empty-password').status, 0)
})

test('-k reuses a stored key for -R (subject taken from its certificate) and -S', (t) => {
  if (!systemTool(t, '/usr/bin/openssl')) return
  const {dir, pw, noise, cu} = storeWithCa(t)
  assert.equal(cu('-S', '-n', 'srv', '-s', 'CN=srv.example.com,O=Example', '-c', 'CA', '-t', 'u,u,u', '-z', noise, '-f', pw, '-m', '7', '-k', 'ec').status, 0)
  const req = join(dir, 'renew.req')
  const r = cu('-R', '-k', 'srv', '-f', pw, '-o', req, '-a')
  assert.equal(r.status, 0, r.stderr)
  const subject = execFileSync('openssl', ['req', '-in', req, '-noout', '-subject', '-verify'], {encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe']})
  assert.match(subject, /CN ?= ?srv\.example\.com/)
  const reqKey = execFileSync('openssl', ['req', '-in', req, '-noout', '-pubkey'], {encoding: 'utf8'})
  const certPem = cu('-L', '-n', 'srv', '-a').stdout
  const certKey = execFileSync('openssl', ['x509', '-noout', '-pubkey'], {input: certPem, encoding: 'utf8'})
  assert.equal(reqKey, certKey, 'the request carries the existing key')
  const keysBefore = cu('-K', '-f', pw).stdout.trim().split('\n').length
  const renewed = cu('-S', '-n', 'srv-renewed', '-s', 'CN=srv.example.com,O=Example', '-c', 'CA', '-t', 'u,u,u', '-k', 'srv', '-f', pw, '-m', '8')
  assert.equal(renewed.status, 0, renewed.stderr)
  assert.equal(cu('-K', '-f', pw).stdout.trim().split('\n').length, keysBefore, 'no new key was made')
  const unknown = cu('-R', '-k', 'no-such-key', '-s', 'CN=x', '-f', pw)
  assert.equal(unknown.status, 255)
  assert.match(unknown.stderr, /neither a key type/)
})

test('prompts: without a terminal -2 and a missing password fail at once with the flag to use', (t) => {
  const {pw, noise, cu} = storeWithCa(t)
  const two = cu('-S', '-n', 'sub', '-s', 'CN=Sub CA', '-c', 'CA', '-t', 'C,,', '-2', '-z', noise, '-f', pw, '-k', 'ec')
  assert.equal(two.status, 255)
  assert.match(two.stderr, /--basic-constraints/)
  const nopw = cu('-K')
  assert.equal(nopw.status, 255)
  assert.match(nopw.stderr, /give the password file with -f FILE/)
})

/** Reference §1.3: argument errors, checked before any store is opened. */
const ARGUMENT_ERRORS: [string[], string, number][] = [
  [['-A', '-L'], 'certutil: only one command at a time!\nYou entered:  -A -L\n', 255],
  [['-A', '-t', ',,'], 'certutil: -A: nickname is required for this command (-n).\n', 255],
  [['-D'], 'certutil: -D: nickname is required for this command (-n).\n', 255],
  [['-O'], 'certutil: -O: nickname is required for this command (-n).\n', 255],
  [['-M', '-t', 'C,,'], 'certutil: -M: nickname is required for this command (-n).\n', 255],
  [['-V', '-u', 'V'], 'certutil: -V: nickname is required for this command (-n).\n', 255],
  [['-A', '-n', 'x'], 'certutil: -A: trust is required for this command (-t).\n', 255],
  [['-M', '-n', 'x'], 'certutil: -M: trust is required for this command (-t).\n', 255],
  [['-S', '-n', 'x', '-x', '-s', 'CN=x'], 'certutil: -S: trust is required for this command (-t).\n', 255],
  [['-L', '-a'], 'certutil: nickname is required to dump cert in raw or ascii mode.\n', 255],
  [['-L', '-r'], 'certutil: nickname is required to dump cert in raw or ascii mode.\n', 255],
  [['-L', '-n', 'x', '-r', '-a'], 'certutil: cannot specify both -r and -a when dumping cert.\n', 255],
  [['-R'], 'certutil: -R: subject is required to create a cert request.\n', 255],
  [['-S', '-n', 'x', '-t', 'u,u,u', '-x'], 'certutil: -S: subject is required to create a cert request.\n', 255],
  [['-V', '-n', 'x'], 'certutil: -V: specify a usage to validate the cert for (-u).\n', 255],
  [['--rename', '-n', 'x'], 'certutil: --rename: specify an old nickname (-n) and\n   a new nickname (--new-n).\n', 255],
  [['-F'], 'certutil: -F: specify a nickname (-n) or\n   a key ID (-k).\n', 255],
  [['-S', '-n', 'x', '-t', 'u,u,u', '-s', 'CN=x'], 'certutil: -S: must specify issuer (-c) or self-sign (-x).\n', 255],
  [['-D', '-n', 'x', '-h', 'all'], 'certutil: -D: cannot use "-h all" for this command.\n', 255],
  [['-L', '-k', 'all'], 'certutil: -L: cannot use "-k all" for this command.\n', 255],
  [['-G', '-g', '100'], 'certutil: -g:  Keysize must be between 512 and 8192.\n', 255],
  [['-G', '-k', 'ec', '-g', '2048'], 'certutil: -g:  Not for ec keys.\n', 255],
]

test('argument errors of the reference table: NSS message and exit status, before the store is opened', (t) => {
  const home = join(tempDir(t), 'never-created')
  for (const [args, stderr, status] of ARGUMENT_ERRORS) {
    const r = runTool('certutil', [...args, '-d', home])
    assert.equal(r.stderr, stderr, `certutil ${args.join(' ')}`)
    assert.equal(r.status, status, `certutil ${args.join(' ')}`)
  }
  assert.equal(existsSync(home), false, 'no store was created by a bad command line')
  const none = runTool('certutil', ['-d', home])
  assert.equal(none.status, 1, 'no command: usage, exit 1')
  const unknownUsage = storeArgs(t, ['-V', '-n', 'CA', '-u', 'Q'])
  assert.equal(unknownUsage.status, 255)
  assert.match(unknownUsage.stderr, /^certutil: validation failed: SEC_ERROR_INVALID_ARGS/)
})

function storeArgs(t: {after: (fn: () => void) => void}, args: string[]) {
  const {cu} = storeWithCa(t)
  return cu(...args)
}
