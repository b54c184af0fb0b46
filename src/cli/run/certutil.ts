import {readFileSync} from 'node:fs'
import {
  addCertificate, addPrivateKey, deleteCertificates, findCertificates, initToken, listCertificates, listPrivateKeys,
  loadPrivateKey, deletePrivateKey, renameCertificates, requireCertificate, setTrust, tokenSecret, unlockToken, changeTokenPassword, validateCertificate, buildChain, type StoredCertificate,
} from '../../core/certdb/index.js'
import {MsgctlError, UsageError} from '../../core/errors.js'
import {
  authorityKeyIdentifierExtension, basicConstraintsExtension, buildCertificate, buildCertificationRequest, Certificate, CertificationRequest, NO_TRUST, OID, PEM_LABEL, dnAttribute, defaultSerialNumber,
  extKeyUsageExtension, generateKeyPair, genericExtension, keyUsageExtension, keyUsageExtensionFromNames, nsCertTypeExtension,
  parseDn, parseDnsList, parseEmailList, parseExtGeneric, parseExtSan, parseHashName, parseKeyType, parseTrustString, passwordFromFile,
  requestsUserTrust, storedTrust, subjectAltNameExtension, subjectKeyIdentifierExtension, subjectKeyIdentifierFor,
  TRUST, validityPeriod, formatTrust, trustBlockLines, INTERNAL_TOKEN_NAME, nssKeyTypeName, type PublicKeyType, type ExtensionSpec, type GeneralName, type TokenKey,
} from '../../core/pki/index.js'
import {locateStore, Store} from '../../core/store/index.js'
import {renderCertificate} from '../render/certutil_pretty.js'
import {renderCertList} from '../render/certutil_list.js'
import {renderKeyList} from '../render/certutil_keys.js'
import {renderChain} from '../render/certutil_chain.js'
import {writeFileAtomic} from '../write_file_atomic.js'
import type {CommandRun} from './types.js'

type Flags = Record<string, string | boolean | string[] | undefined>

/** certutil's status for failures (reference §1.6). */
const FAIL = 255

const COMMANDS: readonly [flag: string, letter: string][] = [
  ['create', '-N'], ['selfsign', '-S'], ['request', '-R'], ['issue', '-C'], ['add', '-A'], ['addemail', '-E'], ['delete', '-D'],
  ['deletekey', '-F'], ['genkey', '-G'], ['keys', '-K'], ['list', '-L'], ['modify', '-M'], ['chain', '-O'], ['tokens', '-U'],
  ['validate', '-V'], ['changepw', '-W'], ['reset', '-T'], ['batch', '-B'], ['rename', '--rename'],
]

const fail = (message: string): never => {
  throw new MsgctlError(message, FAIL)
}
const str = (f: Flags, name: string): string | undefined => (typeof f[name] === 'string' ? (f[name] as string) : undefined)

export const run: CommandRun = async ({flags, args}) => {
  const f = flags as Flags
  if (f.syntax) {
    process.stderr.write('certutil -N|-S|-L|-K|-A|-D|-M|-V [options]   (certutil --help for all)\n')
    return 1
  }
  const given = COMMANDS.filter(([name]) => f[name] === true)
  if (given.length > 1) {
    throw new UsageError(`only one command at a time!\nYou entered:  ${given.map(([, l]) => l).join(' ')}`, FAIL)
  }
  if (given.length === 0) {
    process.stderr.write('certutil: no command given; use one of -N -S -L -K -A -D -M -V (certutil --help lists all)\n')
    return 1
  }
  if (args.length > 0) throw new UsageError(`unexpected argument "${args[0]}" (quote values with spaces)`, 1)
  const [command, letter] = given[0]!
  let store: Store
  try {
    store = Store.open(locateStore(str(f, 'dbdir')), {create: command === 'create'})
  } catch (err) {
    // NSS tools exit 255 when the database cannot be opened.
    throw err instanceof MsgctlError ? new MsgctlError(err.message, FAIL) : err
  }
  try {
    switch (command) {
      case 'create':
        return create(store, f)
      case 'selfsign':
        return await makeCertificate(store, f)
      case 'list':
        return list(store, f)
      case 'keys':
        return keys(store, f)
      case 'add':
        return add(store, f)
      case 'delete':
        deleteCertificates(store, need(f, 'nickname', '-D', 'nickname is required for this command (-n).'))
        return 0
      case 'modify': {
        const nick = need(f, 'nickname', '-M', 'nickname is required for this command (-n).')
        setTrust(store, nick, trustFrom(need(f, 'trust', '-M', 'trust is required for this command (-t).')))
        return 0
      }
      case 'rename': {
        const usage = 'specify an old nickname (-n) and\n   a new nickname (--new-n).'
        renameCertificates(store, need(f, 'nickname', '--rename', usage), need(f, 'new-n', '--rename', usage))
        return 0
      }
      case 'validate':
        return validate(store, f)
      case 'request':
        return await request(store, f)
      case 'issue':
        return issue(store, f)
      case 'genkey':
        return await genkey(store, f)
      case 'deletekey':
        return deletekey(store, f)
      case 'changepw':
        return changepw(store, f)
      case 'chain': {
        const leaf = requireCertificate(store, need(f, 'nickname', '-O', 'nickname is required for this command (-n).'))
        const chain = buildChain(store, leaf).reverse()
        process.stdout.write(renderChain(chain.map((c) => ({nickname: c.nickname, subject: c.certificate.subject.text}))))
        return 0
      }
      case 'tokens':
        process.stdout.write(`Token: "${INTERNAL_TOKEN_NAME}"\n  slot: NSS User Private Key and Certificate Services\n  password: ${tokenSecret(store) ? 'set' : 'not set (run certutil -N)'}\n`)
        return 0
      default:
        process.stderr.write(`certutil: ${letter} is not built yet in this version of msgctl\n`)
        return 2
    }
  } finally {
    store.close()
  }
}

function need(f: Flags, name: string, letter: string, message: string): string {
  const v = str(f, name)
  if (v === undefined || v === '') throw new MsgctlError(`${letter}: ${message}`, FAIL)
  return v
}

function trustFrom(text: string) {
  const parsed = parseTrustString(text)
  if (requestsUserTrust(parsed)) process.stderr.write('Notice: Trust flag u is set automatically if the private key is present.\n')
  return storedTrust(parsed)
}

/** The token password from -f (NSS password-file format), --empty-password, or an empty-password token. */
function passwordFor(f: Flags, which: 'pwfile' | 'newpwfile' = 'pwfile'): string | undefined {
  const file = str(f, which)
  if (file === undefined) return undefined
  let content: Buffer
  try {
    content = readFileSync(file)
  } catch {
    return fail(`No password file "${file}" exists.`)
  }
  return passwordFromFile(content, INTERNAL_TOKEN_NAME)
}

function login(store: Store, f: Flags): TokenKey {
  const pw = passwordFor(f)
  if (pw !== undefined) return unlockToken(store, pw)
  if (!tokenSecret(store)) return fail(`the store has no token password yet; run certutil -N -d ${store.location.dir} first`)
  try {
    return unlockToken(store, '')
  } catch {
    return fail(`could not authenticate to token ${INTERNAL_TOKEN_NAME}: give the password file with -f FILE`)
  }
}

function create(store: Store, f: Flags): number {
  if (tokenSecret(store)) {
    // On an initialised store -N checks the password and, with -@, changes it (as -W).
    if (str(f, 'newpwfile') !== undefined) return changepw(store, f)
    login(store, f)
    return 0
  }
  const pw = f['empty-password'] ? '' : passwordFor(f)
  if (pw === undefined) return fail('-N: give the new password with -f FILE, or --empty-password (no terminal prompt in scripts)')
  initToken(store, pw)
  return 0
}

/** A DNS host name with at least one dot: what clients check against SANs. */
const HOSTNAME = /^(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/

async function makeCertificate(store: Store, f: Flags): Promise<number> {
  const nickname = need(f, 'nickname', '-S', 'nickname is required for this command (-n).')
  const trustText = need(f, 'trust', '-S', 'trust is required for this command (-t).')
  const subjectText = str(f, 'subject')
  if (subjectText === undefined) return fail('-S: subject is required to create a cert request.')
  if (!f.self && str(f, 'issuer') === undefined) return fail('-S: must specify issuer (-c) or self-sign (-x).')
  let subject
  try {
    subject = parseDn(subjectText)
  } catch {
    return fail(`-s: improperly formatted name: "${subjectText}"`)
  }
  const trust = trustFrom(trustText)
  const hash = str(f, 'hash') !== undefined ? parseHashName(str(f, 'hash')!) : undefined
  const keyType = keyTypeOf(f)
  const tokenKey = login(store, f)
  const issuer: StoredCertificate | null = f.self ? null : requireCertificate(store, str(f, 'issuer')!)
  const issuerKey = issuer ? loadPrivateKey(store, tokenKey, issuer.certificate.keyId) : null
  if (issuer) {
    const bc = issuer.certificate.basicConstraints
    const caTrusted = (issuer.trust.ssl | issuer.trust.email | issuer.trust.objectSigning) & (TRUST.VALID_CA | TRUST.TRUSTED_CA | TRUST.TRUSTED_CLIENT_CA)
    if (!(bc?.ca ?? false) && !caTrusted) fail(`-S: the issuer "${issuer.nickname}" is not a CA (no basicConstraints CA and no CA trust); issue from a CA certificate`)
  }
  const pair = await newKeyPair(f, keyType)
  const extensions = extensionsFor(f, subject, trust, pair.publicKey, issuer?.certificate ?? null)
  const cert = buildCertificate(
    {serialNumber: serialOf(f), subject, ...validityOf(f), publicKey: pair.publicKey, extensions},
    {...(issuer ? {issuerCertificate: issuer.certificate} : {}), privateKey: issuerKey ?? pair.privateKey, ...(hash ? {hash} : {}), ...(f['pss-sign'] ? {pss: true} : {})},
  )
  store.write(() => {
    addPrivateKey(store, tokenKey, pair.privateKey, null)
    addCertificate(store, nickname, cert, trust)
  })
  const out = str(f, 'output')
  if (out !== undefined) writeFileAtomic(out, f.ascii ? cert.toPem() : cert.der, 0o644)
  return 0
}

function extensionsFor(f: Flags, subject: ReturnType<typeof parseDn>, trust: ReturnType<typeof storedTrust>, publicKey: import('node:crypto').KeyObject, issuer: Certificate | null): ExtensionSpec[] {
  const ext: ExtensionSpec[] = []
  const caTrust = (trust.ssl | trust.email | trust.objectSigning) & (TRUST.TRUSTED_CA | TRUST.TRUSTED_CLIENT_CA)
  const bcSpec = str(f, 'basic-constraints')
  if (bcSpec !== undefined) ext.push(basicConstraintsFrom(bcSpec))
  else if (f.basicConstraints) fail('-2: interactive basic constraints need a terminal; use --basic-constraints ca[,pathlen=N][,critical] or notca')
  else if (f.self && caTrust && !f['no-ca-defaults']) ext.push(basicConstraintsExtension({ca: true, critical: true}))
  const ku = str(f, 'keyUsage')
  if (ku !== undefined) ext.push(keyUsageExtension(ku))
  else if (f.self && caTrust && !f['no-ca-defaults']) ext.push(keyUsageExtensionFromNames(['keyCertSign', 'cRLSign'], false))
  if (str(f, 'nsCertType') !== undefined) ext.push(nsCertTypeExtension(str(f, 'nsCertType')!))
  if (str(f, 'extKeyUsage') !== undefined) ext.push(extKeyUsageExtension(str(f, 'extKeyUsage')!))
  const names: GeneralName[] = []
  if (str(f, 'emails') !== undefined) names.push(...parseEmailList(str(f, 'emails')!))
  if (str(f, 'dnsnames') !== undefined) names.push(...parseDnsList(str(f, 'dnsnames')!))
  if (str(f, 'extSAN') !== undefined) names.push(...parseExtSan(str(f, 'extSAN')!))
  const cn = dnAttribute(subject, 'CN')
  if (names.length === 0 && !f['no-san-default'] && !caTrust && cn && HOSTNAME.test(cn)) names.push({type: 'dNSName', value: cn.toLowerCase()})
  if (names.length > 0) ext.push(subjectAltNameExtension(names))
  const spki = publicKey.export({type: 'spki', format: 'der'})
  ext.push(subjectKeyIdentifierExtension(subjectKeyIdentifierFor(spki)))
  const aki = issuer?.subjectKeyIdentifier
  if (aki) ext.push(authorityKeyIdentifierExtension({keyIdentifier: aki}))
  const generic = str(f, 'extGeneric')
  if (generic !== undefined) {
    for (const g of parseExtGeneric(generic)) ext.push(genericExtension(g.oid, g.critical, readFileSync(g.file)))
  }
  return ext
}

function basicConstraintsFrom(spec: string): ExtensionSpec {
  const parts = spec.split(',').map((s) => s.trim().toLowerCase())
  const critical = parts.includes('critical')
  const path = parts.find((p) => p.startsWith('pathlen='))
  if (parts[0] === 'notca') return basicConstraintsExtension({ca: false, critical})
  if (parts[0] !== 'ca') fail(`--basic-constraints: "${spec}" must start with ca or notca`)
  const n = path === undefined ? null : Number(path.slice(8))
  if (n !== null && !Number.isInteger(n)) fail(`--basic-constraints: bad path length in "${spec}"`)
  return basicConstraintsExtension({ca: true, pathLength: n, critical})
}

function list(store: Store, f: Flags): number {
  const nick = str(f, 'nickname') ?? str(f, 'email')
  if ((f.ascii || f.raw || str(f, 'dump-ext-val') !== undefined) && nick === undefined) fail('nickname is required to dump cert in raw or ascii mode.')
  if (f.ascii && f.raw) fail('cannot specify both -r and -a when dumping cert.')
  if (nick === undefined) {
    let certs = listCertificates(store)
    const days = str(f, 'expiring')
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

function keys(store: Store, f: Flags): number {
  login(store, f)
  const all = listPrivateKeys(store)
  const nick = str(f, 'nickname')
  const shown = nick === undefined ? all : all.filter((k) => k.nickname === nick)
  if (nick !== undefined && shown.length === 0) fail(`problem listing keys: no key named "${nick}"`)
  if (f.json) {
    process.stdout.write(JSON.stringify(shown.map((k) => ({keyType: k.keyType, keyId: k.keyId.toString('hex'), nickname: k.nickname})), null, 2) + '\n')
    return 0
  }
  if (shown.length === 0) {
    process.stdout.write('certutil: no keys found\n')
    return FAIL
  }
  process.stdout.write(renderKeyList(shown.map((k) => ({type: nssKeyTypeName(k.keyType as PublicKeyType), keyId: k.keyId, nickname: k.nickname})), INTERNAL_TOKEN_NAME))
  return 0
}

function add(store: Store, f: Flags): number {
  const nickname = need(f, 'nickname', '-A', 'nickname is required for this command (-n).')
  const trust = trustFrom(need(f, 'trust', '-A', 'trust is required for this command (-t).'))
  const file = str(f, 'input')
  let data: Buffer
  try {
    data = readFileSync(file ?? 0)
  } catch {
    return fail(` unable to open "${file}" for reading.`)
  }
  addCertificate(store, nickname, Certificate.fromDerOrPem(data), trust)
  return 0
}

function validate(store: Store, f: Flags): number {
  const nick = need(f, 'nickname', '-V', 'nickname is required for this command (-n).')
  const usage = str(f, 'usage')
  if (usage === undefined) return fail('-V: specify a usage to validate the cert for (-u).')
  const cert = requireCertificate(store, nick)
  const errors = validateCertificate(store, cert, usage, str(f, 'time'))
  if (errors.length === 0) {
    process.stdout.write('certutil: certificate is valid\n')
    return 0
  }
  if (f.log) for (const e of errors) process.stderr.write(`${e.name} : ${e.message}\n`)
  else process.stdout.write(`certutil: certificate is invalid: ${errors[0]!.message}\n`)
  return FAIL
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
  if (text === undefined) return defaultSerialNumber()
  return /^\d+$/.test(text) ? BigInt(text) : fail(`-m: serial number must be a whole number >= 0, not "${text}"`)
}

function validityOf(f: Flags) {
  const months = str(f, 'months')
  const warp = str(f, 'warp')
  for (const [letter, v] of [['-v', months], ['-w', warp]] as const) {
    if (v !== undefined && !/^-?\d+$/.test(v)) fail(`${letter}: "${v}" is not a whole number of months`)
  }
  return validityPeriod({...(months !== undefined ? {months: Number(months)} : {}), ...(warp !== undefined ? {warpMonths: Number(warp)} : {})})
}

/** Write command output to -o FILE (atomically) or stdout. */
function emit(f: Flags, data: string | Buffer): void {
  const out = str(f, 'output')
  if (out !== undefined) writeFileAtomic(out, data, 0o644)
  else process.stdout.write(data)
}

/** certutil -R: a new key (kept in the store, as NSS does) and a PKCS #10 request for it. */
async function request(store: Store, f: Flags): Promise<number> {
  const subjectText = str(f, 'subject') ?? fail('-R: subject is required to create a cert request.')
  let subject
  try {
    subject = parseDn(subjectText)
  } catch {
    return fail(`-s: improperly formatted name: "${subjectText}"`)
  }
  const keyType = keyTypeOf(f)
  const tokenKey = login(store, f)
  const pair = await newKeyPair(f, keyType)
  const hash = str(f, 'hash') !== undefined ? parseHashName(str(f, 'hash')!) : undefined
  const extensions = extensionsFor(f, subject, NO_TRUST, pair.publicKey, null).filter((e) => e.oid !== OID.subjectKeyIdentifier)
  const req = buildCertificationRequest({subject, privateKey: pair.privateKey, extensions, ...(hash ? {hash} : {}), ...(f['pss-sign'] ? {pss: true} : {})})
  addPrivateKey(store, tokenKey, pair.privateKey, null)
  if (!f.ascii) {
    emit(f, req.der)
    return 0
  }
  const v = (x: string | null) => x ?? '(not specified)'
  const preamble =
    `\nCertificate request generated by Netscape certutil\nPhone: ${v(str(f, 'phone') ?? null)}\n\n` +
    `Common Name: ${v(dnAttribute(subject, 'CN'))}\nEmail: ${v(dnAttribute(subject, 'E'))}\nOrganization: ${v(dnAttribute(subject, 'O'))}\n` +
    `State: ${v(dnAttribute(subject, 'ST'))}\nCountry: ${v(dnAttribute(subject, 'C'))}\n\n`
  emit(f, preamble + req.toPem(PEM_LABEL.newCertificateRequest))
  return 0
}

/** certutil -C: issue a certificate for a request (-i), signed by -c ISSUER or self (-x). */
function issue(store: Store, f: Flags): number {
  const file = str(f, 'input')
  let data: Buffer
  try {
    data = readFileSync(file ?? 0)
  } catch {
    return fail(` unable to open "${file}" for reading.`)
  }
  const req = CertificationRequest.fromDerOrPem(data)
  if (!req.verifySignature()) fail('the certificate request has a bad signature; make it again')
  if (!f.self && str(f, 'issuer') === undefined) fail('-C: must specify issuer (-c) or self-sign (-x).')
  const tokenKey = login(store, f)
  const issuer = f.self ? null : requireCertificate(store, str(f, 'issuer')!)
  const signingKey = loadPrivateKey(store, tokenKey, issuer ? issuer.certificate.keyId : req.subjectPublicKeyInfo.keyId)
  const hash = str(f, 'hash') !== undefined ? parseHashName(str(f, 'hash')!) : undefined
  const publicKey = req.publicKey ?? fail('the request holds a public key of a type this version cannot use')
  const extensions = extensionsFor(f, req.subject, NO_TRUST, publicKey, issuer?.certificate ?? null)
  const cert = buildCertificate(
    {serialNumber: serialOf(f), subject: req.subject, ...validityOf(f), publicKey: req.subjectPublicKeyInfo.der, extensions},
    {...(issuer ? {issuerCertificate: issuer.certificate} : {}), privateKey: signingKey, ...(hash ? {hash} : {}), ...(f['pss-sign'] ? {pss: true} : {})},
  )
  emit(f, f.ascii ? cert.toPem() : cert.der)
  return 0
}

/** certutil -G: a key pair only (listed by -K as an orphan until a certificate names it). */
async function genkey(store: Store, f: Flags): Promise<number> {
  const keyType = keyTypeOf(f)
  const tokenKey = login(store, f)
  const pair = await newKeyPair(f, keyType)
  addPrivateKey(store, tokenKey, pair.privateKey, null)
  return 0
}

/** certutil -F: delete a key (by -n or -k key id) and its certificates. */
function deletekey(store: Store, f: Flags): number {
  const nick = str(f, 'nickname')
  const id = str(f, 'keytype')
  if (nick === undefined && id === undefined) fail('-F: specify a nickname (-n) or\n   a key ID (-k).')
  login(store, f)
  const keyId = nick !== undefined ? requireCertificate(store, nick).certificate.keyId : Buffer.from(id!.replace(/^0x/i, ''), 'hex')
  deletePrivateKey(store, keyId)
  return 0
}

/** certutil -W: change the token password (-f old, -@ new). */
function changepw(store: Store, f: Flags): number {
  const key = login(store, f)
  const next = passwordFor(f, 'newpwfile') ?? fail('-W: give the new password with -@ FILE (no terminal prompt in scripts)')
  changeTokenPassword(store, key, next)
  process.stdout.write('Password changed successfully.\n')
  return 0
}
