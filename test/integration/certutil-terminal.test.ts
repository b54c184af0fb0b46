import assert from 'node:assert/strict'
import {spawnSync} from 'node:child_process'
import {join} from 'node:path'
import {test} from 'node:test'
import {BIN, ROOT, runTool, tempDir} from '../helpers/cli.js'

interface Session {
  status: number
  output: string
  error: string | null
}

/** Run certutil on a pseudo-terminal, typing each answer after its prompt appears. */
function onTerminal(args: string[], script: [expect: string, answer: string][]): Session {
  const r = spawnSync('python3', [join(ROOT, 'test', 'helpers', 'pty_driver.py'), '20', join(BIN, 'certutil'), ...args], {
    input: JSON.stringify(script),
    encoding: 'utf8',
    timeout: 40_000,
  })
  assert.equal(r.status, 0, `pty driver: ${r.stderr}`)
  return JSON.parse(r.stdout) as Session
}

test('on a terminal, certutil asks for passwords without echo and for -2 answers', (t) => {
  const d = tempDir(t)
  const init = onTerminal(['-N', '-d', d], [['Enter new password: ', 'Pw-0n-a-tty\r'], ['Re-enter password: ', 'Pw-0n-a-tty\r']])
  assert.equal(init.error, null)
  assert.equal(init.status, 0, init.output)
  assert.doesNotMatch(init.output, /Pw-0n-a-tty/, 'the password is not echoed')

  // The token now has that password: a wrong answer is refused and asked again.
  const made = onTerminal(['-S', '-d', d, '-n', 'ca', '-x', '-t', 'CT,,', '-s', 'CN=Terminal CA', '-k', 'ec', '-2', '-z', '/etc/passwd'], [
    ['Enter Password or Pin for "NSS Certificate DB":', 'not-it\r'],
    ['Incorrect password/PIN entered.', ''],
    ['Enter Password or Pin for "NSS Certificate DB":', 'Pw-0n-a-tty\r'],
    ['Is this a CA certificate [y/N]?', 'y\r'],
    ['Enter the path length constraint, enter to skip [<0 for unlimited path]: > ', '2\r'],
    ['Is this a critical extension [y/N]?', 'y\r'],
  ])
  assert.equal(made.error, null, made.output)
  assert.equal(made.status, 0, made.output)
  assert.doesNotMatch(made.output, /not-it|Pw-0n-a-tty/)
  const listed = runTool('certutil', ['-L', '-d', d, '-n', 'ca'])
  assert.match(listed.stdout, /Name: Certificate Basic Constraints\n\s+Critical: True\n\s+Data: Is a CA with a maximum path length of 2\./)

  // Three wrong passwords end the run with the classic status.
  const denied = onTerminal(['-K', '-d', d], [
    ['Pin for "NSS Certificate DB":', 'a\r'],
    ['Pin for "NSS Certificate DB":', 'b\r'],
    ['Pin for "NSS Certificate DB":', 'c\r'],
  ])
  assert.equal(denied.error, null, denied.output)
  assert.equal(denied.status, 255)
  assert.match(denied.output, /could not authenticate/)
})

test('without a terminal, a question certutil would ask fails at once and names the flag', (t) => {
  const d = tempDir(t)
  const r = runTool('certutil', ['-N', '-d', d])
  assert.equal(r.status, 255)
  assert.match(r.stderr, /stdin is not a terminal; .*-f|--empty-password/)
  assert.equal(runTool('certutil', ['-N', '-d', d, '--empty-password']).status, 0)
  const s = runTool('certutil', ['-S', '-d', d, '-n', 'ca', '-x', '-t', 'CT,,', '-s', 'CN=X', '-k', 'ec', '-2', '-z', '/etc/passwd'])
  assert.equal(s.status, 255)
  assert.match(s.stderr, /^certutil: -2: .*stdin is not one; use --basic-constraints/)
  assert.doesNotMatch(runTool('certutil', ['-L', '-d', d]).stdout, /^ca /m, 'nothing half-made')
})
