/**
 * Reading a PFX (RFC 7292 §4): verify the MAC, open every safe, and list
 * the bags in file order with their attributes, keys decrypted to PKCS #8
 * and certificates as DER. Accepts what OpenSSL 3 (default and -legacy),
 * NSS and Windows write: BER or DER, PBES2 or the SHA-1 PBE schemes,
 * nested safe-contents bags, files without a MAC.
 */
import {BER, child, explicitInner, iterationCountOf, octets, oidOf, parseBer, sequenceOf, smallIntegerOf, type BerNode} from './ber.js'
import {Pkcs12Error} from './errors.js'
import {macMatches, type MacParameters} from './mac.js'
import {P12_OID, describeOid, digestByOid} from './oids.js'
import {passwordCandidates, type PasswordBytes} from './password.js'
import {parsePbeAlgorithm, pbeDecrypt, type PbeScheme} from './password_based_encryption.js'

export interface BagAttribute {
  readonly oid: string
  /** Each value's encoding. */
  readonly values: readonly Buffer[]
}

interface BagCommon {
  readonly bagId: string
  readonly friendlyName: string | null
  readonly localKeyId: Buffer | null
  readonly attributes: readonly BagAttribute[]
  /** Index of the authenticated-safe entry the bag came from. */
  readonly safe: number
}

export interface KeyBag extends BagCommon {
  readonly type: 'key'
  /** PrivateKeyInfo DER. */
  readonly privateKeyInfo: Buffer
}

export interface ShroudedKeyBag extends BagCommon {
  readonly type: 'shroudedKey'
  readonly encryption: PbeScheme
  readonly privateKeyInfo: Buffer
}

export interface CertBag extends BagCommon {
  readonly type: 'certificate'
  readonly certType: string
  /** The certificate (DER for X.509). */
  readonly value: Buffer
}

/** CRL, secret and unknown bags: kept, listed, not imported. */
export interface OtherBag extends BagCommon {
  readonly type: 'other'
  readonly value: Buffer
}

export type Pkcs12Bag = KeyBag | ShroudedKeyBag | CertBag | OtherBag

export interface SafeInfo {
  readonly contentType: string
  /** The encryption of an encryptedData safe. */
  readonly encryption: PbeScheme | null
}

export interface MacInfo extends MacParameters {
  readonly digestOid: string
}

export interface DecodedPfx {
  readonly version: number
  readonly mac: MacInfo | null
  readonly safes: readonly SafeInfo[]
  readonly bags: readonly Pkcs12Bag[]
}

function formatError(what: string): never {
  throw new Pkcs12Error('format', what)
}

function readMac(node: BerNode): {params: MacInfo; expected: Buffer} {
  const what = 'MAC data'
  const items = sequenceOf(node, what)
  const digestInfo = sequenceOf(child(items, 0, what), what)
  const digestOid = oidOf(child(sequenceOf(child(digestInfo, 0, what), what), 0, what), what)
  const digest = digestByOid(digestOid)
  if (!digest) throw new Pkcs12Error('algorithm', `the file's MAC uses ${describeOid(digestOid)}, which is not supported`)
  const expected = octets(child(digestInfo, 1, what, BER.OCTET_STRING), what)
  const salt = octets(child(items, 1, what, BER.OCTET_STRING), what)
  // iterations INTEGER DEFAULT 1
  const iterations = items[2] ? iterationCountOf(items[2], what) : 1
  return {params: {digest, digestOid, salt, iterations}, expected}
}

function readAttributes(node: BerNode | undefined, what: string): {friendlyName: string | null; localKeyId: Buffer | null; attributes: BagAttribute[]} {
  let friendlyName: string | null = null
  let localKeyId: Buffer | null = null
  const attributes: BagAttribute[] = []
  if (node === undefined) return {friendlyName, localKeyId, attributes}
  for (const attr of sequenceOf(node, what, BER.SET)) {
    const items = sequenceOf(attr, what)
    const oid = oidOf(child(items, 0, what), what)
    const values = sequenceOf(child(items, 1, what), what, BER.SET)
    attributes.push({oid, values: values.map((v) => v.raw)})
    const first = values[0]
    if (first === undefined) continue
    if (oid === P12_OID.friendlyName && friendlyName === null) friendlyName = stringValue(first)
    else if (oid === P12_OID.localKeyId && localKeyId === null) localKeyId = octets(first, what)
  }
  return {friendlyName, localKeyId, attributes}
}

/** friendlyName is a BMPString; be lenient with writers that used UTF8String. */
function stringValue(node: BerNode): string | null {
  const bytes = octets(node, 'friendlyName')
  if (node.tag === BER.BMP_STRING) {
    if (bytes.length % 2 !== 0) return null
    const swapped = Buffer.from(bytes)
    swapped.swap16()
    return swapped.toString('utf16le')
  }
  if (node.tag === BER.UTF8_STRING) return bytes.toString('utf8')
  return null
}

class Reader {
  readonly bags: Pkcs12Bag[] = []

  constructor(readonly password: PasswordBytes) {}

  safeContents(bytes: Buffer, safe: number, depth = 0): void {
    const what = `safe ${safe + 1}`
    if (depth > 8) formatError(`${what}: safe-contents bags nested too deeply`)
    const top = parseBer(bytes, what)
    for (const bag of sequenceOf(top, what)) this.bag(bag, safe, depth)
  }

  bag(node: BerNode, safe: number, depth: number): void {
    const what = `bag ${this.bags.length + 1}`
    const items = sequenceOf(node, what)
    const bagId = oidOf(child(items, 0, what), what)
    const value = explicitInner(child(items, 1, what, BER.CONTEXT_0), what)
    const common = {bagId, ...readAttributes(items[2], what), safe}
    switch (bagId) {
      case P12_OID.keyBag:
        this.bags.push({...common, type: 'key', privateKeyInfo: value.raw})
        return
      case P12_OID.pkcs8ShroudedKeyBag: {
        const [alg, data] = sequenceOf(value, what)
        if (!alg || !data) return formatError(`${what}: EncryptedPrivateKeyInfo is incomplete`)
        const encryption = parsePbeAlgorithm(alg, `${what} (shrouded key) encryption`)
        const privateKeyInfo = pbeDecrypt(encryption, this.password, octets(data, what), `the private key in ${what}`)
        this.bags.push({...common, type: 'shroudedKey', encryption, privateKeyInfo})
        return
      }
      case P12_OID.certBag: {
        const certItems = sequenceOf(value, what)
        const certType = oidOf(child(certItems, 0, what), what)
        const inner = explicitInner(child(certItems, 1, what, BER.CONTEXT_0), what)
        this.bags.push({...common, type: 'certificate', certType, value: octets(inner, what)})
        return
      }
      case P12_OID.safeContentsBag:
        // The nested bags take this one's place in file order.
        for (const b of sequenceOf(value, what)) this.bag(b, safe, depth + 1)
        return
      default:
        this.bags.push({...common, type: 'other', value: value.raw})
    }
  }
}

interface OuterPfx {
  version: number
  authSafe: Buffer
  mac: {params: MacInfo; expected: Buffer} | null
}

function readOuter(file: Buffer): OuterPfx {
  if (file.length === 0) formatError('the file is empty')
  const what = 'PFX'
  const items = sequenceOf(parseBer(file, what), what)
  const version = smallIntegerOf(child(items, 0, what), what)
  if (version !== 3) formatError(`PFX version ${version} is not 3 (not a PKCS #12 v1 file)`)
  const authSafe = sequenceOf(child(items, 1, what), what)
  const contentType = oidOf(child(authSafe, 0, what), what)
  if (contentType === P12_OID.signedData) throw new Pkcs12Error('algorithm', 'public-key integrity mode (a signed PFX) is not supported')
  if (contentType !== P12_OID.data) formatError(`the authenticated safe is ${describeOid(contentType)}, not data`)
  const content = explicitInner(child(authSafe, 1, what, BER.CONTEXT_0), what)
  return {version, authSafe: octets(content, what), mac: items[2] ? readMac(items[2]) : null}
}

/**
 * Decode a PFX with its password. Throws Pkcs12Error: 'format' for
 * anything that is not a readable PFX, 'password' when the MAC does not
 * verify, 'decrypt' when (without a MAC) a safe does not decrypt,
 * 'algorithm' for schemes this implementation cannot run.
 */
export function decodePfx(file: Buffer, password: string): DecodedPfx {
  const outer = readOuter(file)
  let candidates = passwordCandidates(password)
  if (outer.mac) {
    const {params, expected} = outer.mac
    const ok = candidates.find((c) => macMatches(params, c.bmp, outer.authSafe, expected))
    if (!ok) throw new Pkcs12Error('password', 'the MAC does not verify: wrong password, or the file was altered')
    candidates = [ok]
  }
  let lastError: unknown
  for (const candidate of candidates) {
    try {
      return {version: outer.version, mac: outer.mac?.params ?? null, ...readSafes(outer.authSafe, candidate)}
    } catch (err) {
      if (!(err instanceof Pkcs12Error) || err.failure !== 'decrypt') throw err
      lastError = err
    }
  }
  throw lastError
}

function readSafes(authSafe: Buffer, password: PasswordBytes): {safes: SafeInfo[]; bags: Pkcs12Bag[]} {
  const what = 'authenticated safe'
  const reader = new Reader(password)
  const safes: SafeInfo[] = []
  sequenceOf(parseBer(authSafe, what), what).forEach((info, index) => {
    const w = `safe ${index + 1}`
    const items = sequenceOf(info, w)
    const contentType = oidOf(child(items, 0, w), w)
    const content = items[1] ? explicitInner(items[1], w) : undefined
    if (contentType === P12_OID.data) {
      safes.push({contentType, encryption: null})
      if (content) reader.safeContents(octets(content, w), index)
      return
    }
    if (contentType === P12_OID.encryptedData) {
      if (!content) return formatError(`${w}: encrypted data is missing`)
      // EncryptedData ::= SEQUENCE { version, EncryptedContentInfo { contentType, algorithm, [0] IMPLICIT encryptedContent } }
      const eci = sequenceOf(child(sequenceOf(content, w), 1, w), w)
      const encryption = parsePbeAlgorithm(child(eci, 1, w), `${w} encryption`)
      safes.push({contentType, encryption})
      const encrypted = eci[2]
      if (encrypted === undefined) return
      reader.safeContents(pbeDecrypt(encryption, password, octets(encrypted, w), `the certificates in ${w}`), index)
      return
    }
    if (contentType === P12_OID.envelopedData) throw new Pkcs12Error('algorithm', `${w} is public-key encrypted (enveloped data), which is not supported`)
    formatError(`${w} has content type ${describeOid(contentType)}`)
  })
  return {safes, bags: reader.bags}
}

/** True when a key bag in the file carries this cert's localKeyID (NSS's "has private key"). */
export function certHasKey(pfx: DecodedPfx, bag: CertBag): boolean {
  const id = bag.localKeyId
  return id !== null && pfx.bags.some((b) => (b.type === 'key' || b.type === 'shroudedKey') && b.localKeyId !== null && b.localKeyId.equals(id))
}
