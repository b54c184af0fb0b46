/**
 * CMS messages come from anyone (cmsutil -D). Property: decodeMessage over
 * any bytes and over mutated real messages (signed, enveloped, encrypted,
 * certs-only; written by our encoder and by openssl), in any chunking,
 * resolves with its levels or rejects with CmsError with a clear one-line
 * message, within the time limit, and never hands the sink more bytes than
 * the input holds.
 */
import assert from 'node:assert/strict'
import {execFileSync} from 'node:child_process'
import {createPrivateKey, type KeyObject} from 'node:crypto'
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {test} from 'node:test'
import fc from 'fast-check'
import {certsOnly, CmsError, decodeMessage, encryptedData, envelopedData, identifies, signedData, type DecodeHost} from '../../../src/core/cms/index.js'
import {Certificate} from '../../../src/core/pki/index.js'
import {chunk, chunkSizes, derInput, fuzzParams, MemoryWatch, outcomeOfAsync} from './fuzz_config.js'

const KEY = Buffer.alloc(32, 7)

async function collect(gen: AsyncIterable<Buffer>): Promise<Buffer> {
  const parts: Buffer[] = []
  for await (const c of gen) parts.push(c)
  return Buffer.concat(parts)
}

async function* once(data: Buffer): AsyncGenerator<Buffer> {
  yield data
}

/** A signer (RSA) and a recipient (EC), messages from our encoder, and the same kinds from openssl. */
async function makeSamples(): Promise<{samples: Buffer[]; certs: Certificate[]; keys: Map<Certificate, KeyObject>}> {
  const dir = mkdtempSync(join(tmpdir(), 'msgctl-fuzz-cms-'))
  try {
    const f = (n: string): string => join(dir, n)
    const run = (...args: string[]): void => void execFileSync('openssl', args, {stdio: 'ignore'})
    run('req', '-x509', '-newkey', 'rsa:1024', '-nodes', '-keyout', f('rsa.key'), '-out', f('rsa.pem'), '-subj', '/CN=signer/emailAddress=s@example.test', '-days', '2')
    run('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', f('ec.key'), '-out', f('ec.pem'), '-subj', '/CN=recipient', '-days', '2')
    writeFileSync(f('content'), 'Hello, CMS.\n'.repeat(40))
    run('cms', '-sign', '-in', f('content'), '-signer', f('rsa.pem'), '-inkey', f('rsa.key'), '-outform', 'DER', '-out', f('signed.der'), '-nodetach', '-binary')
    run('cms', '-encrypt', '-in', f('content'), '-recip', f('rsa.pem'), '-outform', 'DER', '-out', f('env-rsa.der'), '-aes-128-cbc', '-binary')
    run('cms', '-encrypt', '-in', f('content'), '-recip', f('ec.pem'), '-outform', 'DER', '-out', f('env-ec.der'), '-aes-256-gcm', '-binary')
    const rsa = Certificate.fromDerOrPem(readFileSync(f('rsa.pem')))
    const ec = Certificate.fromDerOrPem(readFileSync(f('ec.pem')))
    const rsaKey = createPrivateKey(readFileSync(f('rsa.key')))
    const ecKey = createPrivateKey(readFileSync(f('ec.key')))
    const content = readFileSync(f('content'))
    const samples = [
      readFileSync(f('signed.der')), readFileSync(f('env-rsa.der')), readFileSync(f('env-ec.der')),
      await collect(signedData(once(content), {signerCertificate: rsa, privateKey: rsaKey, certificates: [rsa], digest: 'SHA256', detached: false, signingTime: new Date(0), smimeCapabilities: true})),
      await collect(envelopedData(once(content), {recipients: [rsa, ec], cipher: 'aes256-cbc'})),
      await collect(encryptedData(once(content), 'aes256-cbc', KEY)),
      certsOnly([rsa, ec]),
    ]
    return {samples, certs: [rsa, ec], keys: new Map([[rsa, rsaKey], [ec, ecKey]])}
  } finally {
    rmSync(dir, {recursive: true, force: true})
  }
}

const {samples: SAMPLES, certs: CERTS, keys: KEYS} = await makeSamples()

/** The store's part, answering from the two test certificates and their keys. */
const host: DecodeHost = {
  findCertificate: (id, messageCertificates) => [...messageCertificates, ...CERTS].find((c) => identifies(id, c)) ?? null,
  verifyCertificate: () => null,
  recipientKey: async (id) => {
    const cert = CERTS.find((c) => identifies(id, c))
    return cert === undefined ? null : {certificate: cert, privateKey: KEYS.get(cert)!}
  },
  bulkKey: async () => KEY,
}

async function* chunks(parts: readonly Buffer[]): AsyncGenerator<Buffer> {
  yield* parts
}

/**
 * Found by this test (seed 25): an EnvelopedData whose recipientInfos hold an element with a
 * short-form length past its container. ber_normalize.ts read on past the buffer, got NaN
 * offsets and looped for ever, growing memory.
 */
const NAN_LOOP = Buffer.from(
  'MIAGCSqGSIb3DQEHA6CAMIACAQIxggGuMIHfAgEAMEgwMDEPMA0GA1UEAwwGc2lnbmVyMR0wGwYJKoZIhvcNAQkBFg5zQGV4YW1wbGUudGVzdAIUCrWA2Mw/C54dMISmBkE+vCdDC2YwDQYJKoZIhvcNAQEBBQAEgYAHP0vtH6zoi2jRPyfWB7X40PDbvNxreWpJD57HFv+X5pxIqh2Vxj1D1RaQ0MRJZot8x/DwsPhQGLo/ZrfLWUpswVyUi9EAk+5vMab+SO556Ey7Wt+GCcC6mrgSXimWveAZnTU+qBgZV3hmxiQVPl417tMSNmsFhnW/GoijpaFv7aGByQIBA6BRoU8wCQYHKoZIzj0CAQNCAASlbtf8DuhYPC2Cjp/FYjjAAriwEz+gj8ditT13YuxMjAFlAwQBLTBaMFgwLDAUMRIwEAYDVQQDDAlyZWNpcGllbnQCFDdKuulS+GfJ0RvbKNrGfO2zaHPzBCi+J2pGAWJh52/+LFu3Vm/dta4JgGdUtdQ2QpW3QeYxmApO18CCv9DaMIAGCSqGSIb3DQEHATAdBglghkgBZQMEASoEED4afOcie4YE06gIn3AxeHWggASCAeBr0O+5K4oQnWxK4hNi6OQoqCnX3hBdw2K2EqGmouRRxq+7dHDdFfnym/L0K1f7+wXnEEMm/8ewlw69G2hpIYAnu4BmoHbweTV3UPsdpiFfBxJM8nmnhzEtQtmfJb7wNCZjy46YGnTxb7UtG9FWVPdqC5OjF72TfPRi2PwvLqgZDxT19AVhznFPi3gK4H2HlW9PEe99Iq5jr45R1xaFBbFJf8GilYB+EXYQz0aQ2ILLll2F0F5w9x7eevWfelmFG7rq5qGC9soWiCEISL8zkCB82oBu/3JdpgAqziEFosZFW3v1nrI9e6AMp9BXvdzxuwfOHckwkbjGRG/aSggVTfK/1XvnKzUNLiMSC8Bm2tiRwWHf+Bo22GQrnLmYPAlzTBoijkHInTL+5wdCluwfToQf/ifPW+4RABq9uTEwgBlN56nBGExGgurph6ybV8jVcMckd2gm2RXbkK0HQY6Uo/rR90ggxR0PzsUirmof2a6SmwFXGR92VJEH9Pme13zn56uoHjFZF1Ap6aC5uT56Pbldc7okdV6qkrvL1OKA2CTz15h3RiR2v2nDDJgiPgAcflDdIIEfcf4BPSM77kplT3Ft60A9xE0JGcoCmUXIGa9CE6UuC+vZIVI545SQqTlFD/IEEH/GJrEgFlnrA0KhplmmOGIAAAAAAAAAAAAA',
  'base64',
)

test('decodeMessage: any bytes and mutated CMS messages, in any chunking, give levels or CmsError; content never exceeds the input', async () => {
  const memory = new MemoryWatch()
  const examples: [Buffer, number[]][] = [[NAN_LOOP, [4096]]]
  await fc.assert(
    fc.asyncProperty(derInput(SAMPLES), chunkSizes, async (input, sizes) => {
      let content = 0
      await outcomeOfAsync('decodeMessage', input, () => decodeMessage(chunks(chunk(input, sizes)), host, (c) => void (content += c.length)), [CmsError])
      assert.ok(content <= input.length, `the sink got ${content} content bytes from a ${input.length}-byte message`)
      memory.check('decodeMessage')
    }),
    {...fuzzParams(10), examples},
  )
})

test('decodeMessage: every sample decodes (the fuzz starts from valid messages)', async () => {
  for (const s of SAMPLES) assert.ok((await decodeMessage(once(s), host, () => undefined)).length >= 1)
})
