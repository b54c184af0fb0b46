/**
 * certutil -h TOKEN for a token of an external PKCS #11 module: keys are
 * generated on the token (private, sensitive, not extractable) and used
 * there through C_Sign; certificates go to the token beside their key and
 * to the store, where trust, chains and the daemon find them.
 */
import type {KeyObject} from 'node:crypto'
import {addCertificate, findCertificates, hasPrivateKey, listCertificates, loadPrivateKey, requireCertificate, type StoredCertificate} from '../../core/certdb/index.js'
import {MsgctlError} from '../../core/errors.js'
import {externalTokenNames, isInternalKeyToken, resolveToken, tokenNameOf, type ExternalToken, type PinSource} from '../../core/modules/index.js'
import {
  buildCertificateWith, buildRequestWith, keyObjectSigner, tokenSigner, type CertificateSigningKey, type TokenKeySpec, type TokenPrivateKey,
} from '../../core/pkcs11/index.js'
import {
  Certificate, CertificationRequest, NO_TRUST, PEM_LABEL, der, dnAttribute, formatTrust, parseCurveName, parseHashName,
  type DistinguishedName, type ExtensionSpec, type TrustFlags,
} from '../../core/pki/index.js'
import {renderCertList} from '../render/certutil_list.js'
import {renderKeyList} from '../render/certutil_keys.js'
import {str, type Flags} from './arguments.js'
import {FAIL, fail, type CertutilSession} from './session.js'
import {tokenPins} from './token_pins.js'

/** What certutil.ts lends this file, so both build certificates the same way. */
export interface CertutilHelpers {
  subjectOf(text: string): DistinguishedName
  trustFrom(text: string): TrustFlags
  extensionsFor(f: Flags, subject: DistinguishedName, trust: TrustFlags, publicKey: KeyObject, issuer: Certificate | null, basicConstraints?: ExtensionSpec): ExtensionSpec[]
  basicConstraintsAnswer(f: Flags): Promise<ExtensionSpec | undefined>
  serialOf(f: Flags): bigint
  validityOf(f: Flags): {notBefore: Date; notAfter: Date}
  emit(session: CertutilSession, f: Flags, data: string | Buffer): void
  readInput(f: Flags): Buffer
}

/** The commands that work on an external token. */
export const TOKEN_COMMANDS = ['genkey', 'selfsign', 'request', 'issue', 'keys', 'list']

/**
 * Run `command` on the token -h names. Null when -h names the store's own
 * token (the ordinary code path does it) or for `-h all` outside -L.
 */
export async function runOnToken(session: CertutilSession, command: string, f: Flags, tokenArg: string, h: CertutilHelpers): Promise<number | null> {
  const name = tokenNameOf(tokenArg)
  if (name === 'all') return command === 'list' && str(f, 'nickname') === undefined && str(f, 'email') === undefined ? listAll(session, f) : null
  if (isInternalKeyToken(name)) return null
  if (command === 'list' && (str(f, 'nickname') !== undefined || str(f, 'email') !== undefined)) return null
  const pins = tokenPins(session.store, str(f, 'pwfile'))
  const needsLogin = command !== 'list' || pins.pinFor(name) !== null
  const token = openToken(session, name, pins, needsLogin)
  try {
    switch (command) {
      case 'genkey':
        return genkey(token, f)
      case 'keys':
        return keys(token, f)
      case 'list':
        return listToken(session, token, f)
      case 'selfsign':
        return await selfsign(session, token, f, h)
      case 'request':
        return await request(session, token, f, h)
      case 'issue':
        return await issue(session, token, f, h)
      default:
        return fail(`-h "${name}": this command works on the store's own token only`)
    }
  } catch (err) {
    throw err instanceof MsgctlError && err.exitCode !== FAIL ? new MsgctlError(err.message, FAIL) : err
  } finally {
    token.close()
  }
}

function openToken(session: CertutilSession, name: string, pins: PinSource, login: boolean): ExternalToken {
  try {
    const t = resolveToken(session.store, name, pins, {login})
    if (t.kind !== 'external') return fail(`"${name}" is the store's own token`)
    return t
  } catch (err) {
    // certutil reports every failure with one status.
    if (err instanceof MsgctlError) throw new MsgctlError(err.message.replace(/^Token "(.*)" not found\.$/, 'could not find the token "$1": no enabled slot of a module in the database (modutil -list) holds it'), FAIL)
    throw err
  }
}

function keySpecOf(f: Flags): TokenKeySpec {
  const type = (str(f, 'keytype') ?? 'rsa').toLowerCase()
  if (type === 'ec') return {type: 'ec', curve: parseCurveName(str(f, 'curve') ?? 'nistp256')}
  if (type === 'rsa') return {type: 'rsa', bits: Number(str(f, 'keysize') ?? 2048), publicExponent: Number(str(f, 'exponent') ?? 65537)}
  return fail(`-k ${type}: keys on an external token are rsa or ec`)
}

function generate(token: ExternalToken, f: Flags, label: string | null): {key: TokenPrivateKey; publicKey: KeyObject} {
  if (f.pss) fail('--pss: RSA-PSS keys are not generated on external tokens; drop --pss')
  const spec = keySpecOf(f)
  process.stderr.write('\n\nGenerating key.  This may take a few moments...\n\n')
  return token.session.generateKeyPair(spec, label)
}

/** -k NAME on a token: a key by its label, the label of a certificate on the token, or its hex id. */
function existingTokenKey(token: ExternalToken, name: string): {key: TokenPrivateKey; publicKey: KeyObject} {
  const keys = token.session.privateKeys()
  const byCert = token.session.certificates().find((c) => c.label === name)?.id
  const hex = /^(0x)?[0-9a-f]+$/i.test(name) ? Buffer.from(name.replace(/^0x/i, ''), 'hex') : null
  const key = keys.find((k) => k.label === name) ?? keys.find((k) => (byCert && k.id.equals(byCert)) || (hex && k.id.equals(hex)))
  if (!key) return fail(`-k: token "${token.name}" holds no private key named "${name}" (certutil -K -h "${token.name}" lists them)`)
  return {key, publicKey: token.session.publicKey(key)}
}

const KEY_TYPE_WORDS = new Set(['rsa', 'ec', 'dsa', 'ed25519', 'all'])

function keyFor(token: ExternalToken, f: Flags, label: string | null) {
  const k = str(f, 'keytype')
  return k !== undefined && !KEY_TYPE_WORDS.has(k.toLowerCase()) ? existingTokenKey(token, k) : generate(token, f, label)
}

function genkey(token: ExternalToken, f: Flags): number {
  const k = str(f, 'keytype')
  if (k !== undefined && !KEY_TYPE_WORDS.has(k.toLowerCase())) fail('-G: -k names an existing key; give a key type (rsa, ec) to generate a new one')
  generate(token, f, str(f, 'nickname') ?? null)
  return 0
}

function keys(token: ExternalToken, f: Flags): number {
  const certs = token.session.certificates()
  const type = (str(f, 'keytype') ?? 'all').toLowerCase()
  const nick = str(f, 'nickname')
  const rows = token.session
    .privateKeys()
    .map((k) => {
      const cert = certs.find((c) => c.id.equals(k.id))
      return {key: k, nickname: k.label ?? (cert?.label ? `${token.name}:${cert.label}` : null)}
    })
    .filter((r) => (type === 'all' || r.key.keyType === type) && (nick === undefined || r.key.label === nick || r.nickname === `${token.name}:${nick}`))
  if (nick !== undefined && rows.length === 0) fail(`problem listing keys: no key named "${nick}" on token "${token.name}"`)
  if (f.json) {
    process.stdout.write(JSON.stringify(rows.map((r) => ({token: token.name, keyType: r.key.keyType, keyId: r.key.id.toString('hex'), nickname: r.nickname})), null, 2) + '\n')
    return 0
  }
  if (rows.length === 0) {
    process.stdout.write('certutil: no keys found\n')
    return FAIL
  }
  process.stdout.write(renderKeyList(rows.map((r) => ({type: r.key.keyType, keyId: r.key.id, nickname: r.nickname})), token.name, token.slot.description.trimEnd()))
  return 0
}

/** One row per certificate on the token, `TOKEN:label`, trust as the store records it. */
function tokenRows(session: CertutilSession, token: ExternalToken): {nickname: string; trust: string; sha256: string}[] {
  const keyIds = token.loggedIn ? token.session.privateKeys().map((k) => k.id) : []
  return token.session.certificates().map((c) => {
    const cert = Certificate.fromDer(c.der)
    const stored = listCertificates(session.store).find((s) => s.certificate.fingerprintSha256.equals(cert.fingerprintSha256))
    const hasKey = keyIds.some((id) => id.equals(cert.keyId))
    return {nickname: `${token.name}:${c.label ?? stored?.nickname ?? cert.subject.text}`, trust: formatTrust(stored?.trust ?? NO_TRUST, hasKey), sha256: cert.fingerprintSha256.toString('hex')}
  })
}

function listToken(session: CertutilSession, token: ExternalToken, f: Flags): number {
  const rows = tokenRows(session, token)
  if (f.json) process.stdout.write(JSON.stringify(rows, null, 2) + '\n')
  else process.stdout.write(renderCertList(rows))
  return 0
}

/** -L -h all: the store's certificates, then each external token's (a certificate on a token is shown under the token). */
function listAll(session: CertutilSession, f: Flags): number {
  const pins = tokenPins(session.store, str(f, 'pwfile'))
  const external: {nickname: string; trust: string; sha256: string}[] = []
  for (const name of externalTokenNames(session.store)) {
    const token = openToken(session, name, pins, pins.pinFor(name) !== null)
    try {
      external.push(...tokenRows(session, token))
    } finally {
      token.close()
    }
  }
  const onTokens = new Set(external.map((r) => r.sha256))
  const internal = listCertificates(session.store)
    .filter((c) => !onTokens.has(c.certificate.fingerprintSha256.toString('hex')))
    .map((c) => ({nickname: c.nickname, trust: formatTrust(c.trust, c.hasPrivateKey), sha256: c.certificate.fingerprintSha256.toString('hex')}))
  const rows = [...internal, ...external]
  if (f.json) process.stdout.write(JSON.stringify(rows, null, 2) + '\n')
  else process.stdout.write(renderCertList(rows))
  return 0
}

/** The issuer's key: on this token when it is there, else in the store (unlocked with -f). */
async function issuerSigner(session: CertutilSession, token: ExternalToken, issuer: StoredCertificate, f: Flags): Promise<CertificateSigningKey> {
  const onToken = token.session.privateKeyById(issuer.certificate.keyId)
  if (onToken) return tokenSigner(token.session, onToken, token.session.publicKey(onToken))
  if (!hasPrivateKey(session.store, issuer.certificate.keyId)) fail(`the issuer "${issuer.nickname}" has no private key on token "${token.name}" or in the store; it cannot sign`)
  const tokenKey = await session.login(str(f, 'pwfile'))
  const priv = loadPrivateKey(session.store, tokenKey, issuer.certificate.keyId)
  return keyObjectSigner(priv)
}

const hashOf = (f: Flags) => (str(f, 'hash') !== undefined ? parseHashName(str(f, 'hash')!) : undefined)

/** Put the certificate on the token beside its key, as NSS does. */
function storeOnToken(token: ExternalToken, cert: Certificate, nickname: string): void {
  token.session.addCertificate(cert.der, cert.keyId, nickname, cert.subject.der, cert.issuer.der, der.integer(cert.serialNumber))
}

async function selfsign(session: CertutilSession, token: ExternalToken, f: Flags, h: CertutilHelpers): Promise<number> {
  const store = session.store
  const nickname = str(f, 'nickname')!
  const subject = h.subjectOf(str(f, 'subject')!)
  const trust = h.trustFrom(str(f, 'trust')!)
  const hash = hashOf(f)
  const issuer = f.self ? null : requireCertificate(store, str(f, 'issuer')!)
  if (findCertificates(store, nickname).some((c) => c.certificate.subject.text !== subject.text)) {
    fail(`the nickname "${nickname}" is already used by a certificate for a different subject; choose another -n`)
  }
  const {key, publicKey} = keyFor(token, f, nickname)
  const basicConstraints = await h.basicConstraintsAnswer(f)
  const signer = issuer ? await issuerSigner(session, token, issuer, f) : tokenSigner(token.session, key, publicKey)
  const extensions = h.extensionsFor(f, subject, trust, publicKey, issuer?.certificate ?? null, basicConstraints)
  const cert = buildCertificateWith(
    {serialNumber: h.serialOf(f), subject, ...h.validityOf(f), publicKey, extensions},
    signer,
    {...(issuer ? {issuerCertificate: issuer.certificate} : {}), ...(hash ? {hash} : {}), ...(f['pss-sign'] ? {pss: true} : {})},
  )
  addCertificate(store, nickname, cert, trust)
  storeOnToken(token, cert, nickname)
  const out = str(f, 'output')
  if (out !== undefined) session.output(out, f.ascii ? cert.toPem() : cert.der)
  return 0
}

async function request(session: CertutilSession, token: ExternalToken, f: Flags, h: CertutilHelpers): Promise<number> {
  const subjectText = str(f, 'subject') ?? fail('-R: subject is required to create a cert request (-s).')
  const subject = h.subjectOf(subjectText)
  const {key, publicKey} = keyFor(token, f, str(f, 'nickname') ?? null)
  const basicConstraints = await h.basicConstraintsAnswer(f)
  const extensions = h.extensionsFor(f, subject, NO_TRUST, publicKey, null, basicConstraints).filter((e) => e.oid !== '2.5.29.14')
  const hash = hashOf(f)
  const req = buildRequestWith({subject, extensions, ...(hash ? {hash} : {})}, tokenSigner(token.session, key, publicKey))
  if (!f.ascii) {
    h.emit(session, f, req.der)
    return 0
  }
  const v = (x: string | null) => x ?? '(not specified)'
  const preamble =
    `\nCertificate request generated by Netscape certutil\nPhone: ${v(str(f, 'phone') ?? null)}\n\n` +
    `Common Name: ${v(dnAttribute(subject, 'CN'))}\nEmail: ${v(dnAttribute(subject, 'E'))}\nOrganization: ${v(dnAttribute(subject, 'O'))}\n` +
    `State: ${v(dnAttribute(subject, 'ST'))}\nCountry: ${v(dnAttribute(subject, 'C'))}\n\n`
  h.emit(session, f, preamble + req.toPem(PEM_LABEL.newCertificateRequest))
  return 0
}

async function issue(session: CertutilSession, token: ExternalToken, f: Flags, h: CertutilHelpers): Promise<number> {
  const req = CertificationRequest.fromDerOrPem(h.readInput(f))
  if (!req.verifySignature()) fail('the certificate request has a bad signature; make it again')
  if (!f.self && str(f, 'issuer') === undefined) fail('-C: must specify issuer (-c) or self-sign (-x).')
  const issuer = f.self ? null : requireCertificate(session.store, str(f, 'issuer')!)
  let signer: CertificateSigningKey
  if (issuer) signer = await issuerSigner(session, token, issuer, f)
  else {
    const own = token.session.privateKeyById(req.subjectPublicKeyInfo.keyId) ?? fail(`-C -x: the request's key is not on token "${token.name}"`)
    signer = tokenSigner(token.session, own, token.session.publicKey(own))
  }
  const basicConstraints = await h.basicConstraintsAnswer(f)
  const publicKey = req.publicKey ?? fail('the request holds a public key of a type this version cannot use')
  const hash = hashOf(f)
  const extensions = h.extensionsFor(f, req.subject, NO_TRUST, publicKey, issuer?.certificate ?? null, basicConstraints)
  const cert = buildCertificateWith(
    {serialNumber: h.serialOf(f), subject: req.subject, ...h.validityOf(f), publicKey: req.subjectPublicKeyInfo.der, extensions},
    signer,
    {...(issuer ? {issuerCertificate: issuer.certificate} : {}), ...(hash ? {hash} : {}), ...(f['pss-sign'] ? {pss: true} : {})},
  )
  h.emit(session, f, f.ascii ? cert.toPem() : cert.der)
  return 0
}
