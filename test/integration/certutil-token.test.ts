import assert from 'node:assert/strict'
import {execFileSync} from 'node:child_process'
import {writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {test} from 'node:test'
import {runTool, systemTool, tempDir} from '../helpers/cli.js'
import {pkcs11Tool, softhsmAvailable, softhsmToken, type SoftHsmToken} from '../helpers/softhsm.js'

/** A store with a password, the SoftHSM module added, and a -f file holding both passwords. */
function setup(t: Parameters<typeof tempDir>[0], tok: SoftHsmToken): {dir: string; pw: string} {
  const dir = tempDir(t)
  const pw = join(dir, 'pw')
  writeFileSync(pw, `NSS Certificate DB:storepw\n${tok.label}:${tok.pin}\n`)
  const storePw = join(dir, 'storepw')
  writeFileSync(storePw, 'storepw\n')
  assert.equal(runTool('certutil', ['-N', '-d', dir, '-f', storePw]).status, 0)
  const add = runTool('modutil', ['-add', 'SoftHSM', '-libfile', tok.library, '-dbdir', dir, '-force'], {env: tok.env})
  assert.equal(add.status, 0, add.stderr)
  return {dir, pw}
}

test('certutil -G -h TOKEN makes a private, sensitive, non-extractable key on the token; -K -h lists it; pkcs11-tool sees it', (t) => {
  if (!softhsmAvailable(t) || !systemTool(t, 'pkcs11-tool')) return
  const tok = softhsmToken(t, 'KeyToken', '2468')
  const {dir, pw} = setup(t, tok)
  const env = tok.env
  const gen = runTool('certutil', ['-G', '-h', 'KeyToken', '-k', 'ec', '-n', 'tokkey', '-d', dir, '-f', pw], {env})
  assert.equal(gen.status, 0, gen.stderr)
  const keys = runTool('certutil', ['-K', '-h', 'KeyToken', '-d', dir, '-f', pw], {env})
  assert.equal(keys.status, 0, keys.stderr)
  const m = /^certutil: Checking token "KeyToken" in slot "SoftHSM slot ID 0x[0-9a-f]+"\n< 0> ec {7}([0-9a-f]{40}) {3}tokkey\n$/.exec(keys.stdout)
  assert.ok(m, keys.stdout)
  const keyId = m[1]!
  // The store's own token does not have it.
  assert.doesNotMatch(runTool('certutil', ['-K', '-d', dir, '-f', pw], {env}).stdout, new RegExp(keyId))

  const objects = pkcs11Tool(tok, ['--list-objects', '--type', 'privkey'])
  assert.equal(objects.status, 0, objects.stderr)
  assert.match(objects.stdout, new RegExp(`Private Key Object; EC\\s+label:\\s+tokkey\\s+ID:\\s+${keyId}\\s+Usage:[^\\n]*sign[^\\n]*\\n\\s+Access:\\s+sensitive, always sensitive, never extractable, local`))
  // A private object: not visible without logging in.
  assert.doesNotMatch(pkcs11Tool(tok, ['--list-objects'], false).stdout, /Private Key Object/)

  const wrong = join(dir, 'wrong')
  writeFileSync(wrong, 'KeyToken:0000\n')
  const bad = runTool('certutil', ['-K', '-h', 'KeyToken', '-d', dir, '-f', wrong], {env})
  assert.equal(bad.status, 255)
  assert.match(bad.stderr, /Incorrect password\/PIN for token "KeyToken"/)
  const missing = runTool('certutil', ['-K', '-h', 'NoSuchToken', '-d', dir, '-f', pw], {env})
  assert.equal(missing.status, 255)
  assert.match(missing.stderr, /could not find the token "NoSuchToken"/)
})

test('certutil -S -h TOKEN self-signs with the token key; -C -c CA signs with a token CA key; openssl verifies; -L -h lists', (t) => {
  if (!softhsmAvailable(t) || !systemTool(t, 'openssl') || !systemTool(t, 'pkcs11-tool')) return
  const tok = softhsmToken(t, 'CaToken', '1357')
  const {dir, pw} = setup(t, tok)
  const env = tok.env
  const ca = join(dir, 'ca.crt')
  const s = runTool('certutil', ['-S', '-h', 'CaToken', '-k', 'ec', '-n', 'TokenCA', '-x', '-t', 'CT,,', '-s', 'CN=Token CA,O=Example', '-m', '1', '-d', dir, '-f', pw, '-a', '-o', ca], {env})
  assert.equal(s.status, 0, s.stderr)
  assert.match(execFileSync('openssl', ['verify', '-CAfile', ca, ca], {encoding: 'utf8'}), /: OK/)

  // A request made in software, issued by the CA whose key is on the token.
  const reqDir = tempDir(t)
  const key = join(reqDir, 'leaf.key')
  const csr = join(reqDir, 'leaf.csr')
  execFileSync('openssl', ['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', key, '-subj', '/CN=leaf.example.com', '-out', csr], {stdio: 'ignore'})
  const leaf = join(reqDir, 'leaf.crt')
  const c = runTool('certutil', ['-C', '-h', 'CaToken', '-c', 'TokenCA', '-i', csr, '-a', '-o', leaf, '-m', '2', '-d', dir, '-f', pw], {env})
  assert.equal(c.status, 0, c.stderr)
  assert.match(execFileSync('openssl', ['verify', '-CAfile', ca, leaf], {encoding: 'utf8'}), /: OK/)

  // An RSA key on the token, self-signed (CKM_SHA256_RSA_PKCS).
  const rsa = join(dir, 'rsa.crt')
  const r = runTool('certutil', ['-S', '-h', 'CaToken', '-k', 'rsa', '-g', '1024', '-n', 'rsa-on-token', '-x', '-t', ',,', '-s', 'CN=rsa.example.com', '-d', dir, '-f', pw, '-a', '-o', rsa], {env})
  assert.equal(r.status, 0, r.stderr)
  assert.match(execFileSync('openssl', ['verify', '-check_ss_sig', '-partial_chain', '-CAfile', rsa, rsa], {encoding: 'utf8'}), /: OK/)

  // The certificates sit on the token beside their keys, and in the store.
  assert.match(pkcs11Tool(tok, ['--list-objects', '--type', 'cert'], false).stdout, /label:\s+TokenCA/)
  const list = runTool('certutil', ['-L', '-h', 'CaToken', '-d', dir, '-f', pw], {env})
  assert.match(list.stdout, /CaToken:TokenCA {46}CTu,u,u\n/)
  const all = runTool('certutil', ['-L', '-h', 'all', '-d', dir, '-f', pw], {env})
  assert.match(all.stdout, /CaToken:TokenCA/)
  assert.match(all.stdout, /CaToken:rsa-on-token/)
  const json = JSON.parse(runTool('certutil', ['-K', '-h', 'CaToken', '--json', '-d', dir, '-f', pw], {env}).stdout) as {keyType: string}[]
  assert.deepEqual(json.map((k) => k.keyType).sort(), ['ec', 'rsa'])
})

test('certutil -h TOKEN takes the PIN from the store\'s sslpassword.conf', (t) => {
  if (!softhsmAvailable(t)) return
  const tok = softhsmToken(t, 'ConfToken', '8642')
  const {dir} = setup(t, tok)
  writeFileSync(join(dir, 'sslpassword.conf'), 'Internal (Software) Token:storepw\nConfToken:8642\n', {mode: 0o600})
  const gen = runTool('certutil', ['-G', '-h', 'ConfToken', '-k', 'ec', '-n', 'fromconf', '-d', dir], {env: tok.env})
  assert.equal(gen.status, 0, gen.stderr)
  assert.match(runTool('certutil', ['-K', '-h', 'ConfToken', '-d', dir], {env: tok.env}).stdout, /fromconf/)
})
