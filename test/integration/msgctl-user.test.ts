import assert from 'node:assert/strict'
import {writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {test} from 'node:test'
import Database from 'better-sqlite3'
import {verifyPassword} from '../../src/core/auth/index.js'
import {EmbeddedDirectory} from '../../src/daemon/embedded_directory.js'
import {locateStore, Store} from '../../src/core/store/index.js'
import {runTool, tempDir} from '../helpers/cli.js'

test('msgctl user add|list|show|passwd|delete keep salted hashes and never print a password', async (t) => {
  const dir = tempDir(t)
  const u = (args: string[], input = '') => runTool('msgctl', ['user', ...args, '-d', dir], {input})
  const add = u(['add', 'alice', '--password-stdin'], 'first-Secret-1\n')
  assert.equal(add.status, 0, add.stderr)
  assert.equal(add.stdout, 'user alice added\n')
  const pwFile = join(dir, 'bob.pw')
  writeFileSync(pwFile, 'bob-Secret-2\nignored second line\n')
  assert.equal(u(['add', 'bob', '--password-file', pwFile]).status, 0)
  const argvPw = u(['add', 'carol', '--password', 'carol-Secret-3'])
  assert.equal(argvPw.status, 0)
  assert.match(argvPw.stderr, /visible to other local users/)

  assert.equal(u(['list']).stdout, 'alice\nbob\ncarol\n')
  const shown = JSON.parse(u(['show', 'ALICE', '--json']).stdout) as {name: string}
  assert.equal(shown.name, 'alice', 'names compare case-insensitively')

  const dup = u(['add', 'Alice', '--password-stdin'], 'x-Secret-9\n')
  assert.equal(dup.status, 1)
  assert.match(dup.stderr, /^msgctl: user "Alice" already exists/)
  const bad = u(['add', 'two words', '--password-stdin'], 'x\n')
  assert.equal(bad.status, 2)
  assert.match(bad.stderr, /not a usable user name/)
  const noPw = u(['add', 'dave'])
  assert.equal(noPw.status, 2)
  assert.match(noPw.stderr, /stdin is not a terminal; give --password-file FILE or --password-stdin/)
  assert.equal(u(['passwd', 'nobody', '--password-stdin'], 'y-Secret\n').status, 1)

  // Stored as scrypt with a per-user salt; the plain password appears nowhere.
  const db = new Database(join(dir, 'msg.db'), {readonly: true})
  const rows = db.prepare('SELECT name, password_hash FROM mail_user ORDER BY name').all() as {name: string; password_hash: string}[]
  db.close()
  assert.equal(rows.length, 3)
  for (const r of rows) assert.match(r.password_hash, /^\$scrypt\$ln=15,r=8,p=1\$[A-Za-z0-9+/=]{24}\$[A-Za-z0-9+/=]{44}$/)
  assert.notEqual(rows[0]!.password_hash.split('$')[3], rows[1]!.password_hash.split('$')[3], 'salts differ')
  assert.equal(await verifyPassword('first-Secret-1', rows[0]!.password_hash), true)
  assert.equal(await verifyPassword('first-Secret-2', rows[0]!.password_hash), false)

  assert.equal(u(['passwd', 'alice', '--password-stdin'], 'second-Secret-1\n').status, 0)
  const store = Store.open(locateStore(dir))
  t.after(() => store.close())
  const directory = new EmbeddedDirectory(store)
  assert.equal(await directory.verifyPassword('ALICE', 'second-Secret-1'), 'alice')
  assert.equal(await directory.verifyPassword('alice', 'first-Secret-1'), null)
  assert.equal(await directory.verifyPassword('nobody', 'x'), null)
  assert.equal(directory.lookup('Bob'), 'bob')

  assert.equal(u(['delete', 'bob']).status, 0)
  assert.equal(directory.lookup('bob'), null)
  assert.equal(await directory.verifyPassword('bob', 'bob-Secret-2'), null, 'a deleted user cannot log in, cache or not')
  assert.equal(u(['delete', 'bob']).status, 1)
})

test('msgctl user add --mail: the address is shown, must be an address, and belongs to one user; SCRAM keys are stored beside the hash', async (t) => {
  const dir = tempDir(t)
  const u = (args: string[], input = '') => runTool('msgctl', ['user', ...args, '-d', dir], {input})
  assert.equal(u(['add', 'dana', '--mail', 'dana@example.test', '--password-stdin'], 'dana-Secret-1\n').status, 0)
  assert.match(u(['show', 'dana']).stdout, /^mail: +dana@example\.test$/m)
  assert.equal((JSON.parse(u(['show', 'dana', '--json']).stdout) as {mail: string}).mail, 'dana@example.test')
  const bad = u(['add', 'eve', '--mail', 'not an address', '--password-stdin'], 'eve-Secret-2\n')
  assert.equal(bad.status, 2)
  assert.match(bad.stderr, /^msgctl: "not an address" is not an e-mail address/)
  const taken = u(['add', 'eve', '--mail', 'DANA@example.test', '--password-stdin'], 'eve-Secret-2\n')
  assert.equal(taken.status, 1)
  assert.match(taken.stderr, /the address DANA@example\.test already belongs to user "dana"/)
  assert.match(u(['list']).stdout, /^dana\n$/, 'nothing half-written')
  const db = new Database(join(dir, 'msg.db'), {readonly: true})
  t.after(() => db.close())
  const scram = JSON.parse((db.prepare(`SELECT scram FROM mail_user WHERE name = 'dana'`).get() as {scram: string}).scram) as Record<string, {i: number; salt: string}>
  assert.deepEqual(Object.keys(scram).sort(), ['sha1', 'sha256'])
  assert.equal(scram.sha256!.i, 4096)
  assert.notEqual(scram.sha1!.salt, scram.sha256!.salt)
})
