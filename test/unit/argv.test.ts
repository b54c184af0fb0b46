import assert from 'node:assert/strict'
import {test} from 'node:test'
import {parseNssArgv, type FlagSpec, type NssSyntax} from '../../src/core/argv/index.js'
import {UsageError} from '../../src/core/errors.js'

const certutilFlags: FlagSpec[] = [
  {name: 'list', char: 'L', takesValue: false},
  {name: 'nickname', char: 'n', takesValue: true},
  {name: 'dbdir', char: 'd', takesValue: true},
  {name: 'keyUsage', takesValue: true},
  {name: 'basicConstraints', takesValue: false},
  {name: 'extSAN', takesValue: true},
  {name: 'empty-password', takesValue: false},
]
const letters: NssSyntax = {style: 'letters', usageExit: 1, words: {'1': 'keyUsage', '2': 'basicConstraints', '8': 'extSAN'}}

test('letters: single letters, digit options and --long options', () => {
  const r = parseNssArgv('certutil', ['-L', '-d', 'sql:/tmp/x', '-1', 'digitalSignature', '-2', '-8', 'a.example,b.example', '--empty-password'], certutilFlags, letters)
  assert.deepEqual(r.flags, {list: true, dbdir: 'sql:/tmp/x', keyUsage: 'digitalSignature', basicConstraints: true, extSAN: 'a.example,b.example', 'empty-password': true})
  assert.deepEqual(r.args, [])
})

test('a value is taken from the next word even when it starts with -', () => {
  const r = parseNssArgv('certutil', ['-n', '-weird-name', '--keyUsage', '-x'], certutilFlags, letters)
  assert.equal(r.flags.nickname, '-weird-name')
  assert.equal(r.flags.keyUsage, '-x')
})

test('--name=value and quoted values with spaces arrive as one word', () => {
  const r = parseNssArgv('certutil', ['--extSAN=dns:a.example', '-n', 'My Server Cert'], certutilFlags, letters)
  assert.equal(r.flags.extSAN, 'dns:a.example')
  assert.equal(r.flags.nickname, 'My Server Cert')
})

test('unknown option and missing value are usage errors with the classic status', () => {
  assert.throws(() => parseNssArgv('certutil', ['-Q'], certutilFlags, letters), (e: unknown) => e instanceof UsageError && e.exitCode === 1 && /unknown option -Q/.test(e.message))
  assert.throws(() => parseNssArgv('certutil', ['-L', '-n'], certutilFlags, letters), (e: unknown) => e instanceof UsageError && /option -n needs a value/.test(e.message))
  assert.throws(() => parseNssArgv('certutil', ['--nope'], certutilFlags, letters), /unknown option --nope/)
  assert.throws(() => parseNssArgv('certutil', ['-Ln', 'x'], certutilFlags, letters), /unknown option -Ln/)
})

const modutilFlags: FlagSpec[] = [
  {name: 'list', takesValue: true, optionalValue: true},
  {name: 'dbdir', takesValue: true},
  {name: 'force', takesValue: false},
  {name: 'add', takesValue: true},
  {name: 'libfile', takesValue: true},
]
const words: NssSyntax = {style: 'words', usageExit: 1}

test('words: modutil -list -dbdir DIR -force, optional value', () => {
  const r = parseNssArgv('modutil', ['-list', '-dbdir', 'sql:/srv/db', '-force'], modutilFlags, words)
  assert.deepEqual(r.flags, {list: '', dbdir: 'sql:/srv/db', force: true})
  const r2 = parseNssArgv('modutil', ['-list', 'NSS Internal PKCS #11 Module', '-dbdir', '/x'], modutilFlags, words)
  assert.equal(r2.flags.list, 'NSS Internal PKCS #11 Module')
  assert.throws(() => parseNssArgv('modutil', ['-lst'], modutilFlags, words), (e: unknown) => e instanceof UsageError && e.exitCode === 1)
})

const ssltapFlags: FlagSpec[] = [
  {name: 'ssl', char: 's', takesValue: false},
  {name: 'extra', char: 'x', takesValue: false},
  {name: 'hex', char: 'h', takesValue: false},
  {name: 'loop', char: 'l', takesValue: false},
  {name: 'port', char: 'p', takesValue: true},
]
const getopt: NssSyntax = {style: 'getopt', usageExit: 2}

test('getopt: grouped letters and attached values', () => {
  assert.deepEqual(parseNssArgv('ssltap', ['-sx', 'host:443'], ssltapFlags, getopt), {flags: {ssl: true, extra: true}, args: ['host:443']})
  assert.deepEqual(parseNssArgv('ssltap', ['-slp1924', 'h:1'], ssltapFlags, getopt).flags, {ssl: true, loop: true, port: '1924'})
  assert.deepEqual(parseNssArgv('ssltap', ['-sp', '1924', 'h:1'], ssltapFlags, getopt), {flags: {ssl: true, port: '1924'}, args: ['h:1']})
  assert.throws(() => parseNssArgv('ssltap', ['-sv', 'h:1'], ssltapFlags, getopt), (e: unknown) => e instanceof UsageError && e.exitCode === 2 && /-v in -sv/.test(e.message))
})

test('-- ends options; repeated multiple flags accumulate', () => {
  const flags: FlagSpec[] = [{name: 'recipient', char: 'r', takesValue: true, multiple: true}]
  const r = parseNssArgv('cmsutil', ['-r', 'a', '-r', 'b', '--', '-r'], flags, getopt)
  assert.deepEqual(r, {flags: {recipient: ['a', 'b']}, args: ['-r']})
})
