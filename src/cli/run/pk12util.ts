import {existsSync, readFileSync, statSync} from 'node:fs'
import {dirname, resolve} from 'node:path'
import type {FlagValue} from '../../core/argv/index.js'
import {MsgctlError} from '../../core/errors.js'
import {
  DEFAULT_CERT_CIPHER, DEFAULT_ITERATIONS, DEFAULT_KEY_CIPHER, Pkcs12Error, UnwritableSchemeError, decodePfx, exportToPfx,
  findUserCertificates, importPfx, parseCipher, parseMacAlgorithm, type DecodedPfx, type ImportResult,
} from '../../core/pkcs12/index.js'
import {parseTrustString, storedTrust, type TrustFlags} from '../../core/pki/index.js'
import {locateStore, Store} from '../../core/store/index.js'
import {listJson} from '../pk12util/list_json.js'
import {renderList} from '../pk12util/list_text.js'
import {EXIT_CANCELLED, filePassword, loginToken} from '../pk12util/passwords.js'
import {resolveToken} from '../pk12util/token.js'
import {EXIT_USAGE, USAGE} from '../pk12util/usage.js'
import {writeFileAtomic} from '../write_file_atomic.js'
import type {CommandRun} from './types.js'

type Flags = Record<string, FlagValue>

const str = (f: Flags, name: string): string | undefined => (typeof f[name] === 'string' ? (f[name] as string) : undefined)

/** pk12util's statuses (pk12util.h, reference §3.4). */
const EXIT = {fileInit: 10, decodeVerify: 17, validateBags: 18, importOrIterate: 19, invalidAlgorithm: 30, safeCreation: 27, nssInit: 255} as const

const BAD_DER = 'SEC_ERROR_BAD_DER: security library: improperly formatted DER-encoded message.'
const BAD_PASSWORD = 'SEC_ERROR_BAD_PASSWORD: The security password entered is incorrect.'
const INVALID_ALGORITHM = 'SEC_ERROR_INVALID_ALGORITHM: security library: invalid algorithm.'

export const run: CommandRun = async ({flags, args}) => {
  const f = flags
  const modes = ['import', 'list', 'output'].filter((m) => str(f, m) !== undefined)
  if (modes.length !== 1 || args.length > 0 || (modes[0] === 'output' && str(f, 'nickname') === undefined)) {
    process.stderr.write(USAGE)
    return EXIT_USAGE
  }
  if (modes[0] === 'list') return list(f)
  if (modes[0] === 'import') return importFile(f)
  return exportFile(f)
}

/** The PKCS #12 file, or NSS's "File Open failed" with the mode's status. */
function readInput(file: string, exitCode: number): Buffer {
  try {
    return readFileSync(file)
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    const reason = code === 'ENOENT' ? 'PR_FILE_NOT_FOUND_ERROR: File not found' : code === 'EACCES' ? 'PR_NO_ACCESS_RIGHTS_ERROR: Access Rights Violation' : (err as Error).message
    throw new MsgctlError(`File Open failed: ${file}: ${reason}`, exitCode)
  }
}

/**
 * NSS's one line for a file that does not decode. `failedStatus` is the
 * mode's status (19 listing, 18 importing); -v adds our own diagnosis.
 */
function decodeOrFail(file: Buffer, password: string, failedStatus: number, verbose: boolean): DecodedPfx {
  try {
    return decodePfx(file, password)
  } catch (err) {
    if (!(err instanceof Pkcs12Error)) throw err
    if (verbose) process.stderr.write(`pk12util: ${err.message}\n`)
    // An empty file fails NSS's MAC check before any decoding: listing then ends with 17, not 19.
    if (file.length === 0) throw new MsgctlError(`PKCS12 decode not verified: ${BAD_DER}`, failedStatus === EXIT.importOrIterate ? EXIT.decodeVerify : failedStatus)
    switch (err.failure) {
      case 'password':
      case 'decrypt':
        throw new MsgctlError(`PKCS12 decode not verified: ${BAD_PASSWORD}`, failedStatus)
      case 'algorithm':
        throw new MsgctlError(`PKCS12 decoding failed: ${err.message}: ${INVALID_ALGORITHM}`, failedStatus)
      case 'format':
        throw new MsgctlError(`PKCS12 decoding failed: ${BAD_DER}`, failedStatus)
    }
  }
}

/** -l FILE: list the bags (no store needed, as NSS lists without a database). */
async function list(f: Flags): Promise<number> {
  const path = str(f, 'list')!
  const file = readInput(path, EXIT.decodeVerify)
  const password = await filePassword({password: str(f, 'p12pw'), file: str(f, 'p12pwfile')}, false, EXIT.decodeVerify)
  const pfx = decodeOrFail(file, password, EXIT.importOrIterate, f.verbose === true)
  if (f.json === true) {
    process.stdout.write(JSON.stringify(listJson(pfx), null, 2) + '\n')
    return 0
  }
  const raw = f.raw === true
  let text: string
  try {
    text = renderList(pfx, raw)
  } catch (err) {
    if (f.verbose === true) process.stderr.write(`pk12util: ${(err as Error).message}\n`)
    throw new MsgctlError(`PKCS12 print cert bag failed: ${BAD_DER}`, EXIT.importOrIterate)
  }
  if (raw) {
    // -r: each certificate bag's DER to file0001.der, file0002.der ... in the working directory.
    let n = 0
    for (const bag of pfx.bags) if (bag.type === 'certificate') writeFileAtomic(`file${String(++n).padStart(4, '0')}.der`, bag.value, 0o600)
  }
  process.stdout.write(text)
  return 0
}

/** The store for -i / -o; a missing directory is NSS's "bad database" (255). */
function openStore(f: Flags, create: boolean): Store {
  const location = locateStore(str(f, 'dbdir'))
  if (!existsSync(location.dir) || (!create && !existsSync(location.file))) {
    throw new MsgctlError('function failed: SEC_ERROR_BAD_DATABASE: security library: bad database.', EXIT.nssInit)
  }
  try {
    return Store.open(location, {create})
  } catch (err) {
    throw err instanceof MsgctlError ? new MsgctlError(err.message, EXIT.nssInit) : err
  }
}

function caTrustOption(f: Flags): TrustFlags | undefined {
  const text = str(f, 'ca-trust')
  return text === undefined ? undefined : storedTrust(parseTrustString(text))
}

/** -i FILE: import into the store, in one transaction. */
async function importFile(f: Flags): Promise<number> {
  const token = resolveToken(str(f, 'token'))
  const caTrust = caTrustOption(f)
  const store = openStore(f, true)
  try {
    const file = readInput(str(f, 'import')!, EXIT.fileInit)
    const tokenKey = await loginToken(store, token, {password: str(f, 'slotpw'), file: str(f, 'slotpwfile')})
    const password = await filePassword({password: str(f, 'p12pw'), file: str(f, 'p12pwfile')}, false, EXIT_CANCELLED)
    const pfx = decodeOrFail(file, password, EXIT.validateBags, f.verbose === true)
    let result: ImportResult
    try {
      result = importPfx(store, pfx, tokenKey, caTrust ? {caTrust} : {})
    } catch (err) {
      if (err instanceof Pkcs12Error) throw new MsgctlError(`PKCS12 decode validate bags failed: ${err.message}`, EXIT.validateBags)
      if (err instanceof MsgctlError) throw new MsgctlError(`PKCS12 decode import bags failed: ${err.message}`, EXIT.importOrIterate)
      throw err
    }
    reportNicknames(result)
    process.stdout.write('pk12util: PKCS12 IMPORT SUCCESSFUL\n')
    return 0
  } finally {
    store.close()
  }
}

/** NSS's lines for derived nicknames, plus a stderr note naming a clash (never a silent rename). */
function reportNicknames(result: ImportResult): void {
  for (const c of result.certificates) {
    if (c.source === 'derived-missing' && c.hasKey) {
      process.stdout.write(`pk12util: no nickname for cert in PKCS12 file.\npk12util: using nickname: ${c.nickname}\n`)
    } else if (c.source === 'derived-clash') {
      process.stderr.write(`pk12util: the nickname "${c.requested}" is already used by a different certificate ("${c.clashSubject}"); "${c.subject}" is stored as "${c.nickname}"\n`)
      process.stdout.write(`pk12util: using nickname: ${c.nickname}\n`)
    }
  }
}

function keyBits(f: Flags, name: string): number | undefined {
  const text = str(f, name)
  if (text === undefined) return undefined
  if (!/^\d+$/.test(text)) throw new MsgctlError(`--${name}: "${text}" is not a number of bits`, EXIT_USAGE)
  return Number(text)
}

function iterationsOption(f: Flags): number {
  const text = str(f, 'iterations')
  if (text === undefined) return DEFAULT_ITERATIONS
  const n = Number(text)
  if (!/^\d+$/.test(text) || n < 1 || n > 10_000_000) throw new MsgctlError(`--iterations: "${text}" is not a count from 1 to 10000000`, EXIT_USAGE)
  return n
}

/** -c / -C / -M to encode options; NSS's statuses for names it does not take. */
function algorithmOptions(f: Flags) {
  try {
    const mac = parseMacAlgorithm(str(f, 'mac'))
    const keyEncryption = parseCipher(str(f, 'key-cipher') ?? DEFAULT_KEY_CIPHER, keyBits(f, 'key_len'), mac, false)!
    const certEncryption = parseCipher(str(f, 'cert-cipher') ?? DEFAULT_CERT_CIPHER, keyBits(f, 'cert_key_len'), mac, true)
    return {mac, keyEncryption, certEncryption, iterations: iterationsOption(f)}
  } catch (err) {
    if (err instanceof UnwritableSchemeError) throw new MsgctlError(err.message, EXIT.safeCreation)
    if (err instanceof Pkcs12Error) throw new MsgctlError(err.message, EXIT.invalidAlgorithm)
    throw err
  }
}

/** -o FILE -n NICK: export the certificate, its key and its chain; the file appears whole (0600) or not at all. */
async function exportFile(f: Flags): Promise<number> {
  const token = resolveToken(str(f, 'token'))
  const algorithms = algorithmOptions(f)
  const out = str(f, 'output')!
  const store = openStore(f, false)
  try {
    const leaves = findUserCertificates(store, str(f, 'nickname')!)
    const tokenKey = (await loginToken(store, token, {password: str(f, 'slotpw'), file: str(f, 'slotpwfile')}))()
    if (!isDirectory(dirname(resolve(out)))) throw new MsgctlError(`Initialization failed: ${out}: PR_FILE_NOT_FOUND_ERROR: File not found`, EXIT.fileInit)
    const password = await filePassword({password: str(f, 'p12pw'), file: str(f, 'p12pwfile')}, true, EXIT_CANCELLED)
    const pfx = exportToPfx(store, tokenKey, leaves, {password, ...algorithms})
    try {
      writeFileAtomic(out, pfx.der, 0o600)
    } catch (err) {
      throw new MsgctlError(`Initialization failed: ${(err as Error).message}`, EXIT.fileInit)
    }
    if (f.verbose === true) process.stderr.write(`pk12util: wrote ${pfx.keys} key(s) and certificates ${pfx.certificates.map((n) => `"${n}"`).join(', ')} to ${out}\n`)
    process.stdout.write('pk12util: PKCS12 EXPORT SUCCESSFUL\n')
    return 0
  } finally {
    store.close()
  }
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory()
  } catch {
    return false
  }
}
