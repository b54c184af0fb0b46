import {readFileSync} from 'node:fs'
import type {KeyObject} from 'node:crypto'
import {parseNssArgv, parseBatchFile, BatchSyntaxError} from '../../core/argv/index.js'
import {
  addCertificate, addPrivateKey, deleteCertificates, findCertificates, initToken, listCertificates, listCertificateSummaries, listPrivateKeys,
  loadPrivateKey, deletePrivateKey, hasPrivateKey, renameCertificates, requireCertificate, resetToken, setTrust, tokenSecret, unlockToken, changeTokenPassword,
  validateCertificate, buildChain, type StoredCertificate,
} from '../../core/certdb/index.js'
import {MsgctlError, UsageError} from '../../core/errors.js'
import {
  authorityKeyIdentifierExtension, basicConstraintsExtension, buildCertificate, buildCertificationRequest, Certificate, CertificationRequest, NO_TRUST, OID, PEM_LABEL, dnAttribute, dnEmail, defaultSerialNumber,
  extKeyUsageExtension, generateKeyPair, genericExtension, keyUsageExtension, nsCertTypeExtension,
  parseDn, parseDnsList, parseEmailList, parseExtGeneric, parseExtSan, parseHashName, parseKeyType, parseTrustString, publicKeyOf,
  requestsUserTrust, storedTrust, subjectAltNameExtension, subjectKeyIdentifierExtension, subjectKeyIdentifierFor,
  TRUST, validityPeriod, formatTrust, trustBlockLines, INTERNAL_TOKEN_NAME, nssKeyTypeName, type PublicKeyType, type ExtensionSpec, type GeneralName, type TokenKey,
} from '../../core/pki/index.js'
import {locateStore, Store} from '../../core/store/index.js'
import {renderCertificate} from '../render/certutil_pretty.js'
import {renderCertList} from '../render/certutil_list.js'
import {renderKeyList} from '../render/certutil_keys.js'
import {renderChain} from '../render/certutil_chain.js'
import {flagSpecs, loadManifest} from '../manifest.js'
import {askLine, askYesNo, canPrompt} from '../prompt.js'
import {commandOf, reusedKeyName, str, validateArguments, type Flags} from '../certutil/arguments.js'
import {CertutilSession, FAIL, fail, newPassword, readPasswordFile} from '../certutil/session.js'
import {runOnToken, type CertutilHelpers} from '../certutil/token_keys.js'
import type {CommandRun} from './types.js'

export const run: CommandRun = async ({flags, args}) => {
  const f = flags as Flags
  if (f.syntax) {
    process.stderr.write('certutil -N|-S|-R|-C|-A|-E|-D|-F|-G|-K|-L|-M|-O|-U|-V|-W|-T|-B|--rename [options]   (certutil --help for all)\n')
    return 1
  }
  const cmd = commandOf(f)
  if (cmd === null) {
    process.stderr.write('certutil: no command given; use one of -N -S -R -C -A -E -D -F -G -K -L -M -O -U -V -W -T -B (certutil --help lists all)\n')
    return 1
  }
  if (args.length > 0) throw new UsageError(`unexpected argument "${args[0]}" (quote values with spaces)`, 1)
  validateArguments(cmd.command, cmd.letter, f)
  let store: Store
  try {
    store = Store.open(locateStore(str(f, 'dbdir')), {create: cmd.command === 'create'})
  } catch (err) {
    // NSS tools exit 255 when the database cannot be opened.
    throw err instanceof MsgctlError ? new MsgctlError(err.message, FAIL) : err
  }
  try {
    if (cmd.command === 'batch') return await batch(store, f)
    return await execute(new CertutilSession(store), cmd.command, cmd.letter, f)
  } finally {
    store.close()
  }
}

/** One command on an open store (a whole run, or one line of -B). */
async function execute(session: CertutilSession, command: string, letter: string, f: Flags): Promise<number> {
  const store = session.store
  // -h naming an external token (or -L -h all): the token code path.
  const token = str(f, 'token')
  if (token !== undefined) {
    const done = await runOnToken(session, command, f, token, TOKEN_HELPERS)
    if (done !== null) return done
  }
  switch (command) {
    case 'create':
      return create(session, f)
    case 'selfsign':
      return makeCertificate(session, f)
    case 'list':
      return list(store, f)
    case 'keys':
      return keys(session, f)
    case 'add':
      return add(store, f, false)
    case 'addemail':
      return add(store, f, true)
    case 'delete':
      deleteCertificates(store, str(f, 'nickname')!)
      return 0
    case 'modify':
      setTrust(store, str(f, 'nickname')!, trustFrom(str(f, 'trust')!))
      return 0
    case 'rename':
      renameCertificates(store, str(f, 'nickname')!, str(f, 'new-n')!)
      return 0
    case 'validate':
      return validate(store, f)
    case 'request':
      return request(session, f)
    case 'issue':
      return issue(session, f)
    case 'genkey':
      return genkey(session, f)
    case 'deletekey':
      return deletekey(session, f)
    case 'changepw':
      return changepw(session, f)
    case 'reset':
      return reset(session, f)
    case 'chain': {
      const leaf = requireCertificate(store, str(f, 'nickname')!)
      const chain = f['simple-self-signed'] && leaf.certificate.isSelfIssued ? [leaf] : buildChain(store, leaf).reverse()
      if (f.json) process.stdout.write(JSON.stringify(chain.map(certJson), null, 2) + '\n')
      else process.stdout.write(renderChain(chain.map((c) => ({nickname: c.nickname, subject: c.certificate.subject.text}))))
      return 0
    }
    case 'tokens':
      return tokens(store, f)
    default:
      throw new UsageError(`${letter} cannot be used here`, FAIL)
  }
}

/**
 * certutil -B -i FILE: every line is a certutil command line, run in order
 * in one transaction. NSS stops at the first failing line but keeps what the
 * lines before it did; we apply all lines or none, and say which line failed.
 */
async function batch(store: Store, f: Flags): Promise<number> {
  const file = str(f, 'input')!
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch {
    return fail(` unable to open "${file}" for reading.`)
  }
  let lines
  try {
    lines = parseBatchFile(text)
  } catch (err) {
    if (err instanceof BatchSyntaxError) return fail(`${err.message}\nNot executed; nothing was applied.`)
    throw err
  }
  const manifest = loadManifest().commands['certutil']!
  const specs = flagSpecs(manifest)
  const session = new CertutilSession(store, true)
  let current = lines[0]
  try {
    await store.writeAsync(async () => {
      for (const line of lines) {
        current = line
        const parsed = parseNssArgv('certutil', line.words, specs, manifest.nss!)
        const lf = parsed.flags as Flags
        // The store is already open: -d inside a batch line is ignored, as in NSS.
        delete lf.dbdir
        // A line without -f uses the batch's own password file.
        if (lf.pwfile === undefined && f.pwfile !== undefined) lf.pwfile = f.pwfile
        const cmd = commandOf(lf)
        if (cmd === null) throw new MsgctlError('no command on this line', FAIL)
        if (cmd.command === 'batch') throw new MsgctlError('-B cannot be nested inside a batch file', FAIL)
        if (parsed.args.length > 0) throw new MsgctlError(`unexpected argument "${parsed.args[0]}" (quote values with spaces)`, FAIL)
        validateArguments(cmd.command, cmd.letter, lf)
        const status = await execute(session, cmd.command, cmd.letter, lf)
        if (status !== 0) throw new MsgctlError(`exit status ${status}`, FAIL)
      }
    })
  } catch (err) {
    if (!(err instanceof MsgctlError) || current === undefined) throw err
    throw new MsgctlError(`batch line ${current.line} failed: ${err.message}\n  line ${current.line}: ${current.text}\nnothing in ${file} was applied.`, FAIL)
  }
  session.flushOutputs()
  return 0
}

function trustFrom(text: string) {
  const parsed = parseTrustString(text)
  if (requestsUserTrust(parsed)) process.stderr.write('Notice: Trust flag u is set automatically if the private key is present.\n')
  return storedTrust(parsed)
}

/** certutil -N: set the token password; on an initialised store, check it (and change it with -@). */
async function create(session: CertutilSession, f: Flags): Promise<number> {
  if (tokenSecret(session.store)) {
    if (str(f, 'newpwfile') !== undefined) return changepw(session, f)
    await session.login(str(f, 'pwfile'))
    return 0
  }
  const pw = await newPassword(str(f, 'pwfile'), f['empty-password'] === true, '-N: give the new password with -f FILE, or --empty-password (stdin is not a terminal to ask on)')
  initToken(session.store, pw)
  return 0
}

/** A DNS host name with at least one dot: what clients check against SANs. */
const HOSTNAME = /^(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/

function subjectOf(text: string) {
  try {
    return parseDn(text)
  } catch {
    return fail(`-s: improperly formatted name: "${text}"`)
  }
}

/** A key pair: the existing one -k names (nickname or hex key id), else a new one. */
interface KeyPair {
  readonly privateKey: KeyObject
  readonly publicKey: KeyObject
  /** True when the key came from the store (it is not added again). */
  readonly existing: boolean
  /** The certificate the reused key belongs to, if any (-R takes its subject). */
  readonly certificate: StoredCertificate | null
}

/**
 * Start making the key pair, then log in while OpenSSL works in its thread
 * pool: the slow KDF and key generation overlap instead of adding up.
 */
async function keyPairAndLogin(session: CertutilSession, f: Flags): Promise<{pair: KeyPair; tokenKey: TokenKey}> {
  const reuse = reusedKeyName(f)
  if (reuse !== undefined) {
    const tokenKey = await session.login(str(f, 'pwfile'))
    return {pair: existingKey(session.store, tokenKey, reuse), tokenKey}
  }
  const keyType = keyTypeOf(f)
  const generating = newKeyPair(f, keyType)
  generating.catch(() => undefined) // awaited below; this only keeps a login failure from leaving it unhandled
  const tokenKey = await session.login(str(f, 'pwfile'))
  const made = await generating
  return {pair: {privateKey: made.privateKey, publicKey: made.publicKey, existing: false, certificate: null}, tokenKey}
}

function existingKey(store: Store, tokenKey: TokenKey, name: string): KeyPair {
  const certs = findCertificates(store, name)
  let keyId: Buffer
  let certificate: StoredCertificate | null = null
  if (certs.length > 0) {
    certificate = requireCertificate(store, name)
    keyId = certificate.certificate.keyId
  } else if (/^(0x)?[0-9a-f]+$/i.test(name)) {
    keyId = Buffer.from(name.replace(/^0x/i, ''), 'hex')
  } else {
    return fail(`-k: "${name}" is neither a key type (rsa, ec, ed25519) nor the nickname or key id of a key in the store`)
  }
  if (!hasPrivateKey(store, keyId)) fail(`-k: the store holds no private key for "${name}" (certutil -K lists the keys)`)
  const privateKey = loadPrivateKey(store, tokenKey, keyId)
  return {privateKey, publicKey: publicKeyOf(privateKey), existing: true, certificate}
}

/** certutil -S: a key pair (or -k an existing key) and a certificate, both added. */
async function makeCertificate(session: CertutilSession, f: Flags): Promise<number> {
  const store = session.store
  const nickname = str(f, 'nickname')!
  const subject = subjectOf(str(f, 'subject')!)
  const trust = trustFrom(str(f, 'trust')!)
  const hash = str(f, 'hash') !== undefined ? parseHashName(str(f, 'hash')!) : undefined
  const issuer: StoredCertificate | null = f.self ? null : requireCertificate(store, str(f, 'issuer')!)
  if (issuer) {
    const bc = issuer.certificate.basicConstraints
    const caTrusted = (issuer.trust.ssl | issuer.trust.email | issuer.trust.objectSigning) & (TRUST.VALID_CA | TRUST.TRUSTED_CA | TRUST.TRUSTED_CLIENT_CA)
    if (!(bc?.ca ?? false) && !caTrusted) fail(`-S: the issuer "${issuer.nickname}" is not a CA (no basicConstraints CA and no CA trust); issue from a CA certificate`)
    if (!hasPrivateKey(store, issuer.certificate.keyId)) fail(`-S: the store has no private key for the issuer "${issuer.nickname}"; it cannot sign`)
  }
  basicConstraintsAnswerable(f)
  // NSS asks for the password (to make the key) before the -2 questions.
  const {pair, tokenKey} = await keyPairAndLogin(session, f)
  const basicConstraints = await basicConstraintsAnswer(f)
  const issuerKey = issuer ? loadPrivateKey(store, tokenKey, issuer.certificate.keyId) : null
  const extensions = extensionsFor(f, subject, trust, pair.publicKey, issuer?.certificate ?? null, basicConstraints)
  const cert = buildCertificate(
    {serialNumber: serialOf(f), subject, ...validityOf(f), publicKey: pair.publicKey, extensions},
    {...(issuer ? {issuerCertificate: issuer.certificate} : {}), privateKey: issuerKey ?? pair.privateKey, ...(hash ? {hash} : {}), ...(f['pss-sign'] ? {pss: true} : {})},
  )
  store.write(() => {
    if (!pair.existing) addPrivateKey(store, tokenKey, pair.privateKey, null)
    addCertificate(store, nickname, cert, trust)
  })
  const out = str(f, 'output')
  if (out !== undefined) session.output(out, f.ascii ? cert.toPem() : cert.der)
  return 0
}

/**
 * -2 asks about basic constraints on a terminal, as NSS does;
 * --basic-constraints answers without one. Undefined: neither was given.
 */
async function basicConstraintsAnswer(f: Flags): Promise<ExtensionSpec | undefined> {
  const spec = str(f, 'basic-constraints')
  if (spec !== undefined) return basicConstraintsFrom(spec)
  if (!f.basicConstraints) return undefined
  basicConstraintsAnswerable(f)
  const answerWith = BASIC_CONSTRAINTS_ANSWER
  const ca = await askYesNo('Is this a CA certificate [y/N]?\n', answerWith)
  let pathLength: number | null = null
  if (ca) {
    const text = (await askLine('Enter the path length constraint, enter to skip [<0 for unlimited path]: > ', answerWith)).trim()
    if (text !== '') {
      if (!/^-?\d+$/.test(text)) fail(`-2: "${text}" is not a whole number`)
      pathLength = Number(text) < 0 ? null : Number(text)
    }
  }
  const critical = await askYesNo('Is this a critical extension [y/N]?\n', answerWith)
  return basicConstraintsExtension({ca, pathLength, critical})
}

const BASIC_CONSTRAINTS_ANSWER = 'use --basic-constraints ca[,pathlen=N][,critical] or notca'

/** Fail before any work when -2 would have to ask and there is no terminal to ask on. */
function basicConstraintsAnswerable(f: Flags): void {
  if (f.basicConstraints && str(f, 'basic-constraints') === undefined && !canPrompt()) {
    fail(`-2: basic constraints are asked on a terminal and stdin is not one; ${BASIC_CONSTRAINTS_ANSWER}`)
  }
}

/**
 * The extensions certutil adds, in NSS's order: NSS adds key usage, extended
 * key usage, basic constraints, key identifiers, Netscape type, alternative
 * names and generic extensions in that order, and its encoder writes the last
 * added first; we write the same order so that -L output lines up.
 */
function extensionsFor(f: Flags, subject: ReturnType<typeof parseDn>, trust: ReturnType<typeof storedTrust>, publicKey: KeyObject, issuer: Certificate | null, basicConstraints?: ExtensionSpec): ExtensionSpec[] {
  const added: ExtensionSpec[] = []
  const caTrust = (trust.ssl | trust.email | trust.objectSigning) & (TRUST.TRUSTED_CA | TRUST.TRUSTED_CLIENT_CA)
  const caDefaults = f.self && caTrust && !f['no-ca-defaults']
  const ku = str(f, 'keyUsage')
  // No default key usage for a CA: NSS would then refuse the seed's root for -u V.
  if (ku !== undefined) added.push(keyUsageExtension(ku))
  if (str(f, 'extKeyUsage') !== undefined) added.push(extKeyUsageExtension(str(f, 'extKeyUsage')!))
  if (basicConstraints !== undefined) added.push(basicConstraints)
  else if (caDefaults) added.push(basicConstraintsExtension({ca: true, critical: true}))
  // Key identifiers are ours by default (NSS asks for them with -3/--extSKID); they let openssl and NSS pick the right issuer.
  const aki = issuer?.subjectKeyIdentifier
  if (aki) added.push(authorityKeyIdentifierExtension({keyIdentifier: aki}))
  added.push(subjectKeyIdentifierExtension(subjectKeyIdentifierFor(publicKey.export({type: 'spki', format: 'der'}))))
  if (str(f, 'nsCertType') !== undefined) added.push(nsCertTypeExtension(str(f, 'nsCertType')!))
  const names: GeneralName[] = []
  if (str(f, 'emails') !== undefined) names.push(...parseEmailList(str(f, 'emails')!))
  if (str(f, 'dnsnames') !== undefined) names.push(...parseDnsList(str(f, 'dnsnames')!))
  if (str(f, 'extSAN') !== undefined) names.push(...parseExtSan(str(f, 'extSAN')!))
  const cn = dnAttribute(subject, 'CN')
  if (names.length === 0 && !f['no-san-default'] && !caTrust && cn && HOSTNAME.test(cn)) names.push({type: 'dNSName', value: cn.toLowerCase()})
  if (names.length > 0) added.push(subjectAltNameExtension(names))
  const generic = str(f, 'extGeneric')
  if (generic !== undefined) {
    for (const g of parseExtGeneric(generic)) {
      let der: Buffer
      try {
        der = readFileSync(g.file)
      } catch {
        return fail(`--extGeneric: cannot read the extension value file "${g.file}"`)
      }
      added.push(genericExtension(g.oid, g.critical, der))
    }
  }
  return added.reverse()
}

function basicConstraintsFrom(spec: string): ExtensionSpec {
  const parts = spec.split(',').map((s) => s.trim().toLowerCase())
  const critical = parts.includes('critical')
  const path = parts.find((p) => p.startsWith('pathlen='))
  if (parts[0] === 'notca') return basicConstraintsExtension({ca: false, critical})
  if (parts[0] !== 'ca') fail(`--basic-constraints: "${spec}" must start with ca or notca`)
  const n = path === undefined ? null : Number(path.slice(8))
  if (n !== null && !(Number.isInteger(n) && n >= 0)) fail(`--basic-constraints: bad path length in "${spec}"`)
  return basicConstraintsExtension({ca: true, pathLength: n, critical})
}

function list(store: Store, f: Flags): number {
  const nick = str(f, 'nickname') ?? str(f, 'email')
  if (nick === undefined) {
    const days = str(f, 'expiring')
    if (days === undefined && !f.json) {
      // The plain table needs no certificate decoded: read the summaries only.
      process.stdout.write(renderCertList(listCertificateSummaries(store).map((c) => ({nickname: c.nickname, trust: formatTrust(c.trust, c.hasPrivateKey)}))))
      return 0
    }
    let certs = listCertificates(store)
    if (days !== undefined) {
      if (!/^\d+$/.test(days)) throw new UsageError(`--expiring takes a whole number of days, not "${days}"`, 1)
      const limit = Date.now() + Number(days) * 86_400_000
      certs = certs.filter((c) => c.certificate.notAfter.getTime() <= limit)
    }
    if (f.json) {
      process.stdout.write(JSON.stringify(certs.map(certJson), null, 2) + '\n')
    } else {
      process.stdout.write(renderCertList(certs.map((c) => ({nickname: c.nickname, trust: formatTrust(c.trust, c.hasPrivateKey)}))))
    }
    return days !== undefined && certs.length > 0 ? 1 : 0
  }
  const found = findCertificates(store, nick)
  if (found.length === 0) fail(`could not find certificate named "${nick}"`)
  for (const c of found) {
    const oid = str(f, 'dump-ext-val')
    if (oid !== undefined) {
      const ext = c.certificate.extensions.find((e) => e.oid === oid) ?? fail(`"${nick}" has no extension ${oid}`)
      process.stdout.write(ext.value)
    } else if (f.raw) process.stdout.write(c.certificate.der)
    else if (f.ascii) process.stdout.write(c.certificate.toPem())
    else if (f.json) process.stdout.write(JSON.stringify(certJson(c), null, 2) + '\n')
    else process.stdout.write(renderCertificate(c.certificate, trustBlockLines(c.trust, c.hasPrivateKey)))
  }
  return 0
}

function certJson(c: StoredCertificate): object {
  const cert = c.certificate
  return {
    nickname: c.nickname,
    trust: formatTrust(c.trust, c.hasPrivateKey),
    subject: cert.subject.text,
    issuer: cert.issuer.text,
    serialNumber: cert.serialNumber.toString(),
    notBefore: cert.notBefore.toISOString(),
    notAfter: cert.notAfter.toISOString(),
    sha256: cert.fingerprintSha256.toString('hex'),
    hasPrivateKey: c.hasPrivateKey,
  }
}

const KEY_FILTER: Record<string, string[]> = {all: [], rsa: ['rsa', 'rsa-pss'], ec: ['ec', 'ed25519'], ed25519: ['ed25519'], dsa: ['dsa']}

async function keys(session: CertutilSession, f: Flags): Promise<number> {
  await session.login(str(f, 'pwfile'))
  const all = listPrivateKeys(session.store)
  const nick = str(f, 'nickname')
  const type = (str(f, 'keytype') ?? 'all').toLowerCase()
  const types = KEY_FILTER[type] ?? fail(`-k: "${type}" is not a key type to list; use all, rsa, ec or dsa`)
  const shown = all.filter((k) => (nick === undefined || k.nickname === nick) && (types.length === 0 || types.includes(k.keyType)))
  if (nick !== undefined && shown.length === 0) fail(`problem listing keys: no key named "${nick}"`)
  if (f.json) {
    process.stdout.write(JSON.stringify(shown.map((k) => ({keyType: k.keyType, keyId: k.keyId.toString('hex'), nickname: k.nickname})), null, 2) + '\n')
    return 0
  }
  if (shown.length === 0) {
    process.stdout.write('certutil: no keys found\n')
    return FAIL
  }
  // NSS shows a key's own label as it is, and a certificate's nickname the way the token reports it.
  const shownName = (k: (typeof shown)[number]) => (k.nickname !== null && !k.labelled ? `${INTERNAL_TOKEN_NAME}:${k.nickname}` : k.nickname)
  process.stdout.write(renderKeyList(shown.map((k) => ({type: nssKeyTypeName(k.keyType as PublicKeyType), keyId: k.keyId, nickname: shownName(k)})), INTERNAL_TOKEN_NAME))
  return 0
}

function readInput(f: Flags): Buffer {
  const file = str(f, 'input')
  try {
    return readFileSync(file ?? 0)
  } catch {
    return fail(` unable to open "${file ?? '(standard input)'}" for reading.`)
  }
}

/** certutil -A, and -E (an e-mail certificate: it must carry an address to be found by). */
function add(store: Store, f: Flags, email: boolean): number {
  const trust = trustFrom(str(f, 'trust')!)
  const cert = Certificate.fromDerOrPem(readInput(f))
  if (email && dnEmail(cert.subject) === null && !cert.subjectAltNames.some((n) => n.type === 'rfc822Name')) {
    fail('-E: this certificate names no e-mail address (subject E= or subjectAltName rfc822Name); add it with -A instead')
  }
  addCertificate(store, str(f, 'nickname')!, cert, trust)
  return 0
}

function validate(store: Store, f: Flags): number {
  const nick = str(f, 'nickname')!
  const cert = certificateOrFile(store, nick)
  const errors = validateCertificate(store, cert, str(f, 'usage')!, str(f, 'time'))
  if (f.json) {
    process.stdout.write(JSON.stringify({nickname: cert.nickname, valid: errors.length === 0, errors}, null, 2) + '\n')
    return errors.length === 0 ? 0 : FAIL
  }
  if (errors.length === 0) {
    process.stdout.write('certutil: certificate is valid\n')
    return 0
  }
  if (f.log) {
    for (const e of errors) process.stderr.write(`${e.name} : ${e.message}\n`)
    return errors.every((e) => e.walkedPast) ? 0 : FAIL
  }
  process.stdout.write(`certutil: certificate is invalid: ${errors[0]!.message}\n`)
  return FAIL
}

/** For -V and -O, -n may also be a certificate file (DER, or PEM), as in NSS. */
function certificateOrFile(store: Store, name: string): StoredCertificate {
  if (findCertificates(store, name).length > 0) return requireCertificate(store, name)
  let data: Buffer
  try {
    data = readFileSync(name)
  } catch {
    return requireCertificate(store, name)
  }
  const certificate = Certificate.fromDerOrPem(data)
  return {id: -1, nickname: name, certificate, trust: NO_TRUST, hasPrivateKey: false}
}

function keyTypeOf(f: Flags) {
  return parseKeyType(str(f, 'keytype') ?? 'rsa') ?? fail(`-k: "${str(f, 'keytype')}" is not a key type this version generates; use rsa, ec or ed25519`)
}

async function newKeyPair(f: Flags, keyType: ReturnType<typeof keyTypeOf>) {
  process.stderr.write('\n\nGenerating key.  This may take a few moments...\n\n')
  return generateKeyPair({
    type: f.pss ? 'rsa-pss' : keyType,
    ...(str(f, 'keysize') !== undefined ? {bits: Number(str(f, 'keysize'))} : {}),
    ...(str(f, 'exponent') !== undefined ? {publicExponent: Number(str(f, 'exponent'))} : {}),
    ...(str(f, 'curve') !== undefined ? {curve: str(f, 'curve')!} : {}),
  })
}

function serialOf(f: Flags): bigint {
  const text = str(f, 'serial')
  return text === undefined ? defaultSerialNumber() : BigInt(text)
}

function validityOf(f: Flags) {
  const months = str(f, 'months')
  const warp = str(f, 'warp')
  return validityPeriod({...(months !== undefined ? {months: Number(months)} : {}), ...(warp !== undefined ? {warpMonths: Number(warp)} : {})})
}

/** Write command output to -o FILE or stdout. */
function emit(session: CertutilSession, f: Flags, data: string | Buffer): void {
  const out = str(f, 'output')
  if (out !== undefined) session.output(out, data)
  else process.stdout.write(data)
}

/** certutil -R: a new key (kept in the store, as NSS does), or -k an existing one, and a PKCS #10 request for it. */
async function request(session: CertutilSession, f: Flags): Promise<number> {
  const subjectText = str(f, 'subject')
  const hash = str(f, 'hash') !== undefined ? parseHashName(str(f, 'hash')!) : undefined
  let subject = subjectText !== undefined ? subjectOf(subjectText) : undefined
  basicConstraintsAnswerable(f)
  const {pair, tokenKey} = await keyPairAndLogin(session, f)
  const basicConstraints = await basicConstraintsAnswer(f)
  if (subject === undefined) {
    subject = pair.certificate?.certificate.subject ?? fail('-R: subject is required to create a cert request (the key named by -k has no certificate to take it from).')
  }
  const extensions = extensionsFor(f, subject, NO_TRUST, pair.publicKey, null, basicConstraints).filter((e) => e.oid !== OID.subjectKeyIdentifier)
  const req = buildCertificationRequest({subject, privateKey: pair.privateKey, extensions, ...(hash ? {hash} : {}), ...(f['pss-sign'] ? {pss: true} : {})})
  if (!pair.existing) addPrivateKey(session.store, tokenKey, pair.privateKey, null)
  if (!f.ascii) {
    emit(session, f, req.der)
    return 0
  }
  const v = (x: string | null) => x ?? '(not specified)'
  const preamble =
    `\nCertificate request generated by Netscape certutil\nPhone: ${v(str(f, 'phone') ?? null)}\n\n` +
    `Common Name: ${v(dnAttribute(subject, 'CN'))}\nEmail: ${v(dnAttribute(subject, 'E'))}\nOrganization: ${v(dnAttribute(subject, 'O'))}\n` +
    `State: ${v(dnAttribute(subject, 'ST'))}\nCountry: ${v(dnAttribute(subject, 'C'))}\n\n`
  emit(session, f, preamble + req.toPem(PEM_LABEL.newCertificateRequest))
  return 0
}

/** certutil -C: issue a certificate for a request (-i), signed by -c ISSUER or self (-x). */
async function issue(session: CertutilSession, f: Flags): Promise<number> {
  const store = session.store
  const req = CertificationRequest.fromDerOrPem(readInput(f))
  if (!req.verifySignature()) fail('the certificate request has a bad signature; make it again')
  if (!f.self && str(f, 'issuer') === undefined) fail('-C: must specify issuer (-c) or self-sign (-x).')
  const issuer = f.self ? null : requireCertificate(store, str(f, 'issuer')!)
  if (issuer && !hasPrivateKey(store, issuer.certificate.keyId)) fail(`-C: the store has no private key for the issuer "${issuer.nickname}"; it cannot sign`)
  const basicConstraints = await basicConstraintsAnswer(f)
  const tokenKey = await session.login(str(f, 'pwfile'))
  const signingKey = loadPrivateKey(store, tokenKey, issuer ? issuer.certificate.keyId : req.subjectPublicKeyInfo.keyId)
  const hash = str(f, 'hash') !== undefined ? parseHashName(str(f, 'hash')!) : undefined
  const publicKey = req.publicKey ?? fail('the request holds a public key of a type this version cannot use')
  const extensions = extensionsFor(f, req.subject, NO_TRUST, publicKey, issuer?.certificate ?? null, basicConstraints)
  const cert = buildCertificate(
    {serialNumber: serialOf(f), subject: req.subject, ...validityOf(f), publicKey: req.subjectPublicKeyInfo.der, extensions},
    {...(issuer ? {issuerCertificate: issuer.certificate} : {}), privateKey: signingKey, ...(hash ? {hash} : {}), ...(f['pss-sign'] ? {pss: true} : {})},
  )
  emit(session, f, f.ascii ? cert.toPem() : cert.der)
  return 0
}

/** certutil -G: a key pair only (listed by -K as an orphan until a certificate names it). */
async function genkey(session: CertutilSession, f: Flags): Promise<number> {
  const {pair, tokenKey} = await keyPairAndLogin(session, f)
  if (pair.existing) fail('-G: -k names an existing key; give a key type (rsa, ec, ed25519) to generate a new one')
  addPrivateKey(session.store, tokenKey, pair.privateKey, null)
  return 0
}

/** certutil -F: delete a key (by -n or -k key id) and its certificates. */
async function deletekey(session: CertutilSession, f: Flags): Promise<number> {
  const nick = str(f, 'nickname')
  const id = str(f, 'keytype')
  await session.login(str(f, 'pwfile'))
  let keyId: Buffer
  if (nick !== undefined) keyId = requireCertificate(session.store, nick).certificate.keyId
  else if (/^(0x)?[0-9a-f]+$/i.test(id!)) keyId = Buffer.from(id!.replace(/^0x/i, ''), 'hex')
  else return fail(`-F: "${id}" is not a key id (hex, as certutil -K prints it)`)
  deletePrivateKey(session.store, keyId)
  return 0
}

/** certutil -W: change the token password (-f old, -@ new, or prompts on a terminal). */
async function changepw(session: CertutilSession, f: Flags): Promise<number> {
  const key = await session.login(str(f, 'pwfile'))
  const next = await newPassword(str(f, 'newpwfile'), false, '-W: give the new password with -@ FILE (stdin is not a terminal to ask on)')
  changeTokenPassword(session.store, key, next)
  process.stdout.write('Password changed successfully.\n')
  return 0
}

/**
 * certutil -T: reset the token. Every key and certificate goes and the token
 * needs -N again. The token's password (-0, or -f) must be given when it has
 * one: a reset is the one command that destroys keys wholesale.
 */
async function reset(session: CertutilSession, f: Flags): Promise<number> {
  const store = session.store
  const secret = tokenSecret(store)
  if (secret) {
    const sso = str(f, 'ssopw')
    const pw = sso ?? readPasswordFile(str(f, 'pwfile'))
    if (pw === undefined) {
      try {
        unlockToken(store, '')
      } catch {
        return fail('-T: give the token password with -0 PASSWORD or -f FILE to reset it')
      }
    } else {
      try {
        unlockToken(store, pw)
      } catch (err) {
        throw new MsgctlError(`-T: ${(err as Error).message} The token was not reset.`, FAIL)
      }
    }
  }
  const removed = resetToken(store)
  process.stderr.write(`certutil: token "${INTERNAL_TOKEN_NAME}" reset: ${removed.keys} key(s) and ${removed.certificates} certificate(s) removed; run certutil -N to set a password\n`)
  return 0
}

/** certutil -U: the store's tokens. */
function tokens(store: Store, f: Flags): number {
  const initialised = tokenSecret(store) !== null
  if (f.json) {
    process.stdout.write(JSON.stringify([{slot: 'NSS User Private Key and Certificate Services', token: INTERNAL_TOKEN_NAME, initialised}], null, 2) + '\n')
    return 0
  }
  const slot = (name: string, token: string) =>
    `\n    slot: ${name}\n   token: ${token}\n     uri: pkcs11:token=${encodeURIComponent(token)};manufacturer=Mozilla%20Foundation;serial=0000000000000000;model=NSS%203\n`
  process.stdout.write(slot('NSS User Private Key and Certificate Services', INTERNAL_TOKEN_NAME) + slot('NSS Internal Cryptographic Services', 'NSS Generic Crypto Services'))
  if (!initialised) process.stderr.write('certutil: the token has no password yet; run certutil -N\n')
  return 0
}

/** What the -h TOKEN code path borrows, so token certificates are built exactly like store ones. */
const TOKEN_HELPERS: CertutilHelpers = {subjectOf, trustFrom, extensionsFor, basicConstraintsAnswer, serialOf, validityOf, emit, readInput}
