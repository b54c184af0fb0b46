/**
 * Crash safety: every store-changing tool, killed with SIGKILL at a random
 * moment, leaves all of its change or none of it, the store sound and usable
 * by the next command; and the daemon, killed while SMTP clients send, has
 * kept every message it acknowledged with 250.
 *
 * Kill moments are drawn from each operation's measured duration, between
 * the tool's start-up and its end, by a seeded generator: the seed is printed,
 * and MSGCTL_RELIABILITY_SEED repeats a run.
 */
import assert from 'node:assert/strict'
import {spawn} from 'node:child_process'
import {generateKeyPairSync} from 'node:crypto'
import {cpSync, mkdirSync, readFileSync, writeFileSync} from 'node:fs'
import {connect, type Socket} from 'node:net'
import {join} from 'node:path'
import {test} from 'node:test'
import Database from 'better-sqlite3'
import {addPrivateKey, listCertificates, listPrivateKeys, loadPrivateKey, tokenSecret, unlockToken} from '../../src/core/certdb/index.js'
import {formatTrust, type TokenKey} from '../../src/core/pki/index.js'
import {locateStore, Store} from '../../src/core/store/index.js'
import {BIN, runTool, tempDir} from '../helpers/cli.js'
import {daemonForTest} from '../helpers/daemon.js'
import {seededRandom} from '../helpers/seeded_random.js'

const SEED = Number(process.env.MSGCTL_RELIABILITY_SEED ?? 20_240_611)
const INTERNAL_TOKEN = 'Internal (Software) Token'

/** One generator per test, so a test's kill moments do not depend on which tests ran before it. */
function randomFor(t: {name: string; diagnostic: (m: string) => void}): () => number {
  t.diagnostic(`seed ${SEED} (set MSGCTL_RELIABILITY_SEED to repeat)`)
  let h = SEED
  for (const c of t.name) h = Math.imul(h ^ c.charCodeAt(0), 0x01000193)
  return seededRandom(h)
}

interface Outcome {
  readonly status: number | null
  readonly killed: boolean
  readonly ms: number
  readonly stderr: string
}

/** Run a tool, SIGKILL it after `killAfterMs` if it is still running (Infinity: never). */
function run(tool: string, args: readonly string[], killAfterMs = Infinity): Promise<Outcome> {
  return new Promise((done, fail) => {
    const started = Date.now()
    const child = spawn(join(BIN, tool), args, {stdio: ['ignore', 'ignore', 'pipe']})
    let stderr = ''
    child.stderr.on('data', (d) => (stderr += d))
    const timer = Number.isFinite(killAfterMs) ? setTimeout(() => child.kill('SIGKILL'), killAfterMs) : null
    child.on('error', fail)
    child.on('close', (status, signal) => {
      if (timer) clearTimeout(timer)
      done({status, killed: signal === 'SIGKILL', ms: Date.now() - started, stderr})
    })
  })
}

/**
 * Where to kill: uniformly between 60% of the tool's bare start-up (the
 * store opened, nothing changed) and 110% of a whole uninterrupted run, so
 * most kills land while the operation works and a few after it finished.
 */
function killMoment(random: () => number, startupMs: number, fullMs: number): number {
  const from = 0.6 * startupMs
  const to = Math.max(1.1 * fullMs, from + 50)
  return Math.round(from + random() * (to - from))
}

function ok(r: {status: number | null; stderr: string}, what: string): void {
  assert.equal(r.status, 0, `${what}: ${r.stderr}`)
}

function integrityCheck(file: string): void {
  const db = new Database(file, {readonly: true})
  try {
    assert.equal(db.pragma('integrity_check', {simple: true}), 'ok', `${file}: integrity_check`)
    assert.deepEqual(db.pragma('foreign_key_check'), [], `${file}: foreign_key_check`)
  } finally {
    db.close()
  }
}

/** Open the store the way the tools do (recovering a killed writer's WAL), look, close. */
function inStore<T>(dir: string, fn: (store: Store) => T): T {
  const store = Store.open(locateStore(dir))
  try {
    return fn(store)
  } finally {
    store.close()
  }
}

/** A store with a token password; returns the password file. */
function storeWithPassword(dir: string, password: string): string {
  mkdirSync(dir, {recursive: true, mode: 0o700})
  const pwfile = join(dir, 'token.pw')
  writeFileSync(pwfile, `${password}\n`)
  ok(runTool('certutil', ['-N', '-d', dir, '-f', pwfile]), 'certutil -N')
  return pwfile
}

/** Counts what the killed runs did, for the test's diagnostics. */
function tally(t: {diagnostic: (m: string) => void}, what: string, startup: Outcome, full: Outcome, outcomes: readonly {killed: boolean; applied: boolean}[]): void {
  const killed = outcomes.filter((o) => o.killed)
  t.diagnostic(
    `${what}: start-up ${startup.ms} ms, whole run ${full.ms} ms; ${outcomes.length} runs, ${killed.length} killed (${killed.filter((o) => o.applied).length} of them after committing), ${outcomes.filter((o) => !o.killed).length} finished`,
  )
}

const ROUNDS = 5

// Property: configutil -i is one transaction, so a killed import applies every line or none.
test('crash safety, configutil -i: a SIGKILLed import of 2000 settings leaves all 2000 or none', async (t) => {
  const random = randomFor(t)
  const dir = tempDir(t, 'msgctl-rel-config-')
  ok(runTool('configutil', ['-f', dir, '-o', 'site.created', '-v', 'yes']), 'configutil -o')
  const LINES = 2000
  const importFile = (round: number) => {
    const file = join(dir, `import-${round}.txt`)
    writeFileSync(file, Array.from({length: LINES}, (_, i) => `site.crash${round}.k${i} = value ${i} of round ${round}\n`).join(''))
    return file
  }
  const count = (round: number) =>
    inStore(dir, (s) => (s.db.prepare(`SELECT count(*) AS n FROM config WHERE name LIKE ?`).get(`site.crash${round}.%`) as {n: number}).n)
  const startup = await run('configutil', ['-f', dir, '-o', 'site.created'])
  const full = await run('configutil', ['-f', dir, '-i', importFile(0)])
  ok(full, 'an uninterrupted import')
  assert.equal(count(0), LINES)

  const outcomes = []
  for (let round = 1; round <= ROUNDS; round++) {
    const o = await run('configutil', ['-f', dir, '-i', importFile(round)], killMoment(random, startup.ms, full.ms))
    if (!o.killed) ok(o, `round ${round}: the import finished`)
    const n = count(round)
    assert.ok(n === 0 || n === LINES, `round ${round}: ${n} of ${LINES} settings is neither all nor none`)
    if (!o.killed) assert.equal(n, LINES, `round ${round}: a finished import applied everything`)
    outcomes.push({killed: o.killed, applied: n === LINES})
    integrityCheck(join(dir, 'msg.db'))
  }
  tally(t, 'configutil -i', startup, full, outcomes)
  const next = await run('configutil', ['-f', dir, '-i', importFile(ROUNDS + 1)])
  ok(next, 'the next import after the kills')
  assert.equal(count(ROUNDS + 1), LINES)
})

// Property: certutil -S stores the new key and its certificate in one transaction.
test('crash safety, certutil -S: a SIGKILLed run leaves its certificate and its key, or neither', async (t) => {
  const random = randomFor(t)
  const dir = tempDir(t, 'msgctl-rel-selfsign-')
  const pwfile = storeWithPassword(dir, 'selfsign-password')
  const selfSign = (n: string) => ['-S', '-d', dir, '-f', pwfile, '-n', n, '-x', '-t', 'u,u,u', '-s', `CN=${n}.example.com`, '-k', 'rsa', '-z', '/etc/passwd']
  const startup = await run('certutil', ['-L', '-d', dir])
  const full = await run('certutil', selfSign('whole'))
  ok(full, 'an uninterrupted certutil -S')
  const state = (n: string) =>
    inStore(dir, (s) => {
      const certs = listCertificates(s).filter((c) => c.nickname === n)
      // A key whose certificate was never stored would be an orphan: no label, no certificate.
      const orphans = listPrivateKeys(s).filter((k) => k.nickname === null)
      return {certs: certs.length, withKey: certs.filter((c) => c.hasPrivateKey).length, orphans: orphans.length}
    })
  assert.deepEqual(state('whole'), {certs: 1, withKey: 1, orphans: 0})

  const outcomes = []
  for (let round = 1; round <= ROUNDS; round++) {
    const n = `killed-${round}`
    const o = await run('certutil', selfSign(n), killMoment(random, startup.ms, full.ms))
    if (!o.killed) ok(o, `round ${round}: certutil -S finished`)
    const s = state(n)
    assert.ok(s.orphans === 0, `round ${round}: a key was stored without its certificate`)
    assert.ok(s.certs === s.withKey && s.certs <= 1, `round ${round}: ${JSON.stringify(s)}: the certificate without its key`)
    if (!o.killed) assert.equal(s.certs, 1, `round ${round}: a finished run stored its certificate`)
    outcomes.push({killed: o.killed, applied: s.certs === 1})
    integrityCheck(join(dir, 'msg.db'))
  }
  tally(t, 'certutil -S', startup, full, outcomes)
  ok(await run('certutil', selfSign('after')), 'the next certutil -S after the kills')
  assert.deepEqual(state('after'), {certs: 1, withKey: 1, orphans: 0})
})

// Property: certutil -B runs all its lines in one transaction (the key generation inside it too).
test('crash safety, certutil -B: a SIGKILLed batch applies every line or none', async (t) => {
  const random = randomFor(t)
  const dir = tempDir(t, 'msgctl-rel-batch-')
  const pwfile = storeWithPassword(dir, 'batch-password')
  // Three keys and certificates and a trust change; RSA keys keep the batch's transaction open a while.
  const batchFile = (b: string) => {
    const file = join(dir, `${b}.txt`)
    writeFileSync(
      file,
      [
        `-S -n ${b}-ca -x -t "CT,," -s "CN=${b} CA" -m 1 --basic-constraints ca -z /etc/passwd`,
        `-S -n ${b}-leaf1 -c ${b}-ca -t ",," -s "CN=${b}-leaf1.example.com" -m 2`,
        `-S -n ${b}-leaf2 -c ${b}-ca -t ",," -s "CN=${b}-leaf2.example.com" -m 3`,
        `-M -n ${b}-ca -t "CT,C,"`,
      ].join('\n') + '\n',
    )
    return file
  }
  const state = (b: string) =>
    inStore(dir, (s) => {
      const certs = listCertificates(s).filter((c) => c.nickname.startsWith(`${b}-`))
      return {
        certs: certs.length,
        keys: listPrivateKeys(s).length,
        caTrust: certs.find((c) => c.nickname === `${b}-ca`) ? formatTrust(certs.find((c) => c.nickname === `${b}-ca`)!.trust, true) : null,
      }
    })
  const startup = await run('certutil', ['-L', '-d', dir])
  const full = await run('certutil', ['-B', '-i', batchFile('whole'), '-d', dir, '-f', pwfile])
  ok(full, 'an uninterrupted batch')
  assert.deepEqual(state('whole'), {certs: 3, keys: 3, caTrust: 'CTu,Cu,u'})

  const outcomes = []
  let keys = 3
  for (let round = 1; round <= ROUNDS; round++) {
    const b = `killed${round}`
    const o = await run('certutil', ['-B', '-i', batchFile(b), '-d', dir, '-f', pwfile], killMoment(random, startup.ms, full.ms))
    if (!o.killed) ok(o, `round ${round}: the batch finished`)
    const s = state(b)
    const applied = s.certs === 3
    assert.ok(s.certs === 0 || applied, `round ${round}: ${s.certs} of 3 certificates`)
    keys += applied ? 3 : 0
    assert.equal(s.keys, keys, `round ${round}: keys are all added or none`)
    if (applied) assert.equal(s.caTrust, 'CTu,Cu,u', `round ${round}: the last line (-M) is in as well`)
    if (!o.killed) assert.ok(applied, `round ${round}: a finished batch applied every line`)
    outcomes.push({killed: o.killed, applied})
    integrityCheck(join(dir, 'msg.db'))
  }
  tally(t, 'certutil -B', startup, full, outcomes)
  ok(await run('certutil', ['-B', '-i', batchFile('after'), '-d', dir, '-f', pwfile]), 'the next batch after the kills')
  assert.equal(state('after').certs, 3)
})

// Property: pk12util -i stores the certificates and keys of a file in one transaction.
test('crash safety, pk12util -i: a SIGKILLed import leaves the certificate, its chain and its key, or none of them', async (t) => {
  const random = randomFor(t)
  const work = tempDir(t, 'msgctl-rel-p12-')
  // The file comes from a scratch store: a leaf with its key and its CA, exported with cheap PBKDF2.
  const scratch = join(work, 'scratch')
  ok(runTool('certutil', ['-N', '-d', scratch, '--empty-password']), 'certutil -N')
  const make = join(work, 'make.txt')
  writeFileSync(make, '-S -n "P12 CA" -x -t "CT,," -s "CN=P12 CA" -k ec -m 1 --basic-constraints ca -z /etc/passwd\n-S -n p12-leaf -c "P12 CA" -t ",," -s "CN=p12-leaf.example.com" -k ec -m 2\n')
  ok(runTool('certutil', ['-B', '-i', make, '-d', scratch]), 'certutil -B')
  const file = join(work, 'leaf.p12')
  ok(runTool('pk12util', ['-o', file, '-n', 'p12-leaf', '-d', scratch, '-W', 'p12-pw', '--iterations', '1000']), 'pk12util -o')
  const keyId = inStore(scratch, (s) => listCertificates(s).find((c) => c.nickname === 'p12-leaf')!.certificate.keyId.toString('hex'))

  // Every run imports the same file into its own copy of one password-protected store.
  const pristine = join(work, 'pristine')
  storeWithPassword(pristine, 'p12-store-password')
  const copy = (name: string) => {
    const dir = join(work, name)
    cpSync(pristine, dir, {recursive: true})
    return dir
  }
  const importInto = (dir: string, killAfterMs?: number) => run('pk12util', ['-i', file, '-d', dir, '-k', join(dir, 'token.pw'), '-W', 'p12-pw'], killAfterMs)
  const state = (dir: string) =>
    inStore(dir, (s) => {
      const certs = listCertificates(s).map((c) => c.nickname)
      return {leaf: certs.includes('p12-leaf'), chain: certs.includes('P12 CA'), key: listPrivateKeys(s).some((k) => k.keyId.toString('hex') === keyId)}
    })
  const startup = await run('certutil', ['-L', '-d', pristine])
  const full = await importInto(copy('whole'))
  ok(full, 'an uninterrupted import')
  assert.deepEqual(state(join(work, 'whole')), {leaf: true, chain: true, key: true})

  const outcomes = []
  let dir = ''
  for (let round = 1; round <= ROUNDS; round++) {
    dir = copy(`killed-${round}`)
    const o = await importInto(dir, killMoment(random, startup.ms, full.ms))
    if (!o.killed) ok(o, `round ${round}: the import finished`)
    const s = state(dir)
    assert.ok((s.leaf && s.chain && s.key) || (!s.leaf && !s.chain && !s.key), `round ${round}: ${JSON.stringify(s)} is neither all nor none`)
    if (!o.killed) assert.ok(s.leaf, `round ${round}: a finished import stored everything`)
    outcomes.push({killed: o.killed, applied: s.leaf})
    integrityCheck(join(dir, 'msg.db'))
  }
  tally(t, 'pk12util -i', startup, full, outcomes)
  ok(await importInto(dir), 'the next import into the store of the last kill')
  assert.deepEqual(state(dir), {leaf: true, chain: true, key: true})
})

/** Add `n` P-256 keys straight through the core (certutil would take minutes for hundreds). */
function addKeys(dir: string, password: string, n: number): void {
  inStore(dir, (store) => {
    const key = unlockToken(store, password)
    store.write(() => {
      for (let i = 0; i < n; i++) addPrivateKey(store, key, generateKeyPairSync('ec', {namedCurve: 'P-256'}).privateKey, `k${i}`)
    })
  })
}

/**
 * Which password the record and every key are under; fails when keys are
 * mixed. `keys` maps each password to its key from the last record that
 * used it (the candidates are its keys; both passwords must be in it).
 */
function passwordState(dir: string, keys: Map<string, TokenKey | null>): string {
  return inStore(dir, (store) => {
    assert.ok(tokenSecret(store))
    const current = [...keys.keys()].filter((pw) => {
      try {
        unlockToken(store, pw)
        return true
      } catch {
        return false
      }
    })
    assert.equal(current.length, 1, 'the password record accepts exactly one of the two passwords')
    const pw = current[0]!
    // The record's own key for that password (a changed record has a new salt).
    const recordKey = unlockToken(store, pw)
    // The other password's key as derived from its last record, when it has had one.
    const other = [...keys.entries()].find(([p]) => p !== pw)?.[1] ?? null
    for (const k of listPrivateKeys(store)) {
      assert.doesNotThrow(() => loadPrivateKey(store, recordKey, k.keyId), `key ${k.keyId.toString('hex')} opens with the current password`)
      if (other) assert.throws(() => loadPrivateKey(store, other, k.keyId), `key ${k.keyId.toString('hex')} does not open with the other password`)
    }
    keys.set(pw, recordKey)
    return pw
  })
}

// Property: -changepw re-seals every key and replaces the password record in one transaction.
test('crash safety, modutil -changepw of the internal token: a SIGKILLed change leaves every key under the old password or every key under the new one', async (t) => {
  const random = randomFor(t)
  const A = 'first-password'
  const B = 'second-password'
  const dir = tempDir(t, 'msgctl-rel-changepw-')
  const files: Record<string, string> = {[A]: storeWithPassword(dir, A), [B]: join(dir, 'b.pw')}
  writeFileSync(files[B]!, `${B}\n`)
  addKeys(dir, A, 400)
  const keys = new Map<string, TokenKey | null>([[A, null], [B, null]])
  const change = (from: string, to: string) => ['-changepw', INTERNAL_TOKEN, '-pwfile', files[from]!, '-newpwfile', files[to]!, '-dbdir', dir, '-force']
  const startup = await run('modutil', ['-rawlist', '-dbdir', dir])
  const full = await run('modutil', change(A, B))
  ok(full, 'an uninterrupted -changepw')
  let current = passwordState(dir, keys)
  assert.equal(current, B)

  const outcomes = []
  for (let round = 1; round <= ROUNDS; round++) {
    const next: string = current === A ? B : A
    const o = await run('modutil', change(current, next), killMoment(random, startup.ms, full.ms))
    if (!o.killed) ok(o, `round ${round}: -changepw finished`)
    const before = current
    current = passwordState(dir, keys)
    if (!o.killed) assert.equal(current, next, `round ${round}: a finished change moved to the new password`)
    outcomes.push({killed: o.killed, applied: current !== before})
    integrityCheck(join(dir, 'msg.db'))
  }
  tally(t, 'modutil -changepw', startup, full, outcomes)
  // A run left alone completes, and the old password is refused afterwards.
  const next = current === A ? B : A
  const done = runTool('modutil', change(current, next))
  ok(done, 'the next -changepw after the kills')
  assert.equal(done.stdout, `Token "${INTERNAL_TOKEN}" password changed successfully.\n`)
  assert.equal(passwordState(dir, keys), next)
  assert.equal(runTool('modutil', change(current, next)).status, 35, 'the old password no longer works')
})

/** A bare SMTP client: one command, one (possibly multi-line) reply. */
class SmtpClient {
  private buffer = ''
  private closed = false
  private wake: () => void = () => undefined

  private constructor(private readonly socket: Socket) {
    socket.on('data', (d: Buffer) => {
      this.buffer += d.toString('latin1')
      this.wake()
    })
    const end = () => {
      this.closed = true
      this.wake()
    }
    socket.on('close', end)
    socket.on('error', end)
  }

  static async open(port: number): Promise<SmtpClient> {
    const c = new SmtpClient(connect({port, host: '127.0.0.1'}))
    await c.expect(220)
    return c
  }

  /** The next complete reply: lines "NNN-..." continue, "NNN ..." ends it. */
  async reply(): Promise<number> {
    for (;;) {
      const m = /^(?:\d{3}-[^\n]*\n)*(\d{3})(?: [^\n]*)?\n/.exec(this.buffer)
      if (m) {
        this.buffer = this.buffer.slice(m[0].length)
        return Number(m[1])
      }
      if (this.closed) throw new Error('connection closed')
      await new Promise<void>((r) => (this.wake = r))
    }
  }

  async expect(code: number, line?: string): Promise<void> {
    if (line !== undefined) this.socket.write(`${line}\r\n`)
    const got = await this.reply()
    if (got !== code) throw new Error(`${line ?? 'greeting'}: ${got}, expected ${code}`)
  }

  close(): void {
    this.socket.destroy()
  }
}

/** Send messages to alice one after another until the connection breaks; `acked` gets each id answered 250. */
async function sendUntilBroken(port: number, tag: string, acked: string[], attempted: string[]): Promise<void> {
  let c: SmtpClient
  try {
    c = await SmtpClient.open(port)
    await c.expect(250, 'EHLO reliability.test')
  } catch {
    return
  }
  try {
    for (let i = 0; ; i++) {
      const id = `${tag}.${i}@reliability.test`
      await c.expect(250, 'MAIL FROM:<sender@reliability.test>')
      await c.expect(250, 'RCPT TO:<alice@localhost>')
      await c.expect(354, 'DATA')
      attempted.push(id)
      await c.expect(250, `From: sender@reliability.test\r\nTo: alice@localhost\r\nSubject: ${tag} ${i}\r\nMessage-ID: <${id}>\r\n\r\nMessage ${i} of stream ${tag}.\r\n.`)
      acked.push(id)
    }
  } catch {
    // The daemon died: what it acknowledged so far is what it owes.
  } finally {
    c.close()
  }
}

// Property: a 250 after DATA means the message is committed to mail.db, and a restart after
// a crash neither loses nor repeats it.
test('crash safety, daemon: every message SMTP acknowledged with 250 is in the mailbox exactly once after a SIGKILL and restart', async (t) => {
  const random = randomFor(t)
  // mail.db (src/daemon/mailstore/mail_db.ts) and queue.db (src/daemon/smtp/outbound_queue.ts)
  // run in WAL mode with synchronous=FULL, and DATA answers 250 only after the delivery
  // transaction has committed. A SIGKILL loses nothing the OS already has (any setting would
  // do for that); FULL, which fsyncs the WAL at every commit, is what keeps an acknowledged
  // message through a power loss too. This test checks the process-crash half.
  const {dir, ports} = await daemonForTest(t, 'msgctl-rel-smtp-')
  ok(runTool('msgctl', ['user', 'add', 'alice', '-d', dir, '--password-stdin'], {input: 'alice-Pa55-word\n'}), 'msgctl user add')
  const acked: string[] = []
  const attempted: string[] = []
  const KILLS = 2
  const kills: {ackedBeforeKill: number; ackedAfterKill: number}[] = []
  for (let round = 1; round <= KILLS; round++) {
    // Known before the streams start: a synchronous child process now would stall them.
    const pid = Number(readFileSync(join(dir, 'msgctl.pid'), 'utf8'))
    const streams = [1, 2, 3].map((s) => sendUntilBroken(ports.smtp, `r${round}s${s}`, acked, attempted))
    // Kill once mail is flowing, at a random moment of the stream.
    const ackedBefore = acked.length
    const deadline = Date.now() + 20_000
    while (acked.length === ackedBefore && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10))
    assert.ok(acked.length > ackedBefore, `round ${round}: the daemon acknowledged mail`)
    await new Promise((r) => setTimeout(r, 50 + random() * 600))
    const last = acked.length
    process.kill(pid, 'SIGKILL')
    await Promise.all(streams)
    kills.push({ackedBeforeKill: last - ackedBefore, ackedAfterKill: acked.length - last})
    // The dead daemon's pid file (and control socket) are still there: start must see them as stale.
    assert.equal(Number(readFileSync(join(dir, 'msgctl.pid'), 'utf8')), pid)
    const restarted = runTool('msgctl', ['start', '-d', dir])
    ok(restarted, `round ${round}: msgctl start after the kill`)
  }
  // The restarted daemon takes new mail.
  const afterwards: string[] = []
  const c = await SmtpClient.open(ports.smtp)
  await c.expect(250, 'EHLO reliability.test')
  await c.expect(250, 'MAIL FROM:<sender@reliability.test>')
  await c.expect(250, 'RCPT TO:<alice@localhost>')
  await c.expect(354, 'DATA')
  await c.expect(250, 'Message-ID: <after@reliability.test>\r\n\r\nAfter the kills.\r\n.')
  afterwards.push('after@reliability.test')
  c.close()
  ok(runTool('msgctl', ['stop', '-d', dir]), 'msgctl stop')

  const mail = new Database(join(dir, 'mail.db'), {readonly: true})
  const stored = new Map<string, number>()
  try {
    assert.equal(mail.pragma('integrity_check', {simple: true}), 'ok')
    const rows = mail.prepare(`SELECT m.id, c.data FROM message m JOIN mailbox b ON b.id = m.mailbox_id JOIN message_chunk c ON c.message_id = m.id WHERE b.user = 'alice' AND b.name = 'INBOX' ORDER BY m.id, c.seq`).all() as {id: number; data: Buffer}[]
    const texts = new Map<number, string>()
    for (const r of rows) texts.set(r.id, (texts.get(r.id) ?? '') + r.data.toString('latin1'))
    for (const text of texts.values()) {
      const id = /^Message-ID: <([^>]+)>/im.exec(text)?.[1] ?? '(none)'
      stored.set(id, (stored.get(id) ?? 0) + 1)
    }
  } finally {
    mail.close()
  }
  integrityCheck(join(dir, 'msg.db'))
  t.diagnostic(`${acked.length} messages acknowledged, ${attempted.length - acked.length} in flight at the kills, ${stored.size} distinct messages stored; per kill: ${JSON.stringify(kills)}`)
  for (const id of [...acked, ...afterwards]) assert.equal(stored.get(id), 1, `${id} was acknowledged with 250: stored ${stored.get(id) ?? 0} times`)
  for (const [id, n] of stored) {
    assert.ok(attempted.includes(id) || afterwards.includes(id), `${id} was never sent`)
    assert.equal(n, 1, `${id} stored ${n} times`)
  }
})
