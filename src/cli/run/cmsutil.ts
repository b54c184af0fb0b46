import {createReadStream, existsSync, readFileSync} from 'node:fs'
import {buildChain, loadPrivateKey, validateCertificate, type StoredCertificate} from '../../core/certdb/index.js'
import {
  certsOnly, CmsError, decodeMessage, encryptedData, envelopedData, NSS_ERRORS, parseCipherName, parseDigestName, signedData,
  type ContentCipherName, type DecodeHost, type LevelReport, type NssErrorName,
} from '../../core/cms/index.js'
import {MsgctlError} from '../../core/errors.js'
import {locateStore, Store} from '../../core/store/index.js'
import {TokenLogin} from '../cmsutil/login.js'
import {ContentSpool, writeEncoded, writeStdout} from '../cmsutil/output.js'
import {renderHeader, reportJson} from '../cmsutil/report.js'
import {certificatesFor, StoreHost} from '../cmsutil/store_host.js'
import {CERT_USAGES, modeOf, USAGE_LETTERS, type Mode} from '../cmsutil/usage.js'
import type {CommandRun} from './types.js'

type Flags = Record<string, string | boolean | undefined>

const str = (f: Flags, name: string): string | undefined => (typeof f[name] === 'string' ? (f[name] as string) : undefined)

const failure = (message: string): MsgctlError => new MsgctlError(message, 1)

/** `problem <doing>: NAME: text` as cmsutil prints a failed operation. */
function problem(doing: string, e: unknown): never {
  if (e instanceof CmsError) throw failure(`problem ${doing}: ${e.message}`)
  throw e
}

function nssError(name: NssErrorName, detail?: string): string {
  return `${name}: ${NSS_ERRORS[name]}${detail ? ` (${detail})` : ''}`
}

export const run: CommandRun = async ({flags, args}) => {
  const f = flags as Flags
  const mode = modeOf(f)
  const verbose = (line: string) => f.verbose && process.stderr.write(`${line}\n`)
  verbose('received commands')
  if (args.length > 0) throw new MsgctlError(`unexpected argument "${args[0]}"`, 255)
  let usage = 4
  if (str(f, 'usage') !== undefined) {
    usage = Number(str(f, 'usage'))
    // NSS 3.87 exits silently here.
    if (!/^\d+$/.test(str(f, 'usage')!) || usage > 11) throw new MsgctlError(`-u ${str(f, 'usage')}: certificate usage must be 0-11 (${CERT_USAGES[4]} is 4)`, 255)
  }
  const digest = str(f, 'hash') === undefined ? 'SHA256' : parseDigestName(str(f, 'hash')!)
  if (digest === null) throw failure('-H requires one of MD2,MD4,MD5,SHA1,SHA256,SHA384,SHA512')
  let headerLevel: number | null = null
  if (str(f, 'headers') !== undefined) {
    headerLevel = Number(str(f, 'headers'))
    if (!Number.isInteger(headerLevel)) throw failure(`option -h needs a number, not "${str(f, 'headers')}".`)
    if (headerLevel < 0) throw failure('option -h cannot have a negative value.')
  }
  const cipher = str(f, 'cipher') === undefined ? 'aes256-cbc' : parseCipherName(str(f, 'cipher')!)
  if (cipher === null) throw failure(`--cipher ${str(f, 'cipher')}: use aes128, aes192, aes256, aes128-gcm, aes192-gcm or aes256-gcm`)
  const input = str(f, 'input')
  if (input !== undefined && !existsSync(input)) throw failure(`unable to open "${input}" for reading`)
  if (mode === 'encrypted' && str(f, 'envfile') === undefined) throw failure('you must specify an envelope file with -e.')

  let store: Store
  try {
    store = Store.open(locateStore(str(f, 'dbdir')))
  } catch (e) {
    throw failure(`NSS_Init failed: SEC_ERROR_BAD_DATABASE: security library: bad database. (${(e as Error).message})`)
  }
  verbose('NSS has been initialized.')
  try {
    const login = new TokenLogin(store, str(f, 'password'), str(f, 'pwfile'))
    const ctx: Ctx = {store, login, f, usageLetter: USAGE_LETTERS[usage]!, digest, headerLevel, cipher, verbose}
    return await modes[mode](ctx)
  } finally {
    store.close()
  }
}

interface Ctx {
  readonly store: Store
  readonly login: TokenLogin
  readonly f: Flags
  readonly usageLetter: string
  readonly digest: NonNullable<ReturnType<typeof parseDigestName>>
  readonly headerLevel: number | null
  readonly cipher: ContentCipherName
  readonly verbose: (line: string) => void
}

function inputStream(file: string | undefined): AsyncIterable<Buffer> {
  if (file === undefined) return process.stdin
  return createReadStream(file, {highWaterMark: 1 << 20})
}

const modes: Record<Mode, (c: Ctx) => Promise<number>> = {sign, envelope, certsonly: certsOnlyMode, encrypted, decode}

async function sign(c: Ctx): Promise<number> {
  const nick = str(c.f, 'nickname')
  if (nick === undefined) {
    process.stderr.write('ERROR: please indicate the nickname of a certificate to sign with.\n')
    throw failure(`problem signing: ${nssError('SEC_ERROR_INVALID_ARGS', 'give the signer with -N NICK')}`)
  }
  const signer = certificatesFor(c.store, nick).find((s) => s.hasPrivateKey)
  if (!signer) throw failure(`the corresponding cert for key "${nick}" does not exist: ${nssError('SEC_ERROR_UNKNOWN_CERT')}`)
  // Signing needs a certificate fit for e-mail signing; trust is the verifier's business.
  const unfit = validateCertificate(c.store, signer, 'S').find((e) => e.name === (signer.nickname || signer.certificate.subject.text) && (e.message === NSS_ERRORS.SEC_ERROR_INADEQUATE_KEY_USAGE || e.message === NSS_ERRORS.SEC_ERROR_INADEQUATE_CERT_TYPE))
  if (unfit) throw failure(`problem signing: ${nssError(unfit.message === NSS_ERRORS.SEC_ERROR_INADEQUATE_KEY_USAGE ? 'SEC_ERROR_INADEQUATE_KEY_USAGE' : 'SEC_ERROR_INADEQUATE_CERT_TYPE', `"${nick}" may not sign e-mail`)}`)
  const keypref = str(c.f, 'keypref')
  let preference = undefined
  if (keypref === 'NONE') preference = null
  else if (keypref !== undefined) {
    const p = certificatesFor(c.store, keypref)[0]
    if (!p) throw failure(`cannot find certificate for "${keypref}": ${nssError('SEC_ERROR_UNKNOWN_CERT')}`)
    preference = p.certificate
  }
  const privateKey = loadPrivateKey(c.store, await c.login.key(), signer.certificate.keyId)
  const chain = buildChain(c.store, signer).map((s) => s.certificate).filter((cert, i) => i === 0 || !cert.isSelfIssued)
  c.verbose(`signing with "${signer.nickname}" (${c.digest})`)
  try {
    await writeEncoded(str(c.f, 'output'), signedData(inputStream(str(c.f, 'input')), {
      signerCertificate: signer.certificate, privateKey, certificates: chain, digest: c.digest, detached: c.f.detached === true,
      signingTime: c.f.signingtime ? new Date() : undefined, smimeCapabilities: c.f.capabilities === true,
      encryptionKeyPreference: preference, subjectKeyId: c.f.subjectkeyid === true,
    }))
  } catch (e) {
    problem('signing', e)
  }
  return 0
}

/** The certificates -r names, each by nickname or e-mail, in order. */
function recipients(c: Ctx): StoredCertificate[] {
  const list = str(c.f, 'recipients')
  if (list === undefined) {
    process.stderr.write('ERROR: please name at least one recipient.\n')
    throw failure(`problem enveloping: ${nssError('SEC_ERROR_INVALID_ARGS', 'give the recipients with -r ID,...')}`)
  }
  return list.split(',').map((id) => {
    const found = certificatesFor(c.store, id)[0]
    if (!found) throw failure(`cannot find certificate for "${id}": ${nssError('SEC_ERROR_UNKNOWN_CERT')}`)
    return found
  })
}

async function envelope(c: Ctx): Promise<number> {
  const certs = recipients(c).map((r) => r.certificate)
  try {
    await writeEncoded(str(c.f, 'output'), envelopedData(inputStream(str(c.f, 'input')), {recipients: certs, cipher: c.cipher}))
  } catch (e) {
    problem('enveloping', e)
  }
  return 0
}

async function certsOnlyMode(c: Ctx): Promise<number> {
  const certs = recipients(c).map((r) => r.certificate)
  await writeEncoded(str(c.f, 'output'), (async function* () {
    yield certsOnly(certs)
  })())
  return 0
}

/** The content key held in an EnvelopedData file (-e), opened with our private key. */
async function envelopeKey(c: Ctx, file: string): Promise<Buffer> {
  let key: Buffer | undefined
  const host: DecodeHost = Object.assign(new StoreHost(c.store, c.login, c.usageLetter, false), {onContentKey: (k: Buffer) => (key = k)})
  const levels = await decodeMessage(createReadStream(file), host, () => undefined)
  if (!key || !levels[0] || (levels[0].type !== 'envelopedData' && levels[0].type !== 'authEnvelopedData')) {
    throw new CmsError('SEC_ERROR_BAD_DER', `${file} is not an enveloped data message`)
  }
  return key
}

async function encrypted(c: Ctx): Promise<number> {
  const envfile = str(c.f, 'envfile')!
  let key: Buffer
  let cipher: ContentCipherName = c.cipher.endsWith('gcm') ? (c.cipher.replace('gcm', 'cbc') as ContentCipherName) : c.cipher
  try {
    if (existsSync(envfile)) {
      key = await envelopeKey(c, envfile)
      cipher = (`aes${key.length * 8}-cbc`) as ContentCipherName
    } else {
      const certs = recipients(c).map((r) => r.certificate)
      const {randomBytes} = await import('node:crypto')
      key = randomBytes(Number(/aes(\d+)/.exec(cipher)![1]) / 8)
      await writeEncoded(envfile, envelopedData((async function* () {})(), {recipients: certs, cipher, key}))
    }
    await writeEncoded(str(c.f, 'output'), encryptedData(inputStream(str(c.f, 'input')), cipher, key))
  } catch (e) {
    problem('encrypting', e)
  }
  return 0
}

async function decode(c: Ctx): Promise<number> {
  if (c.f.batch) return batch(c)
  return decodeOne(c, str(c.f, 'input'), str(c.f, 'output'))
}

/** -b: each line of the input names a message; each is decoded in turn (with -h, headers included). */
async function batch(c: Ctx): Promise<number> {
  const list = readFileSync(str(c.f, 'input') ?? 0, 'utf8').split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#'))
  let status = 0
  for (const file of list) {
    try {
      if (!existsSync(file)) throw failure(`unable to open "${file}" for reading`)
      if ((await decodeOne(c, file, undefined)) !== 0) status = 1
    } catch (e) {
      if (!(e instanceof MsgctlError)) throw e
      process.stderr.write(`cmsutil: ${file}: ${e.message}\n`)
      status = 1
    }
  }
  return status
}

async function decodeOne(c: Ctx, input: string | undefined, output: string | undefined): Promise<number> {
  const host = new StoreHost(c.store, c.login, c.usageLetter, c.f.keep === true) as StoreHost & DecodeHost
  const detached = str(c.f, 'content')
  if (detached !== undefined) {
    if (!existsSync(detached)) throw failure(`unable to open "${detached}" for reading`)
    host.detachedContent = () => createReadStream(detached, {highWaterMark: 1 << 20})
  }
  const envfile = str(c.f, 'envfile')
  if (envfile !== undefined) host.bulkKey = () => envelopeKey(c, envfile)
  const json = c.f.json === true
  const spool = new ContentSpool(json && output === undefined ? undefined : output)
  let levels: LevelReport[]
  let bytes = 0
  try {
    levels = await decodeMessage(inputStream(input), host, async (chunk) => {
      bytes += chunk.length
      if (c.f.nocontent !== true) await spool.write(chunk)
    })
  } catch (e) {
    await spool.discard()
    if (e instanceof CmsError) throw failure(`problem decoding: ${e.message}`)
    throw e
  }
  c.verbose(`decoded ${levels.length} level(s), ${bytes} content bytes`)
  const signers = levels.flatMap((l) => l.signers ?? [])
  const bad = signers.map((s, j) => ({s, j})).filter(({s}) => s.status !== 'GoodSignature')
  const certsOnlyLevel = levels.find((l) => l.certsOnly)

  if (json) {
    const ok = bad.length === 0
    await writeStdout(JSON.stringify(reportJson(levels, bytes), null, 2) + '\n')
    if (ok && output !== undefined && c.f.nocontent !== true) await spool.commit(null, true)
    else await spool.discard()
    return ok ? 0 : 1
  }
  if (c.headerLevel !== null) {
    // Header mode reports statuses and exits 0, as NSS does.
    await spool.commit(renderHeader(levels, c.headerLevel), c.f.nocontent !== true)
    return 0
  }
  if (certsOnlyLevel) {
    const failed = (certsOnlyLevel.certificates ?? []).map((cert) => host.verifyCertificate(cert, certsOnlyLevel.certificates ?? [])).find((v) => v !== null)
    if (failed) {
      await spool.discard()
      process.stderr.write('cmsutil: Verify certs-only failed!\n')
      throw failure(`problem decoding: ${nssError(failed.error, failed.detail)}`)
    }
  }
  if (bad.length > 0) {
    await spool.discard()
    for (const {s, j} of bad) process.stderr.write(`signer ${j} status = ${s.status}\n`)
    const first = bad[0]!.s
    throw failure(`problem decoding: ${nssError(first.error ?? 'SEC_ERROR_PKCS7_BAD_SIGNATURE', first.detail ?? undefined)}`)
  }
  await spool.commit(null, c.f.nocontent !== true)
  return 0
}
