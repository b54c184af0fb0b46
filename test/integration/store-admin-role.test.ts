import assert from 'node:assert/strict'
import {test} from 'node:test'
import {locateStore, Store} from '../../src/core/store/index.js'
import {EmbeddedDirectory} from '../../src/daemon/embedded_directory.js'
import {runTool, tempDir} from '../helpers/cli.js'

interface ListedUser {
  name: string
  admin: boolean
}

test('msgctl user add --admin and user role NAME admin|user: the role is listed, shown, and read live by the embedded directory', async (t) => {
  const dir = tempDir(t)
  const u = (args: string[], input = '') => runTool('msgctl', ['user', ...args, '-d', dir], {input})
  const add = u(['add', 'alice', '--admin', '--password-stdin'], 'alice-Secret-1\n')
  assert.equal(add.status, 0, add.stderr)
  assert.equal(add.stdout, 'user alice added as a store administrator\n')
  assert.equal(u(['add', 'bob', '--password-stdin'], 'bob-Secret-2\n').status, 0)

  const listed = () => JSON.parse(u(['list', '--json']).stdout) as ListedUser[]
  assert.deepEqual(listed().map((x) => [x.name, x.admin]), [['alice', true], ['bob', false]])
  assert.equal(u(['list']).stdout, 'alice\nbob\n', 'one name per line, as scripts read it')
  assert.match(u(['show', 'alice']).stdout, /^roles: +admin$/m)
  assert.match(u(['show', 'bob']).stdout, /^roles: +\(none\)$/m)
  assert.equal((JSON.parse(u(['show', 'bob', '--json']).stdout) as ListedUser).admin, false)

  const store = Store.open(locateStore(dir))
  t.after(() => store.close())
  const directory = new EmbeddedDirectory(store)
  assert.equal(await directory.isStoreAdministrator('alice'), true)
  assert.equal(await directory.isStoreAdministrator('ALICE'), true, 'names compare case-insensitively')
  assert.equal(await directory.isStoreAdministrator('bob'), false)
  assert.equal(await directory.isStoreAdministrator('nobody'), false)

  const demote = u(['role', 'Alice', 'user'])
  assert.equal(demote.status, 0, demote.stderr)
  assert.equal(demote.stdout, 'user alice is now an ordinary user\n')
  assert.deepEqual(listed().map((x) => [x.name, x.admin]), [['alice', false], ['bob', false]])
  assert.equal(await directory.isStoreAdministrator('alice'), false, 'read live: no reload, no stale cache')
  assert.equal(u(['role', 'bob', 'admin']).status, 0)
  assert.equal(await directory.isStoreAdministrator('bob'), true)
  assert.match(u(['show', 'bob']).stdout, /^roles: +admin$/m)

  // Unknown user: one line on stderr, exit 1 like user passwd and delete.
  const unknown = u(['role', 'nobody', 'admin'])
  assert.equal(unknown.status, 1)
  assert.equal(unknown.stdout, '')
  assert.equal(unknown.stderr, 'msgctl: no user "nobody" in the embedded directory; msgctl user list shows them\n')
  assert.equal(u(['delete', 'nobody']).status, unknown.status, 'the same status as the other user commands')
  // A role that does not exist, or a missing one: a usage error (2), nothing changed.
  const badRole = u(['role', 'bob', 'root'])
  assert.equal(badRole.status, 2)
  assert.match(badRole.stderr, /^msgctl: "root" is not a role: use admin or user\n$/)
  assert.equal(u(['role', 'bob']).status, 2)
  assert.equal(await directory.isStoreAdministrator('bob'), true)
})
