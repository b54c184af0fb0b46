import assert from 'node:assert/strict'
import {execFileSync, spawnSync} from 'node:child_process'
import {writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {test} from 'node:test'
import {runTool, systemTool, tempDir} from '../helpers/cli.js'

/**
 * certutil -V against NSS certutil on the same chains: openssl makes
 * certificates with unusual constraints, both stores import them with the
 * same trust, and every verdict (stdout, stderr, status) must be the same.
 */
test('-V gives NSS verdicts for key usage, extended key usage, Netscape type, path length and distrusted issuers', (t) => {
  if (!systemTool(t, '/usr/bin/certutil')) return
  const dir = tempDir(t)
  const openssl = (args: string[]) => execFileSync('openssl', args, {cwd: dir, stdio: ['ignore', 'ignore', 'pipe']})
  const ext = (name: string, lines: string[]) => writeFileSync(join(dir, `${name}.ext`), lines.join('\n') + '\n')
  const key = (name: string, type: 'rsa' | 'ec') =>
    openssl(['genpkey', ...(type === 'rsa' ? ['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048'] : ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256']), '-out', `${name}.key`])
  const selfSigned = (name: string, lines: string[]) => {
    openssl(['req', '-x509', '-new', '-key', 'ca.key', '-out', `${name}.pem`, '-subj', `/CN=${name}`, '-days', '30', '-extensions', 'v3', '-config', writeConfig(name, lines)])
  }
  const writeConfig = (name: string, lines: string[]) => {
    const f = join(dir, `${name}.cnf`)
    writeFileSync(f, ['[req]', 'distinguished_name=dn', '[dn]', '[v3]', ...lines, ''].join('\n'))
    return f
  }
  const issue = (name: string, issuer: string, keyName: string, lines: string[], days = 10) => {
    ext(name, lines)
    openssl(['req', '-new', '-key', `${keyName}.key`, '-out', `${name}.csr`, '-subj', `/CN=${name}`])
    openssl(['x509', '-req', '-in', `${name}.csr`, '-CA', `${issuer}.pem`, '-CAkey', `${issuer.startsWith('int') ? 'int' : 'ca'}.key`, '-set_serial', String(Math.floor(Math.random() * 1e9)), '-out', `${name}.pem`, '-days', String(days), '-extfile', `${name}.ext`])
  }
  key('ca', 'ec')
  key('int', 'ec')
  key('rsa', 'rsa')
  key('ec', 'ec')
  const caLines = ['basicConstraints=critical,CA:TRUE', 'keyUsage=critical,keyCertSign,cRLSign', 'subjectKeyIdentifier=hash']
  selfSigned('root', caLines)
  selfSigned('pl0', ['basicConstraints=critical,CA:TRUE,pathlen:0', 'keyUsage=critical,keyCertSign,cRLSign', 'subjectKeyIdentifier=hash'])
  issue('int-pl', 'pl0', 'int', caLines, 20)
  issue('int-noku', 'root', 'int', ['basicConstraints=critical,CA:TRUE', 'keyUsage=critical,digitalSignature'], 20)
  issue('int-ok', 'root', 'int', caLines, 20)
  issue('int-distrusted', 'root', 'int', caLines, 20)
  selfSigned('loose', caLines)
  const leaves: Record<string, [string, string, string[]]> = {
    'rsa-ds': ['root', 'rsa', ['keyUsage=critical,digitalSignature']],
    'rsa-ke': ['root', 'rsa', ['keyUsage=critical,keyEncipherment']],
    'rsa-nr': ['root', 'rsa', ['keyUsage=critical,nonRepudiation']],
    'ec-ds': ['root', 'ec', ['keyUsage=critical,digitalSignature']],
    'ec-ka': ['root', 'ec', ['keyUsage=critical,keyAgreement']],
    'eku-ocsp': ['root', 'ec', ['extendedKeyUsage=OCSPSigning']],
    'eku-code': ['root', 'ec', ['extendedKeyUsage=codeSigning']],
    'ns-client': ['root', 'rsa', ['nsCertType=client']],
    'ns-objsign': ['root', 'rsa', ['nsCertType=objsign']],
    'under-pl0': ['int-pl', 'rsa', ['extendedKeyUsage=serverAuth']],
    'under-noku': ['int-noku', 'rsa', ['extendedKeyUsage=serverAuth']],
    'under-ok': ['int-ok', 'rsa', ['extendedKeyUsage=serverAuth']],
    'under-distrusted': ['int-distrusted', 'rsa', ['extendedKeyUsage=serverAuth']],
    'under-loose': ['loose', 'rsa', ['extendedKeyUsage=serverAuth']],
  }
  for (const [name, [issuer, keyName, lines]] of Object.entries(leaves)) issue(name, issuer, keyName, lines)

  const nss = join(dir, 'nss')
  const ours = join(dir, 'ours')
  execFileSync('mkdir', [nss, ours])
  execFileSync('/usr/bin/certutil', ['-N', '-d', `sql:${nss}`, '--empty-password'])
  assert.equal(runTool('certutil', ['-N', '-d', ours, '--empty-password']).status, 0)
  const trust: Record<string, string> = {root: 'CT,C,C', pl0: 'CT,C,C', 'int-distrusted': 'p,p,p'}
  for (const name of ['root', 'pl0', 'loose', 'int-pl', 'int-noku', 'int-ok', 'int-distrusted', ...Object.keys(leaves)]) {
    const args = ['-A', '-n', name, '-t', trust[name] ?? ',,', '-a', '-i', join(dir, `${name}.pem`)]
    execFileSync('/usr/bin/certutil', [...args, '-d', `sql:${nss}`])
    const r = runTool('certutil', [...args, '-d', ours])
    assert.equal(r.status, 0, r.stderr)
  }

  const cases: string[][] = []
  for (const name of Object.keys(leaves).filter((n) => !n.startsWith('under'))) for (const u of ['V', 'C', 'S', 'R', 'O', 'J']) cases.push(['-n', name, '-u', u])
  for (const name of ['under-pl0', 'under-noku', 'under-ok', 'under-distrusted', 'under-loose']) cases.push(['-n', name, '-u', 'V'], ['-n', name, '-u', 'V', '-l'])
  for (const name of ['int-ok', 'int-noku', 'rsa-ke']) cases.push(['-n', name, '-u', 'L'])
  let invalid = 0
  for (const c of cases) {
    const theirs = spawnSync('/usr/bin/certutil', ['-V', ...c, '-d', `sql:${nss}`], {encoding: 'utf8'})
    const mine = runTool('certutil', ['-V', ...c, '-d', ours])
    assert.deepEqual({status: mine.status, stdout: mine.stdout, stderr: mine.stderr}, {status: theirs.status, stdout: theirs.stdout, stderr: theirs.stderr}, `certutil -V ${c.join(' ')}`)
    if (theirs.status !== 0) invalid++
  }
  // The matrix exercises both verdicts, and each of the failure kinds this test is about.
  assert.ok(invalid > 10 && invalid < cases.length - 5, `${invalid} of ${cases.length} invalid`)
})

test('-L, -K and -V print what NSS prints for the same certificates, keys and trust', (t) => {
  if (!systemTool(t, '/usr/bin/certutil')) return
  const dir = tempDir(t)
  const nss = join(dir, 'nss')
  const ours = join(dir, 'ours')
  execFileSync('mkdir', [nss, ours])
  const pw = join(dir, 'pw')
  writeFileSync(pw, 'Same-pw-1\n')
  const noise = '/etc/passwd'
  const steps: string[][] = [
    ['-N', '-f', pw],
    ['-S', '-n', 'Root CA', '-x', '-t', 'CTu,CTu,CTu', '-s', 'CN=Root CA,O=Example,C=US', '-k', 'rsa', '-g', '2048', '-m', '1', '-v', '60', '-z', noise, '-f', pw, '--keyUsage', 'certSigning,crlSigning', '--nsCertType', 'sslCA,smimeCA'],
    ['-S', '-n', 'mail server', '-c', 'Root CA', '-t', 'u,u,u', '-s', 'CN=mail.example.com,O=Example', '-k', 'ec', '-q', 'nistp256', '-m', '2', '-z', noise, '-f', pw, '--extKeyUsage', 'serverAuth,clientAuth', '-8', 'mail.example.com,imap.example.com'],
    ['-S', '-n', 'alice', '-c', 'Root CA', '-t', ',P,', '-s', 'E=alice@example.com,CN=Alice', '-k', 'rsa', '-g', '2048', '-m', '3', '-z', noise, '-f', pw, '--extKeyUsage', 'emailProtection', '--keyUsage', 'digitalSignature,keyEncipherment'],
    ['-G', '-k', 'ec', '-q', 'nistp384', '-z', noise, '-f', pw],
    ['-M', '-n', 'alice', '-t', 'p,P,', '-f', pw],
  ]
  for (const s of steps) {
    execFileSync('/usr/bin/certutil', [...s, '-d', `sql:${nss}`], {stdio: ['ignore', 'ignore', 'pipe']})
    // Ours gives a self-signed CA basic constraints unless told not to (NSS only with -2 on a terminal).
    const r = runTool('certutil', [...s, '-d', ours, ...(s.includes('-x') ? ['--no-ca-defaults'] : [])])
    assert.equal(r.status, 0, `${s.join(' ')}: ${r.stderr}`)
  }
  const both = (args: string[]) => {
    const theirs = spawnSync('/usr/bin/certutil', [...args, '-d', `sql:${nss}`], {encoding: 'utf8'})
    const mine = runTool('certutil', [...args, '-d', ours])
    return {theirs, mine}
  }
  // Dates, key ids, keys, signatures and fingerprints differ between any two runs; mask them.
  // Ours also writes subject and authority key identifier extensions by default (NSS only
  // on request), so those blocks are key ids too and are taken out.
  const mask = (text: string) =>
    text
      .replace(/^ {12}Name: Certificate (Subject|Authority) Key I[dD].*\n( {12}\S.*\n| {16}.*\n)*\n/gm, '')
      .replace(/(Not (Before|After) ?: ).*/g, '$1<date>')
      .replace(/\b[0-9a-f]{40}\b/g, '<keyid>')
      .replace(/^(\s+)([0-9a-fA-F]{2}:)*[0-9a-fA-F]{2}:?$/gm, '$1<hex>')
  const sameLines = (a: string) => mask(a).split('\n').sort().join('\n')
  {
    const {theirs, mine} = both(['-L'])
    assert.equal(mine.stdout, theirs.stdout, '-L')
  }
  {
    const {theirs, mine} = both(['-K', '-f', pw])
    assert.equal(theirs.status, 0, theirs.stderr)
    // NSS lists keys in no fixed order.
    assert.equal(sameLines(mine.stdout), sameLines(theirs.stdout), '-K')
  }
  for (const [nick, usage] of [['mail server', 'V'], ['mail server', 'C'], ['alice', 'S'], ['alice', 'V'], ['Root CA', 'L']] as const) {
    const {theirs, mine} = both(['-V', '-n', nick, '-u', usage])
    assert.deepEqual({status: mine.status, out: mine.stdout, err: mine.stderr}, {status: theirs.status, out: theirs.stdout, err: theirs.stderr}, `-V ${nick} ${usage}`)
  }
  for (const nick of ['Root CA', 'mail server', 'alice']) {
    const {theirs, mine} = both(['-L', '-n', nick])
    assert.equal(mask(mine.stdout), mask(theirs.stdout), `-L -n ${nick}`)
  }
})
