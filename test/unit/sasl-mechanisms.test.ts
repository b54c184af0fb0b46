import assert from 'node:assert/strict'
import {execFileSync} from 'node:child_process'
import {X509Certificate} from 'node:crypto'
import {mkdtempSync, readFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {after, before, test} from 'node:test'
import {
  apopTimestamp,
  createMechanism,
  deriveScramCredentials,
  NonceRegistry,
  verifyApop,
  type SaslContext,
  type SaslCredentials,
  type SaslMechanism,
  type SaslStep,
  type ScramHash,
} from '../../src/core/auth/sasl/index.js'

/** Users from the RFC examples, keyed by canonical name. */
const PASSWORDS: Record<string, string> = {
  tim: 'tanstaaftanstaaf',
  Kurt: 'xipj3plmq',
  chris: 'secret',
  mrose: 'tanstaaf',
  user: 'pencil',
}

/** The RFC 5802 / RFC 7677 salts, so the examples' proofs verify. */
const SCRAM_SALTS: Record<ScramHash, Buffer> = {
  sha1: Buffer.from('QSXCR+Q6sek8bf92', 'base64'),
  sha256: Buffer.from('W22ZaJ0SNY7soEsUEjb6gQ==', 'base64'),
}

const canonical = (user: string): string | null => Object.keys(PASSWORDS).find((u) => u.toLowerCase() === user.toLowerCase()) ?? null

/** A directory with plain passwords, SCRAM keys and a certificate map (CN = user). */
const credentials: SaslCredentials = {
  async verifyPassword(user, password) {
    const name = canonical(user)
    return name != null && PASSWORDS[name] === password ? name : null
  },
  async cleartextPassword(user) {
    const name = canonical(user)
    return name == null ? null : PASSWORDS[name]!
  },
  async scramCredentials(user, hash) {
    const name = canonical(user)
    return name == null ? null : deriveScramCredentials(PASSWORDS[name]!, hash, SCRAM_SALTS[hash], 4096)
  },
  async mapCertificate(der) {
    const cn = /(?:^|\n)CN=([^\n]+)/.exec(new X509Certificate(der).subject)?.[1]
    return cn == null ? null : canonical(cn) ?? null
  },
  lookup: canonical,
}

const context = (over: Partial<SaslContext> = {}): SaslContext => ({
  credentials,
  serviceName: 'imap',
  hostname: 'elwood.innosoft.com',
  secure: true,
  ...over,
})

const b64 = (s: string): Buffer => Buffer.from(s, 'base64')
const bytes = (s: string): Buffer => Buffer.from(s, 'utf8')

const mech = (name: string, over: Partial<SaslContext> = {}, options = {}): SaslMechanism => {
  const m = createMechanism(name, context(over), options)
  assert.ok(m, name)
  return m
}
const failure = (step: SaslStep, reason: string) => {
  assert.equal(step.kind, 'failure', JSON.stringify(step))
  if (step.kind === 'failure') assert.equal(step.reason, reason, step.message)
}

test('createMechanism: case-insensitive, unknown names give null', () => {
  assert.equal(createMechanism('plain', context())?.name, 'PLAIN')
  assert.equal(createMechanism('Scram-Sha-256', context())?.name, 'SCRAM-SHA-256')
  assert.equal(createMechanism('GSSAPI', context()), null)
  assert.equal(createMechanism('', context()), null)
})

test('PLAIN: RFC 4616 examples, with and without an initial response', async () => {
  assert.deepEqual(await mech('PLAIN').start(b64('AHRpbQB0YW5zdGFhZnRhbnN0YWFm')), {kind: 'success', user: 'tim'})
  const m = mech('PLAIN')
  assert.deepEqual(await m.start(null), {kind: 'challenge', data: Buffer.alloc(0)})
  assert.deepEqual(await m.next(bytes('tim\0tim\0tanstaaftanstaaf')), {kind: 'success', user: 'tim'})
  // Kurt's password is right, but he may not act as Ursel.
  failure(await mech('PLAIN').start(b64('VXJzZWwAS3VydAB4aXBqM3BsbXE=')), 'not-authorized')
})

test('PLAIN: wrong, trimmed or malformed credentials', async () => {
  failure(await mech('PLAIN').start(bytes('\0tim\0wrong')), 'bad-credentials')
  // The password is used exactly as sent: a trailing space is a different password.
  failure(await mech('PLAIN').start(bytes('\0tim\0tanstaaftanstaaf ')), 'bad-credentials')
  for (const m of ['tim\0pw', '\0\0pw', '\0tim\0', 'a\0b\0c\0d', '', `\0${'u'.repeat(256)}\0pw`, `\0tim\0${'p'.repeat(256)}`]) {
    failure(await mech('PLAIN').start(bytes(m)), 'malformed')
  }
  failure(await mech('PLAIN').start(Buffer.from([0, 0xff, 0xfe, 0, 0x41])), 'malformed')
})

test('LOGIN: prompts Username: then Password:, or takes the user name as initial response', async () => {
  const m = mech('LOGIN')
  assert.deepEqual(await m.start(null), {kind: 'challenge', data: bytes('Username:')})
  assert.deepEqual(await m.next(bytes('tim')), {kind: 'challenge', data: bytes('Password:')})
  assert.deepEqual(await m.next(bytes('tanstaaftanstaaf')), {kind: 'success', user: 'tim'})
  const ir = mech('LOGIN')
  assert.deepEqual(await ir.start(bytes('tim')), {kind: 'challenge', data: bytes('Password:')})
  failure(await ir.next(bytes('tanstaaf')), 'bad-credentials')
  const empty = mech('LOGIN')
  await empty.start(bytes('tim'))
  failure(await empty.next(Buffer.alloc(0)), 'malformed')
})

const RFC2195_CHALLENGE = '<1896.697170952@postoffice.reston.mci.net>'

test('CRAM-MD5: RFC 2195 example', async () => {
  const m = mech('CRAM-MD5', {}, {challenge: RFC2195_CHALLENGE})
  const c = await m.start(null)
  assert.deepEqual(c, {kind: 'challenge', data: b64('PDE4OTYuNjk3MTcwOTUyQHBvc3RvZmZpY2UucmVzdG9uLm1jaS5uZXQ+')})
  assert.deepEqual(await m.next(b64('dGltIGI5MTNhNjAyYzdlZGE3YTQ5NWI0ZTZlNzMzNGQzODkw')), {kind: 'success', user: 'tim'})
})

test('CRAM-MD5: fresh challenge per attempt, naming this host; wrong digest and bad shapes refused', async () => {
  const a = await mech('CRAM-MD5').start(null)
  const b = await mech('CRAM-MD5').start(null)
  assert.ok(a.kind === 'challenge' && b.kind === 'challenge')
  assert.match(a.data.toString(), /^<\d+\.\d+@elwood\.innosoft\.com>$/)
  assert.notDeepEqual(a.data, b.data)
  const m = mech('CRAM-MD5', {}, {challenge: RFC2195_CHALLENGE})
  await m.start(null)
  failure(await m.next(bytes('tim b913a602c7eda7a495b4e6e7334d3891')), 'bad-credentials')
  for (const r of ['tim', 'tim b913', ' b913a602c7eda7a495b4e6e7334d3890', 'tim zz13a602c7eda7a495b4e6e7334d3890']) {
    const x = mech('CRAM-MD5', {}, {challenge: RFC2195_CHALLENGE})
    await x.start(null)
    failure(await x.next(bytes(r)), 'malformed')
  }
  failure(await mech('CRAM-MD5').start(bytes('tim')), 'malformed')
  const noPlain: SaslCredentials = {verifyPassword: credentials.verifyPassword, lookup: credentials.lookup}
  failure(await mech('CRAM-MD5', {credentials: noPlain}).start(null), 'unavailable')
})

const RFC2831_CHALLENGE = 'realm="elwood.innosoft.com",nonce="OA6MG9tEQGm2hh",qop="auth",charset=utf-8,algorithm=md5-sess'
const RFC2831_RESPONSE =
  'Y2hhcnNldD11dGYtOCx1c2VybmFtZT0iY2hyaXMiLHJlYWxtPSJlbHdvb2QuaW5ub3NvZnQuY29tIixub25jZT0iT0E2TUc5dEVRR20yaGgiLG5jPTAwMDAwMDAxLGNub25jZT0iT0E2TUhYaDZWcVRyUmsiLGRpZ2VzdC11cmk9ImltYXAvZWx3b29kLmlubm9zb2Z0LmNvbSIscmVzcG9uc2U9ZDM4OGRhZDkwZDRiYmQ3NjBhMTUyMzIxZjIxNDNhZjcscW9wPWF1dGg='

test('DIGEST-MD5: RFC 2831 IMAP example, rspauth then success on the empty reply', async () => {
  const m = mech('DIGEST-MD5', {}, {nonce: 'OA6MG9tEQGm2hh', nonces: new NonceRegistry()})
  assert.deepEqual(await m.start(null), {kind: 'challenge', data: bytes(RFC2831_CHALLENGE)})
  assert.deepEqual(await m.next(b64(RFC2831_RESPONSE)), {kind: 'challenge', data: b64('cnNwYXV0aD1lYTQwZjYwMzM1YzQyN2I1NTI3Yjg0ZGJhYmNkZmZmZA==')})
  assert.deepEqual(await m.next(Buffer.alloc(0)), {kind: 'success', user: 'chris'})
})

test('DIGEST-MD5: a replayed nonce is refused', async () => {
  const nonces = new NonceRegistry()
  const first = mech('DIGEST-MD5', {}, {nonce: 'OA6MG9tEQGm2hh', nonces})
  await first.start(null)
  assert.equal((await first.next(b64(RFC2831_RESPONSE))).kind, 'challenge')
  // An attacker who recorded the exchange replays it to a server that issued the same nonce.
  const again = mech('DIGEST-MD5', {}, {nonce: 'OA6MG9tEQGm2hh', nonces})
  await again.start(null)
  failure(await again.next(b64(RFC2831_RESPONSE)), 'malformed')
  assert.equal(nonces.size, 1)
})

test('DIGEST-MD5: the nonce registry forgets nonces after their lifetime', () => {
  const nonces = new NonceRegistry(1000, 2)
  assert.equal(nonces.claim('a', 0), true)
  assert.equal(nonces.claim('a', 10), false)
  assert.equal(nonces.claim('b', 20), true)
  assert.equal(nonces.claim('c', 30), true) // over the cap: 'a' goes
  assert.equal(nonces.size, 2)
  assert.equal(nonces.claim('b', 2000), true) // expired, so claimable
})

test('DIGEST-MD5: fresh random nonces; wrong password, digest-uri, nc and malformed responses refused', async () => {
  const a = await mech('DIGEST-MD5').start(null)
  const b = await mech('DIGEST-MD5').start(null)
  assert.ok(a.kind === 'challenge' && b.kind === 'challenge')
  assert.notDeepEqual(a.data, b.data)
  const rfc = b64(RFC2831_RESPONSE).toString()
  const tries: [string, string][] = [
    [rfc.replace('d388dad9', 'd388dad8'), 'bad-credentials'],
    [rfc.replace('username="chris"', 'username="tim"'), 'bad-credentials'],
    [rfc.replace('imap/elwood', 'smtp/elwood'), 'malformed'],
    [rfc.replace('elwood.innosoft.com",r', 'example.org",r'), 'malformed'],
    [rfc.replace('nc=00000001', 'nc=00000002'), 'malformed'],
    [rfc.replace('nonce="OA6MG9tEQGm2hh"', 'nonce="other"'), 'malformed'],
    [rfc.replace('qop=auth', 'qop=auth-conf'), 'malformed'],
    [rfc.replace(',response=d388dad90d4bbd760a152321f2143af7', ''), 'malformed'],
    [rfc.replace('username="chris"', 'username="chris",username="chris"'), 'malformed'],
    [rfc.replace('username="chris"', 'username="chris'), 'malformed'],
    ['', 'malformed'],
  ]
  for (const [response, reason] of tries) {
    const m = mech('DIGEST-MD5', {}, {nonce: 'OA6MG9tEQGm2hh', nonces: new NonceRegistry()})
    await m.start(null)
    failure(await m.next(bytes(response)), reason)
  }
  // A POP server checks the pop/ service name.
  const pop = mech('DIGEST-MD5', {serviceName: 'pop'}, {nonce: 'OA6MG9tEQGm2hh', nonces: new NonceRegistry()})
  await pop.start(null)
  failure(await pop.next(b64(RFC2831_RESPONSE)), 'malformed')
  // A non-empty reply to rspauth is not success.
  const m = mech('DIGEST-MD5', {}, {nonce: 'OA6MG9tEQGm2hh', nonces: new NonceRegistry()})
  await m.start(null)
  await m.next(b64(RFC2831_RESPONSE))
  failure(await m.next(bytes('x')), 'malformed')
})

test('APOP: RFC 1939 example; fresh timestamps', async () => {
  const ts = '<1896.697170952@dbc.mtview.ca.us>'
  assert.deepEqual(await verifyApop(ts, 'mrose', 'c4c9334bac560ecc979e58001b3e22fb', credentials), {kind: 'success', user: 'mrose'})
  assert.deepEqual(await verifyApop(ts, 'mrose', 'C4C9334BAC560ECC979E58001B3E22FB', credentials), {kind: 'success', user: 'mrose'})
  failure(await verifyApop(ts, 'mrose', 'c4c9334bac560ecc979e58001b3e22fc', credentials), 'bad-credentials')
  failure(await verifyApop('<other@dbc.mtview.ca.us>', 'mrose', 'c4c9334bac560ecc979e58001b3e22fb', credentials), 'bad-credentials')
  failure(await verifyApop(ts, 'nobody', 'c4c9334bac560ecc979e58001b3e22fb', credentials), 'bad-credentials')
  failure(await verifyApop(ts, 'mrose', 'c4c9', credentials), 'malformed')
  const a = apopTimestamp('pop.example.org')
  assert.match(a, new RegExp(`^<${process.pid}\\.\\d+\\.\\d+@pop\\.example\\.org>$`))
  assert.notEqual(a, apopTimestamp('pop.example.org'))
})

test('ANONYMOUS: RFC 4505 trace, user is "anonymous"', async () => {
  assert.deepEqual(await mech('ANONYMOUS').start(b64('c2lyaGM=')), {kind: 'success', user: 'anonymous', trace: 'sirhc'})
  const m = mech('ANONYMOUS')
  assert.deepEqual(await m.start(null), {kind: 'challenge', data: Buffer.alloc(0)})
  assert.deepEqual(await m.next(Buffer.alloc(0)), {kind: 'success', user: 'anonymous', trace: ''})
  assert.equal((await mech('ANONYMOUS').start(bytes('é'.repeat(255)))).kind, 'success')
  failure(await mech('ANONYMOUS').start(bytes('x'.repeat(256))), 'malformed')
  failure(await mech('ANONYMOUS').start(Buffer.from([0xc3])), 'malformed')
})

let certDir = ''
let fredCert: Buffer = Buffer.alloc(0)
let strangerCert: Buffer = Buffer.alloc(0)
before(() => {
  certDir = mkdtempSync(join(tmpdir(), 'sasl-external-'))
  const make = (cn: string): Buffer => {
    const out = join(certDir, `${cn}.der`)
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', join(certDir, `${cn}.key`), '-subj', `/CN=${cn}`, '-days', '1', '-outform', 'DER', '-out', out], {stdio: 'ignore'})
    return readFileSync(out)
  }
  fredCert = make('tim')
  strangerCert = make('stranger')
})
after(() => rmSync(certDir, {recursive: true, force: true}))

test('EXTERNAL: a real client certificate, mapped by the directory', async () => {
  assert.match(new X509Certificate(fredCert).subject, /CN=tim/)
  assert.deepEqual(await mech('EXTERNAL', {peerCertificate: fredCert}).start(Buffer.alloc(0)), {kind: 'success', user: 'tim'})
  assert.deepEqual(await mech('EXTERNAL', {peerCertificate: fredCert}).start(bytes('tim')), {kind: 'success', user: 'tim'})
  const m = mech('EXTERNAL', {peerCertificate: fredCert})
  assert.deepEqual(await m.start(null), {kind: 'challenge', data: Buffer.alloc(0)})
  assert.deepEqual(await m.next(Buffer.alloc(0)), {kind: 'success', user: 'tim'})
  failure(await mech('EXTERNAL', {peerCertificate: fredCert}).start(b64('ZnJlZA==')), 'not-authorized') // "fred"
  failure(await mech('EXTERNAL', {peerCertificate: strangerCert}).start(Buffer.alloc(0)), 'bad-credentials')
  failure(await mech('EXTERNAL').start(Buffer.alloc(0)), 'bad-credentials')
  const noMap: SaslCredentials = {verifyPassword: credentials.verifyPassword, lookup: credentials.lookup}
  failure(await mech('EXTERNAL', {peerCertificate: fredCert, credentials: noMap}).start(Buffer.alloc(0)), 'unavailable')
  // A certificate the directory cannot even parse is an outage of the mapping, not an exception.
  failure(await mech('EXTERNAL', {peerCertificate: bytes('not DER')}).start(Buffer.alloc(0)), 'unavailable')
})

test('exchange order: no next before start, nothing after an outcome', async () => {
  failure(await mech('PLAIN').next(bytes('\0tim\0tanstaaftanstaaf')), 'malformed')
  const m = mech('PLAIN')
  await m.start(bytes('\0tim\0tanstaaftanstaaf'))
  failure(await m.next(bytes('\0tim\0tanstaaftanstaaf')), 'malformed')
  failure(await m.start(null), 'malformed')
})

test('a failing directory is "unavailable", never an exception', async () => {
  const broken: SaslCredentials = {
    verifyPassword: () => Promise.reject(new Error('LDAP down')),
    cleartextPassword: () => Promise.reject(new Error('LDAP down')),
    scramCredentials: () => Promise.reject(new Error('LDAP down')),
    mapCertificate: () => Promise.reject(new Error('LDAP down')),
    lookup: () => {
      throw new Error('LDAP down')
    },
  }
  failure(await mech('PLAIN', {credentials: broken}).start(bytes('\0tim\0x')), 'unavailable')
  failure(await mech('SCRAM-SHA-256', {credentials: broken}).start(bytes('n,,n=user,r=abc')), 'unavailable')
  failure(await mech('EXTERNAL', {credentials: broken, peerCertificate: fredCert}).start(Buffer.alloc(0)), 'unavailable')
  const cram = mech('CRAM-MD5', {credentials: broken})
  await cram.start(null)
  failure(await cram.next(bytes('tim b913a602c7eda7a495b4e6e7334d3890')), 'unavailable')
})

/** xorshift32: reproducible "random" client bytes. */
function prng(seed: number): () => number {
  let x = seed
  return () => {
    x ^= x << 13
    x ^= x >>> 17
    x ^= x << 5
    return (x >>> 0) / 2 ** 32
  }
}

test('random bytes at every step give typed steps, never a throw', async () => {
  const rand = prng(0x5a51)
  const alphabet = Buffer.from('\0,=" \\nrcpa01/:<>@\xff\xc3')
  const randomMessage = (): Buffer => {
    const len = Math.floor(rand() * 80)
    const useAlphabet = rand() < 0.5
    return Buffer.from(Array.from({length: len}, () => (useAlphabet ? alphabet[Math.floor(rand() * alphabet.length)]! : Math.floor(rand() * 256))))
  }
  const names = ['PLAIN', 'LOGIN', 'CRAM-MD5', 'DIGEST-MD5', 'SCRAM-SHA-1', 'SCRAM-SHA-256', 'ANONYMOUS', 'EXTERNAL']
  for (let round = 0; round < 300; round++) {
    for (const name of names) {
      const m = mech(name, {peerCertificate: rand() < 0.5 ? fredCert : randomMessage()})
      let step = await m.start(rand() < 0.3 ? null : randomMessage())
      for (let i = 0; i < 3 && step.kind === 'challenge'; i++) step = await m.next(randomMessage())
      assert.ok(['challenge', 'success', 'failure'].includes(step.kind), `${name}: ${JSON.stringify(step)}`)
      if (step.kind === 'success') assert.ok(name === 'ANONYMOUS' || name === 'EXTERNAL', `${name} succeeded on random bytes`)
    }
  }
})
