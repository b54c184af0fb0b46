import assert from 'node:assert/strict'
import {execFileSync} from 'node:child_process'
import {randomBytes} from 'node:crypto'
import {readFileSync, writeFileSync} from 'node:fs'
import {join, resolve} from 'node:path'
import {test} from 'node:test'
import {ROOT, runTool, systemTool, tempDir} from '../helpers/cli.js'

const SEED = resolve(ROOT, '..', 'shared', 'seed', 'messaging-server-security-chapter.txt')

/** The seed's numbered steps 3-7 of "To Create Self-signed Certificates", joined into command lines. */
function seedCertutilSteps(): string[][] {
  const text = readFileSync(SEED, 'utf8')
  const start = text.indexOf('ProcedureTo Create Self-signed Certificates')
  const section = text.slice(start, text.indexOf('  8. Use modutil', start))
  const commands: string[] = []
  for (const line of section.split('\n')) {
    const t = line.trim()
    const m = /^(?:#\s*)?\.\.?\/certutil\s+(.*)$/.exec(t)
    if (m) commands.push(m[1]!)
    else if (commands.length > 0 && t.startsWith('-') && !/^\d\./.test(t)) commands[commands.length - 1] += ' ' + t
  }
  // Shell-style words: the seed quotes its trust and subject strings.
  return commands.map((c) => [...c.matchAll(/"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2]!))
}

test('the seed self-signed procedure runs verbatim (paths changed) and openssl verifies the result', (t) => {
  const dir = tempDir(t)
  const config = join(dir, 'config')
  // Step 2: echo "password" > /opt/SUNWmsgsr/config/sslpassword
  execFileSync('mkdir', ['-p', config])
  writeFileSync(join(config, 'sslpassword'), 'password\n')
  const steps = seedCertutilSteps()
  assert.equal(steps.length, 7, 'steps 3-7 print seven certutil command lines')
  for (const words of steps) {
    const args = words.map((w) => w.replace('/opt/SUNWmsgsr/config', config).replace('hostname.sesta.com', 'mail.sesta.com'))
    const r = runTool('certutil', args)
    assert.equal(r.status, 0, `certutil ${args.join(' ')}: ${r.stderr}`)
    if (args.includes('-V')) assert.equal(r.stdout, 'certutil: certificate is valid\n')
  }
  const ca = join(config, 'SampleRootCA.crt')
  const server = join(config, 'SampleSSLServer.crt')
  const toPem = (f: string) => {
    const out = f + '.pem'
    execFileSync('openssl', ['x509', '-inform', 'DER', '-in', f, '-out', out])
    return out
  }
  const verified = execFileSync('openssl', ['verify', '-CAfile', toPem(ca), toPem(server)], {encoding: 'utf8'})
  assert.match(verified, /: OK\n$/)
  const text = execFileSync('openssl', ['x509', '-in', server + '.pem', '-noout', '-text'], {encoding: 'utf8'})
  assert.match(text, /DNS:mail\.sesta\.com/, 'a host-name CN is copied into the SAN')
  const caText = execFileSync('openssl', ['x509', '-in', ca + '.pem', '-noout', '-text'], {encoding: 'utf8'})
  assert.match(caText, /X509v3 Basic Constraints: critical\n\s+CA:TRUE/)
  assert.equal(runTool('certutil', ['-O', '-n', 'Server-Cert', '-d', config]).stdout, '"SampleRootCA" [CN=My Sample Root CA,O=sesta.com]\n\n  "Server-Cert" [CN=mail.sesta.com,O=sesta.com]\n\n')
  const list = runTool('certutil', ['-L', '-d', config])
  assert.equal(list.stdout, `\n${'Certificate Nickname'.padEnd(60)} Trust Attributes\n${''.padEnd(60)} SSL,S/MIME,JAR/XPI\n\n${'SampleRootCA'.padEnd(60)} CTu,Cu,Cu\n${'Server-Cert'.padEnd(60)} u,u,u\n`)
})

test('bad input: one line, the classic status, and the store unchanged', (t) => {
  const dir = tempDir(t)
  assert.equal(runTool('certutil', ['-N', '-d', dir, '--empty-password']).status, 0)
  const before = runTool('certutil', ['-L', '-d', dir]).stdout
  const garbage = join(dir, 'garbage.der')
  writeFileSync(garbage, Buffer.from('30820102deadbeef', 'hex'))
  const cases: [string[], number, RegExp][] = [
    [['-L', '-A', '-d', dir], 255, /only one command at a time/],
    [['-S', '-d', dir, '-t', 'u,u,u', '-x', '-s', 'CN=x'], 255, /nickname is required/],
    [['-S', '-d', dir, '-n', 'a', '-t', 'u,u,u', '-s', 'CN=x'], 255, /must specify issuer \(-c\) or self-sign \(-x\)/],
    [['-S', '-d', dir, '-n', 'a', '-t', 'u,u,u', '-x', '-s', 'not a dn'], 255, /improperly formatted name/],
    [['-S', '-d', dir, '-n', 'a', '-t', 'Q,,', '-x', '-s', 'CN=x'], 1, /unable to decode trust string/],
    [['-S', '-d', dir, '-n', 'a', '-t', ',,', '-c', 'nosuch', '-s', 'CN=x', '-k', 'ec'], 255, /could not find certificate named "nosuch"/],
    [['-A', '-d', dir, '-n', 'g', '-t', ',,', '-i', garbage], 255, /certificate/],
    [['-V', '-d', dir, '-n', 'nosuch', '-u', 'V'], 255, /could not find certificate named "nosuch"/],
    [['-L', '-Q', '-d', dir], 1, /unknown option -Q/],
  ]
  for (const [args, status, message] of cases) {
    const r = runTool('certutil', args)
    assert.equal(r.status, status, `${args.join(' ')}: ${r.stderr}`)
    assert.match(r.stderr, message)
    assert.equal(r.stderr.trimEnd().split('\n').length <= 2, true, 'one line (two for NSS\'s "You entered")')
  }
  assert.equal(runTool('certutil', ['-L', '-d', dir]).stdout, before)
})

test('interop: NSS certutil accepts what ours makes, and ours accepts what NSS and openssl make', (t) => {
  if (!systemTool(t, '/usr/bin/certutil')) return
  const ours = tempDir(t)
  const nss = tempDir(t)
  const noise = join(nss, 'noise')
  writeFileSync(noise, randomBytes(64))
  const nssCertutil = (args: string[]) => execFileSync('/usr/bin/certutil', [...args, '-d', `sql:${nss}`], {encoding: 'utf8', input: '', timeout: 60_000})
  nssCertutil(['-N', '--empty-password'])
  assert.equal(runTool('certutil', ['-N', '-d', ours, '--empty-password']).status, 0)
  assert.equal(runTool('certutil', ['-S', '-d', ours, '-n', 'ca', '-x', '-t', 'CTu,CTu,CTu', '-s', 'CN=Our CA,O=Example,C=US', '-k', 'ec', '-m', '1']).status, 0)
  assert.equal(runTool('certutil', ['-S', '-d', ours, '-n', 'srv', '-c', 'ca', '-t', 'u,u,u', '-s', 'CN=mail.example.com', '-m', '2', '--extKeyUsage', 'serverAuth']).status, 0)
  const caDer = join(ours, 'ca.der')
  writeFileSync(caDer, runToolRaw('certutil', ['-L', '-d', ours, '-n', 'ca', '-r']))
  const srvPem = join(ours, 'srv.pem')
  writeFileSync(srvPem, runTool('certutil', ['-L', '-d', ours, '-n', 'srv', '-a']).stdout)
  nssCertutil(['-A', '-n', 'ca', '-t', 'CT,C,C', '-i', caDer])
  nssCertutil(['-A', '-n', 'srv', '-t', ',,', '-a', '-i', srvPem])
  assert.equal(nssCertutil(['-V', '-n', 'srv', '-u', 'V']), 'certutil: certificate is valid\n')

  // The other way: NSS's and openssl's certificates validate the same in ours.
  nssCertutil(['-S', '-n', 'nssca', '-x', '-t', 'CT,C,C', '-s', 'CN=NSS CA,O=Example,C=US', '-z', noise, '--keyUsage', 'certSigning,crlSigning', '-2', '-m', '10'].filter((a) => a !== '-2'))
  nssCertutil(['-S', '-n', 'nsssrv', '-c', 'nssca', '-t', ',,', '-s', 'CN=nss.example.com', '-z', noise, '-8', 'nss.example.com', '--extKeyUsage', 'serverAuth', '--keyUsage', 'digitalSignature,keyEncipherment', '-m', '11'])
  const other = tempDir(t)
  assert.equal(runTool('certutil', ['-N', '-d', other, '--empty-password']).status, 0)
  for (const [nick, trust] of [['nssca', 'CT,C,C'], ['nsssrv', ',,']] as const) {
    const f = join(other, `${nick}.der`)
    writeFileSync(f, execFileSync('/usr/bin/certutil', ['-L', '-n', nick, '-r', '-d', `sql:${nss}`]))
    const r = runTool('certutil', ['-A', '-d', other, '-n', nick, '-t', trust, '-i', f])
    assert.equal(r.status, 0, r.stderr)
  }
  // -L -n prints the same bytes as NSS for the same certificate and trust
  // (NSS holds the keys, so its "User" lines are taken out).
  for (const nick of ['nssca', 'nsssrv']) {
    const theirs = nssCertutil(['-L', '-n', nick]).replace(/^ {12}User\n/gm, '')
    assert.equal(runTool('certutil', ['-L', '-d', other, '-n', nick]).stdout, theirs, `-L -n ${nick}`)
  }
  const ourVerdict = runTool('certutil', ['-V', '-d', other, '-n', 'nsssrv', '-u', 'V'])
  const nssVerdict = nssCertutil(['-V', '-n', 'nsssrv', '-u', 'V'])
  assert.equal(ourVerdict.stdout, nssVerdict)

  const key = join(other, 'o.key')
  const crt = join(other, 'o.pem')
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', key, '-out', crt, '-subj', '/CN=openssl.example.com', '-days', '30'], {stdio: 'ignore'})
  const add = runTool('certutil', ['-A', '-d', other, '-n', 'ossl', '-t', 'P,,', '-a', '-i', crt])
  assert.equal(add.status, 0, add.stderr)
  assert.equal(runTool('certutil', ['-V', '-d', other, '-n', 'ossl', '-u', 'V']).stdout, 'certutil: certificate is valid\n')
})

/** Binary stdout (for -r). */
function runToolRaw(tool: string, args: string[]): Buffer {
  return execFileSync(join(ROOT, 'bin', tool), args, {input: ''})
}

test('-R requests pass openssl req -verify and NSS -C; -C issues for openssl requests; -G -F -W manage keys', (t) => {
  if (!systemTool(t, '/usr/bin/certutil')) return
  const dir = tempDir(t)
  const pw = join(dir, 'pw')
  const pw2 = join(dir, 'pw2')
  writeFileSync(pw, 'first\n')
  writeFileSync(pw2, 'NSS Certificate DB:second\n')
  const c = (...args: string[]) => runTool('certutil', [...args, '-d', dir])
  assert.equal(c('-N', '-f', pw).status, 0)
  assert.equal(c('-S', '-n', 'ca', '-x', '-t', 'CT,C,C', '-s', 'CN=Req CA', '-f', pw, '-k', 'ec').status, 0)
  const reqFile = join(dir, 'req.pem')
  const r = c('-R', '-s', 'CN=req.example.com,O=Example Corp,C=US', '-a', '-o', reqFile, '-f', pw, '-k', 'ec', '-8', 'req.example.com')
  assert.equal(r.status, 0, r.stderr)
  assert.match(readFileSync(reqFile, 'utf8'), /^\nCertificate request generated by Netscape certutil\nPhone: \(not specified\)\n\nCommon Name: req\.example\.com\n.*-----BEGIN NEW CERTIFICATE REQUEST-----/s)
  execFileSync('openssl', ['req', '-in', reqFile, '-noout', '-verify'], {stdio: 'ignore'}) // throws on a bad request
  const nss = tempDir(t)
  const noise = join(nss, 'noise')
  writeFileSync(noise, randomBytes(64))
  execFileSync('/usr/bin/certutil', ['-N', '-d', `sql:${nss}`, '--empty-password'])
  execFileSync('/usr/bin/certutil', ['-S', '-n', 'nssca', '-x', '-t', 'CT,C,C', '-s', 'CN=NSS CA', '-z', noise, '--keyUsage', 'certSigning,crlSigning', '-d', `sql:${nss}`], {input: ''})
  const issued = join(nss, 'issued.der')
  execFileSync('/usr/bin/certutil', ['-C', '-c', 'nssca', '-a', '-i', reqFile, '-o', issued, '-d', `sql:${nss}`, '-m', '77'], {input: ''})
  assert.match(readFileSync(issued, 'utf8'), /-----BEGIN CERTIFICATE-----/)

  // Ours issues for an openssl request; openssl verifies the chain.
  const okey = join(dir, 'o.key')
  const oreq = join(dir, 'o.csr')
  execFileSync('openssl', ['req', '-new', '-newkey', 'rsa:2048', '-nodes', '-keyout', okey, '-out', oreq, '-subj', '/CN=ossl.example.com'], {stdio: 'ignore'})
  const ocrt = join(dir, 'o.pem')
  const issue = c('-C', '-c', 'ca', '-a', '-i', oreq, '-o', ocrt, '-f', pw, '-m', '9')
  assert.equal(issue.status, 0, issue.stderr)
  const caPem = join(dir, 'ca.pem')
  writeFileSync(caPem, c('-L', '-n', 'ca', '-a').stdout)
  assert.match(execFileSync('openssl', ['verify', '-CAfile', caPem, ocrt], {encoding: 'utf8'}), /: OK\n$/)

  assert.equal(c('-G', '-k', 'ec', '-f', pw).status, 0)
  assert.match(c('-K', '-f', pw).stdout, /\(orphan\)/)
  const w = c('-W', '-f', pw, '-@', pw2)
  assert.equal(w.stdout, 'Password changed successfully.\n', w.stderr)
  assert.equal(c('-K', '-f', pw).status, 255, 'the old password no longer works')
  assert.match(c('-K', '-f', pw).stderr, /Incorrect password/)
  assert.equal(c('-K', '-f', pw2).status, 0)
  // --dump-ext-val writes the raw extension value: here the SAN asked for with -8 on -C.
  assert.equal(c('-C', '-c', 'ca', '-i', oreq, '-o', join(dir, 'o2.der'), '-f', pw2, '-m', '10', '-8', 'ossl.example.com').status, 0)
  assert.equal(c('-A', '-n', 'ossl', '-t', ',,', '-i', join(dir, 'o2.der')).status, 0)
  const san = runToolRaw('certutil', ['-L', '-n', 'ossl', '--dump-ext-val', '2.5.29.17', '-d', dir])
  assert.deepEqual(san, Buffer.concat([Buffer.from('30128210', 'hex'), Buffer.from('ossl.example.com')]))
  assert.equal(c('--rename', '-n', 'ossl', '--new-n', 'ossl2').status, 0)
  assert.equal(c('-L', '-n', 'ossl').status, 255)
  assert.equal(c('-L', '-n', 'ossl2', '-r').status, 0)
  assert.match(c('--rename', '-n', 'ossl2').stderr, /--rename: specify an old nickname \(-n\) and/)
  // -N on an initialised store with -@ changes the password, as -W does.
  const n = c('-N', '-f', pw2, '-@', pw)
  assert.equal(n.stdout, 'Password changed successfully.\n', n.stderr)
  assert.equal(c('-K', '-f', pw).status, 0)
  assert.equal(c('-F', '-n', 'ca', '-f', pw).status, 0)
  assert.doesNotMatch(c('-L').stdout, /^ca /m, '-F removes the certificate with its key')
})
