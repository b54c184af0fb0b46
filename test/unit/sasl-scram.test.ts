import assert from 'node:assert/strict'
import {test} from 'node:test'
import {createMechanism, deriveScramCredentials, saslprep, type SaslCredentials, type SaslStep, type ScramHash} from '../../src/core/auth/sasl/index.js'

const SALTS: Record<ScramHash, Buffer> = {sha1: Buffer.from('QSXCR+Q6sek8bf92', 'base64'), sha256: Buffer.from('W22ZaJ0SNY7soEsUEjb6gQ==', 'base64')}

/** A directory that stores only SCRAM keys (no plain passwords) for `user`/`pencil`. */
const scramOnly: SaslCredentials = {
  verifyPassword: async () => null,
  scramCredentials: async (user, hash) => (user === 'user' ? deriveScramCredentials('pencil', hash, SALTS[hash], 4096) : null),
  lookup: (user) => (user === 'user' ? 'user' : null),
}
/** A directory with plain passwords only: SCRAM keys are derived per attempt. */
const plainOnly: SaslCredentials = {
  verifyPassword: async () => null,
  cleartextPassword: async (user) => (user === 'user' ? 'pencil' : null),
  lookup: (user) => (user === 'user' ? 'user' : null),
}

const ctx = (credentials: SaslCredentials = scramOnly) => ({credentials, serviceName: 'imap' as const, hostname: 'mail.example.org', secure: true})
const scram = (hash: ScramHash, serverNonce?: string, credentials?: SaslCredentials) =>
  createMechanism(hash === 'sha1' ? 'SCRAM-SHA-1' : 'SCRAM-SHA-256', ctx(credentials), serverNonce ? {serverNonce} : {})!
const text = (s: string) => Buffer.from(s, 'utf8')
const failure = (step: SaslStep, reason: string) => {
  assert.equal(step.kind, 'failure', JSON.stringify(step))
  if (step.kind === 'failure') assert.equal(step.reason, reason, step.message)
}

const RFC7677 = {
  clientFirst: 'n,,n=user,r=rOprNGfwEbeRWgbNEkqO',
  serverNonce: '%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0',
  serverFirst: 'r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096',
  clientFinal: 'c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=',
  serverFinal: 'v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=',
}
const RFC5802 = {
  clientFirst: 'n,,n=user,r=fyko+d2lbbFgONRv9qkxdawL',
  serverNonce: '3rfcNHYJY1ZVvWVs7j',
  serverFirst: 'r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096',
  clientFinal: 'c=biws,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,p=v0X8v3Bz2T0CJGbJQyF0X+HI4Ts=',
  serverFinal: 'v=rmF9pqV8S7suAoZWja4dJRkFsKQ=',
}

test('deriveScramCredentials: RFC 7677 stored and server keys; refuses weak iteration counts', async () => {
  const keys = await deriveScramCredentials('pencil', 'sha256', SALTS.sha256, 4096)
  assert.equal(keys.storedKey.toString('base64'), 'WG5d8oPm3OtcPnkdi4Uo7BkeZkBFzpcXkuLmtbsT4qY=')
  assert.equal(keys.serverKey.toString('base64'), 'wfPLwcE6nTWhTAmQ7tl2KeoiWGPlZqQxSrmfPwDl2dU=')
  assert.equal(keys.iterations, 4096)
  assert.equal((await deriveScramCredentials('pencil', 'sha1')).salt.length, 16)
  await assert.rejects(deriveScramCredentials('pencil', 'sha256', SALTS.sha256, 4095), RangeError)
  await assert.rejects(deriveScramCredentials('pen\u0007cil', 'sha256'), RangeError)
})

for (const [hash, v] of [['sha256', RFC7677], ['sha1', RFC5802]] as const) {
  for (const [label, credentials] of [['stored keys', scramOnly], ['plain password', plainOnly]] as const) {
    test(`SCRAM-${hash.toUpperCase()}: the RFC example from ${label}`, async () => {
      const m = scram(hash, v.serverNonce, credentials)
      // Plain-password directories get a fresh random salt, so the RFC proof only fits stored keys.
      const first = await m.start(text(v.clientFirst))
      assert.equal(first.kind, 'challenge')
      if (credentials === scramOnly) {
        assert.deepEqual(first, {kind: 'challenge', data: text(v.serverFirst)})
        assert.deepEqual(await m.next(text(v.clientFinal)), {kind: 'success', user: 'user', data: text(v.serverFinal)})
      } else if (first.kind === 'challenge') {
        const [nonce, salt, iterations] = first.data.toString().split(',')
        assert.equal(nonce, `r=${v.clientFirst.slice('n,,n=user,r='.length)}${v.serverNonce}`)
        assert.notEqual(salt, `s=${SALTS[hash].toString('base64')}`)
        assert.equal(iterations, 'i=4096')
        failure(await m.next(text(v.clientFinal)), 'bad-credentials')
      }
    })
  }
}

test('SCRAM: an empty initial challenge when the client sends no initial response', async () => {
  const m = scram('sha256', RFC7677.serverNonce)
  assert.deepEqual(await m.start(null), {kind: 'challenge', data: Buffer.alloc(0)})
  assert.deepEqual(await m.next(text(RFC7677.clientFirst)), {kind: 'challenge', data: text(RFC7677.serverFirst)})
  assert.equal((await m.next(text(RFC7677.clientFinal))).kind, 'success')
})

test('SCRAM: a wrong proof, a wrong nonce, a tampered header are refused', async () => {
  const wrongProof = scram('sha256', RFC7677.serverNonce)
  await wrongProof.start(text(RFC7677.clientFirst))
  failure(await wrongProof.next(text(RFC7677.clientFinal.replace('p=dHzb', 'p=dHzc'))), 'bad-credentials')
  const wrongNonce = scram('sha256', RFC7677.serverNonce)
  await wrongNonce.start(text(RFC7677.clientFirst))
  failure(await wrongNonce.next(text(RFC7677.clientFinal.replace('hNlF$k0', 'hNlF$k1'))), 'malformed')
  // c= must repeat the GS2 header: "y,," here, "n,," in the first message.
  const header = scram('sha256', RFC7677.serverNonce)
  await header.start(text(RFC7677.clientFirst))
  failure(await header.next(text(RFC7677.clientFinal.replace('c=biws', 'c=eSws'))), 'malformed')
  const shortProof = scram('sha1', RFC5802.serverNonce)
  await shortProof.start(text(RFC5802.clientFirst))
  failure(await shortProof.next(text('c=biws,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,p=AAAA')), 'malformed')
})

test('SCRAM: an unknown user sees a plausible, stable salt and fails only at the proof', async () => {
  const a = scram('sha256', 'x')
  const s1 = await a.start(text('n,,n=nobody,r=abc'))
  const s2 = await scram('sha256', 'x').start(text('n,,n=nobody,r=abc'))
  assert.equal(s1.kind, 'challenge')
  assert.deepEqual(s1, s2)
  failure(await a.next(text('c=biws,r=abcx,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=')), 'bad-credentials')
})

test('SCRAM: channel binding p= refused; y accepted; authzid must be the user', async () => {
  failure(await scram('sha256').start(text('p=tls-unique,,n=user,r=abc')), 'malformed')
  failure(await scram('sha256').start(text('p=tls-exporter,,n=user,r=abc')), 'malformed')
  assert.equal((await scram('sha256').start(text('y,,n=user,r=abc'))).kind, 'challenge')
  assert.equal((await scram('sha256').start(text('n,a=user,n=user,r=abc'))).kind, 'challenge')
})

test('SCRAM: y,, and a=user complete with the right proof (computed like a client)', async () => {
  const {createHash, createHmac, pbkdf2Sync} = await import('node:crypto')
  const clientProof = (gs2: string, authzidOk: boolean) => async () => {
    const m = scram('sha256', 'SRV')
    const bare = 'n=user,r=cli'
    const sf = await m.start(text(gs2 + bare))
    assert.equal(sf.kind, 'challenge')
    const serverFirst = sf.kind === 'challenge' ? sf.data.toString() : ''
    const withoutProof = `c=${Buffer.from(gs2).toString('base64')},r=cliSRV`
    const salted = pbkdf2Sync('pencil', SALTS.sha256, 4096, 32, 'sha256')
    const clientKey = createHmac('sha256', salted).update('Client Key').digest()
    const sig = createHmac('sha256', createHash('sha256').update(clientKey).digest()).update(`${bare},${serverFirst},${withoutProof}`).digest()
    const proof = Buffer.from(clientKey.map((b, i) => b ^ sig[i]!)).toString('base64')
    const end = await m.next(text(`${withoutProof},p=${proof}`))
    if (authzidOk) assert.equal(end.kind, 'success', JSON.stringify(end))
    else failure(end, 'not-authorized')
  }
  await clientProof('y,,', true)()
  await clientProof('n,a=user,', true)()
  await clientProof('n,a=admin,', false)()
})

test('SCRAM: malformed client-first and client-final messages', async () => {
  const firsts = ['', 'n', 'n,,', 'n,,r=abc,n=user', 'n,,n=user', 'n,,n=,r=abc', 'n,,n=us=er,r=abc', 'n,,n=user,r=a,b', 'n,,n=user,r=a,=b', 'x,,n=user,r=abc', 'n,,m=ext,n=user,r=abc', 'n,,n=u\u0007,r=abc']
  for (const f of firsts) failure(await scram('sha256').start(text(f)), 'malformed')
  failure(await scram('sha256').start(Buffer.from([0x6e, 0x2c, 0x2c, 0xff])), 'malformed')
  for (const f of ['', 'c=biws', 'c=biws,r=abc', 'r=x,c=biws,p=AAAA', 'c=b!ws,r=abcSRV,p=AAAA', 'c=biws,r=abcSRV,p=']) {
    const m = scram('sha256', 'SRV')
    await m.start(text('n,,n=user,r=abc'))
    failure(await m.next(text(f)), 'malformed')
  }
})

test('SCRAM: stored keys below 4096 iterations are refused; no SCRAM source is unavailable', async () => {
  const weak: SaslCredentials = {...scramOnly, scramCredentials: async () => ({...(await deriveScramCredentials('pencil', 'sha256', SALTS.sha256)), iterations: 1000})}
  failure(await scram('sha256', undefined, weak).start(text(RFC7677.clientFirst)), 'unavailable')
  failure(await scram('sha256', undefined, {verifyPassword: async () => null, lookup: () => null}).start(text(RFC7677.clientFirst)), 'unavailable')
})

test('saslprep: spaces mapped, soft hyphen removed, NFKC, controls refused', () => {
  assert.equal(saslprep('I\u00ADX'), 'IX')
  assert.equal(saslprep('user'), 'user')
  assert.equal(saslprep('USER'), 'USER')
  assert.equal(saslprep('\u00AA'), 'a')
  assert.equal(saslprep('\u2168'), 'IX')
  assert.equal(saslprep('a\u00A0b'), 'a b')
  assert.equal(saslprep('\u0007'), null)
  assert.equal(saslprep('a\uD800b'), null)
})

test('SCRAM: a user name escaped with =2C and =3D is decoded', async () => {
  const seen: string[] = []
  const spy: SaslCredentials = {...scramOnly, scramCredentials: async (u) => (seen.push(u), null)}
  await scram('sha1', undefined, spy).start(text('n,,n=a=2Cb=3Dc,r=abc'))
  assert.deepEqual(seen, ['a,b=c'])
})
