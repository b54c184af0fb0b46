import assert from 'node:assert/strict'
import {writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {test} from 'node:test'
import {runTool, tempDir} from '../helpers/cli.js'
import {softhsmAvailable, softhsmToken} from '../helpers/softhsm.js'

test('modutil: no command prints usage and exits 1; -add without -libfile exits 1', (t) => {
  const dir = tempDir(t)
  const none = runTool('modutil', ['-dbdir', dir])
  assert.equal(none.status, 1)
  assert.match(none.stderr, /ERROR: No command was specified\./)
  assert.match(none.stdout, /modutil-support@netscape\.com/)
  const add = runTool('modutil', ['-add', 'X', '-dbdir', dir, '-force'])
  assert.equal(add.status, 1)
  assert.match(add.stderr, /ERROR: Command "-add" requires parameter "-libfile"\./)
  const fips = runTool('modutil', ['-fips', 'maybe', '-dbdir', dir])
  assert.equal(fips.status, 1)
  assert.match(fips.stderr, /Argument to -fips must be "true" or "false"/)
})

test('modutil: the internal module, -create, -chkfips, -fips and refused deletes', (t) => {
  const dir = join(tempDir(t), 'new')
  assert.equal(runTool('modutil', ['-create', '-dbdir', dir, '-force']).status, 0)
  const list = runTool('modutil', ['-list', '-dbdir', dir])
  assert.equal(list.status, 0, list.stderr)
  assert.match(list.stdout, /^\nListing of PKCS #11 Modules\n-{59}\n  1\. NSS Internal PKCS #11 Module\n\t   uri: pkcs11:library-manufacturer=Mozilla%20Foundation;/)
  assert.match(list.stdout, /\t slots: 2 slots attached\n\tstatus: loaded\n\n\t slot: NSS Internal Cryptographic Services\n\ttoken: NSS Generic Crypto Services\n/)
  assert.match(list.stdout, /\t slot: NSS User Private Key and Certificate Services\n\ttoken: NSS Certificate DB\n/)
  const chk = runTool('modutil', ['-chkfips', 'false', '-dbdir', dir])
  assert.equal(chk.status, 0)
  assert.equal(chk.stdout, 'FIPS mode disabled.\n')
  assert.equal(runTool('modutil', ['-chkfips', 'true', '-dbdir', dir]).status, 11)
  assert.equal(runTool('modutil', ['-fips', 'false', '-dbdir', dir, '-force']).status, 13)
  assert.equal(runTool('modutil', ['-fips', 'true', '-dbdir', dir, '-force']).status, 11)
  const del = runTool('modutil', ['-delete', 'NSS Internal PKCS #11 Module', '-dbdir', dir, '-force'])
  assert.equal(del.status, 25)
  const missing = runTool('modutil', ['-delete', 'Nope', '-dbdir', dir, '-force'])
  assert.equal(missing.status, 26)
  assert.match(missing.stderr, /ERROR: Module "Nope" not found in database\.\nERROR: Failed to delete module "Nope"\./)
  const detail = runTool('modutil', ['-list', 'NSS Internal PKCS #11 Module', '-dbdir', dir])
  assert.match(detail.stdout, /Library file: \*\*Internal ONLY module\*\*\n/)
  assert.match(detail.stdout, /Token Name: NSS Certificate DB {14}\n/)
})

test('modutil: confirmation without -force; "q" aborts and changes nothing', (t) => {
  const dir = tempDir(t)
  runTool('modutil', ['-create', '-dbdir', dir, '-force'])
  const r = runTool('modutil', ['-disable', 'NSS Internal PKCS #11 Module', '-dbdir', dir], {input: 'q\n'})
  assert.equal(r.status, 0)
  assert.match(r.stdout, /WARNING: Performing this operation while the browser is running/)
  assert.match(r.stdout, /Aborting\.\.\./)
  assert.doesNotMatch(runTool('modutil', ['-list', 'NSS Internal PKCS #11 Module', '-dbdir', dir]).stdout, /DISABLED/)
  const go = runTool('modutil', ['-disable', 'NSS Internal PKCS #11 Module', '-slot', 'NSS Internal Cryptographic Services', '-dbdir', dir])
  assert.equal(go.status, 0)
  assert.match(go.stdout, /Slot "NSS Internal Cryptographic Services" disabled\.\n/)
  assert.match(runTool('modutil', ['-list', 'NSS Internal PKCS #11 Module', '-dbdir', dir]).stdout, /Status: DISABLED \(user disabled\)/)
  assert.equal(runTool('modutil', ['-enable', 'NSS Internal PKCS #11 Module', '-slot', 'No Such Slot', '-dbdir', dir, '-force']).status, 38)
})

test('modutil with SoftHSM: -add, -list (summary, detail, --json), -rawlist, -default/-undefault, -changepw, -delete', (t) => {
  if (!softhsmAvailable(t)) return
  const tok = softhsmToken(t, 'ModToken', '1234')
  const dir = tempDir(t)
  const env = tok.env
  const add = runTool('modutil', ['-add', 'SoftHSM', '-libfile', tok.library, '-dbdir', dir, '-force'], {env})
  assert.equal(add.status, 0, add.stderr)
  assert.equal(add.stdout, 'Module "SoftHSM" added to database.\n')
  const again = runTool('modutil', ['-add', 'SoftHSM', '-libfile', tok.library, '-dbdir', dir, '-force'], {env})
  assert.equal(again.status, 22)
  const bad = runTool('modutil', ['-add', 'Broken', '-libfile', join(dir, 'nothing.so'), '-dbdir', dir, '-force'], {env})
  assert.equal(bad.status, 22)
  assert.match(bad.stderr, /^ERROR: Failed to add module "Broken"\. Probable cause : ".*cannot load PKCS #11 library/)

  const list = runTool('modutil', ['-list', '-dbdir', dir], {env})
  assert.equal(list.status, 0, list.stderr)
  assert.match(list.stdout, /  2\. SoftHSM\n\tlibrary name: .*libsofthsm2\.so\n\t   uri: pkcs11:library-manufacturer=SoftHSM;library-description=Implementation%20of%20PKCS11;library-version=\d+\.\d+\n\t slots: 2 slots attached\n\tstatus: loaded\n/)
  assert.match(list.stdout, /\t slot: SoftHSM slot ID 0x[0-9a-f]+\n\ttoken: ModToken\n\t  uri: pkcs11:token=ModToken;manufacturer=SoftHSM%20project;serial=[0-9a-f]+;model=SoftHSM%20v2\n/)

  const json = JSON.parse(runTool('modutil', ['-list', '--json', '-dbdir', dir], {env}).stdout) as {name: string; slots: {token: {name: string; loginRequired: boolean; userPinInitialized: boolean} | null}[]}[]
  const hsm = json.find((m) => m.name === 'SoftHSM')!
  const token = hsm.slots.find((s) => s.token?.name === 'ModToken')!.token!
  assert.equal(token.loginRequired, true)
  assert.equal(token.userPinInitialized, true)

  const detail = runTool('modutil', ['-list', 'SoftHSM', '-dbdir', dir], {env}).stdout
  assert.match(detail, /Manufacturer: SoftHSM {25}\n/, 'PKCS #11 padding is kept')
  assert.match(detail, /  Token Name: ModToken {24}\n/)
  assert.match(detail, /  Login Type: Login required\n  User Pin: Initialized\n/)

  assert.match(runTool('modutil', ['-rawlist', '-dbdir', dir], {env}).stdout, /library="[^"]*libsofthsm2\.so" name="SoftHSM" NSS="trustOrder=100"\n\n$/)
  assert.equal(runTool('modutil', ['-default', 'SoftHSM', '-mechanisms', 'RSA:AES', '-dbdir', dir, '-force'], {env}).stdout, 'Successfully changed defaults.\n')
  runTool('modutil', ['-undefault', 'SoftHSM', '-mechanisms', 'AES', '-dbdir', dir, '-force'], {env})
  assert.match(runTool('modutil', ['-list', 'SoftHSM', '-dbdir', dir], {env}).stdout, /Default Mechanism Flags: RSA\n/)

  const oldPw = join(dir, 'old')
  const newPw = join(dir, 'new')
  writeFileSync(oldPw, '1234\n')
  writeFileSync(newPw, '98765\n')
  const wrong = runTool('modutil', ['-changepw', 'ModToken', '-pwfile', newPw, '-newpwfile', oldPw, '-dbdir', dir, '-force'], {env})
  assert.equal(wrong.status, 35)
  assert.equal(wrong.stderr, 'ERROR: Incorrect password.\n')
  const ok = runTool('modutil', ['-changepw', 'ModToken', '-pwfile', oldPw, '-newpwfile', newPw, '-dbdir', dir, '-force'], {env})
  assert.equal(ok.status, 0, ok.stderr)
  assert.equal(ok.stdout, 'Token "ModToken" password changed successfully.\n')
  assert.equal(runTool('modutil', ['-changepw', 'ModToken', '-pwfile', oldPw, '-newpwfile', newPw, '-dbdir', dir, '-force'], {env}).status, 35, 'the old PIN no longer works')
  assert.equal(runTool('modutil', ['-changepw', 'NoToken', '-pwfile', oldPw, '-newpwfile', newPw, '-dbdir', dir, '-force'], {env}).status, 33)

  assert.equal(runTool('modutil', ['-delete', 'SoftHSM', '-dbdir', dir, '-force'], {env}).stdout, 'Module "SoftHSM" deleted from database.\n')
  assert.doesNotMatch(runTool('modutil', ['-list', '-dbdir', dir], {env}).stdout, /SoftHSM/)
})
