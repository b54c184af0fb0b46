/**
 * X.509 v3 extensions: decoding the ones certutil prints, and encoding them
 * from certutil's option syntax (`--keyUsage`, `--nsCertType`,
 * `--extKeyUsage`, `-7`, `-8`, `--extSAN`, `--extGeneric`) and from plain
 * values (basic constraints, key identifiers).
 */
import {createHash} from 'node:crypto'
import {EKU_NAMES, EXTENSION_NAMES, OID} from './algorithms.js'
import {
  DerError, DerSequence, Tag, bitStringToNumber, boolean, childrenOf, contextTag, decodeBitString, decodeBoolean, decodeInteger,
  decodeOid, decodeSmallInteger, implicit, integer, integerContent, isOidText, namedBits, octetString, oid as oidDer, parseDer, sequence,
  type DerNode,
} from './der.js'
import {parseDn, type DistinguishedName} from './dn.js'
import {ExtensionSyntaxError} from './errors.js'
import {decodeGeneralName, decodeGeneralNames, encodeGeneralName, parseIpAddress, type GeneralName} from './general_name.js'
import {parseSubjectPublicKeyInfo, type SubjectPublicKeyInfo} from './subject_public_key_info.js'

// ---------------------------------------------------------------- named bits and purposes

export type KeyUsageName =
  | 'digitalSignature' | 'nonRepudiation' | 'keyEncipherment' | 'dataEncipherment' | 'keyAgreement'
  | 'keyCertSign' | 'cRLSign' | 'encipherOnly' | 'decipherOnly'

interface NamedBit<N extends string> {
  readonly bit: number
  readonly name: N
  /** certutil keyword, when certutil can set this bit. */
  readonly keyword: string | null
  /** NSS display text. */
  readonly display: string
}

export const KEY_USAGE_BITS: readonly NamedBit<KeyUsageName>[] = [
  {bit: 0, name: 'digitalSignature', keyword: 'digitalSignature', display: 'Digital Signature'},
  {bit: 1, name: 'nonRepudiation', keyword: 'nonRepudiation', display: 'Non-Repudiation'},
  {bit: 2, name: 'keyEncipherment', keyword: 'keyEncipherment', display: 'Key Encipherment'},
  {bit: 3, name: 'dataEncipherment', keyword: 'dataEncipherment', display: 'Data Encipherment'},
  {bit: 4, name: 'keyAgreement', keyword: 'keyAgreement', display: 'Key Agreement'},
  {bit: 5, name: 'keyCertSign', keyword: 'certSigning', display: 'Certificate Signing'},
  {bit: 6, name: 'cRLSign', keyword: 'crlSigning', display: 'CRL Signing'},
  {bit: 7, name: 'encipherOnly', keyword: null, display: 'Encipher Only'},
  {bit: 8, name: 'decipherOnly', keyword: null, display: 'Decipher Only'},
]

export type NsCertTypeName = 'sslClient' | 'sslServer' | 'smime' | 'objectSigning' | 'sslCA' | 'smimeCA' | 'objectSigningCA'

export const NS_CERT_TYPE_BITS: readonly NamedBit<NsCertTypeName>[] = [
  {bit: 0, name: 'sslClient', keyword: 'sslClient', display: 'SSL Client'},
  {bit: 1, name: 'sslServer', keyword: 'sslServer', display: 'SSL Server'},
  {bit: 2, name: 'smime', keyword: 'smime', display: 'S/MIME'},
  {bit: 3, name: 'objectSigning', keyword: 'objectSigning', display: 'Object Signing'},
  {bit: 5, name: 'sslCA', keyword: 'sslCA', display: 'SSL CA'},
  {bit: 6, name: 'smimeCA', keyword: 'smimeCA', display: 'S/MIME CA'},
  {bit: 7, name: 'objectSigningCA', keyword: 'objectSigningCA', display: 'ObjectSigning CA'},
]

/** certutil `--extKeyUsage` keywords and their purposes. */
export const EXT_KEY_USAGE_KEYWORDS: Readonly<Record<string, string>> = {
  serverAuth: '1.3.6.1.5.5.7.3.1',
  clientAuth: '1.3.6.1.5.5.7.3.2',
  codeSigning: '1.3.6.1.5.5.7.3.3',
  emailProtection: '1.3.6.1.5.5.7.3.4',
  timeStamp: '1.3.6.1.5.5.7.3.8',
  ocspResponder: '1.3.6.1.5.5.7.3.9',
  stepUp: '2.16.840.1.113730.4.1',
  msTrustListSign: '1.3.6.1.4.1.311.10.3.1',
  x509Any: '2.5.29.37.0',
  ipsecIKE: '1.3.6.1.5.5.7.3.17',
  ipsecIKEEnd: '1.3.6.1.5.5.8.2.1',
  ipsecIKEIntermediate: '1.3.6.1.5.5.8.2.2',
  ipsecEnd: '1.3.6.1.5.5.7.3.5',
  ipsecTunnel: '1.3.6.1.5.5.7.3.6',
  ipsecUser: '1.3.6.1.5.5.7.3.7',
}

/** NSS display text of an extended key usage purpose, or its OID. */
export function extKeyUsageName(oid: string): string {
  return EKU_NAMES[oid] ?? oid
}

// ---------------------------------------------------------------- decoded forms

export type DecodedExtension =
  | {readonly kind: 'basicConstraints'; readonly ca: boolean; readonly pathLength: number | null}
  | {readonly kind: 'keyUsage'; readonly bits: number; readonly usages: readonly KeyUsageName[]}
  | {readonly kind: 'extKeyUsage'; readonly purposes: readonly string[]}
  | {readonly kind: 'subjectAltName'; readonly names: readonly GeneralName[]}
  | {readonly kind: 'issuerAltName'; readonly names: readonly GeneralName[]}
  | {readonly kind: 'subjectKeyIdentifier'; readonly keyIdentifier: Buffer}
  | {
    readonly kind: 'authorityKeyIdentifier'
    readonly keyIdentifier: Buffer | null
    readonly authorityCertIssuer: readonly GeneralName[] | null
    readonly authorityCertSerialNumber: bigint | null
  }
  | {readonly kind: 'nsCertType'; readonly bits: number; readonly types: readonly NsCertTypeName[]}

export interface Extension {
  readonly oid: string
  readonly critical: boolean
  /** Contents of extnValue: the DER of the extension's own value (what `--dump-ext-val` writes). */
  readonly value: Buffer
  /** NSS display name (`Certificate Key Usage` ...), or the dotted OID. */
  readonly name: string
  /** Decoded value for the extensions listed in DecodedExtension; null otherwise or when malformed. */
  readonly decoded: DecodedExtension | null
  /** Why a known extension failed to decode; null when it decoded or is not one we decode. */
  readonly decodeError: string | null
  /** The whole Extension SEQUENCE. */
  readonly der: Buffer
}

function namedBitsOf<N extends string>(table: readonly NamedBit<N>[], bits: number): N[] {
  return table.filter((b) => (bits & (1 << b.bit)) !== 0).map((b) => b.name)
}

function decodeValue(oid: string, value: Buffer): DecodedExtension | null {
  switch (oid) {
    case OID.basicConstraints: {
      const seq = new DerSequence(parseDer(value), 'basicConstraints')
      const caNode = seq.optional(Tag.BOOLEAN)
      const ca = caNode === null ? false : decodeBoolean(caNode, 'cA')
      const lenNode = seq.optional(Tag.INTEGER)
      const pathLength = lenNode === null ? null : decodeSmallInteger(lenNode, 'pathLenConstraint')
      seq.end()
      return {kind: 'basicConstraints', ca, pathLength}
    }
    case OID.keyUsage: {
      const bits = bitStringToNumber(decodeBitString(parseDer(value), 'keyUsage'))
      return {kind: 'keyUsage', bits, usages: namedBitsOf(KEY_USAGE_BITS, bits)}
    }
    case OID.nsCertType: {
      const bits = bitStringToNumber(decodeBitString(parseDer(value), 'nsCertType'))
      return {kind: 'nsCertType', bits, types: namedBitsOf(NS_CERT_TYPE_BITS, bits)}
    }
    case OID.extKeyUsage: {
      const node = parseDer(value)
      if (node.tag !== Tag.SEQUENCE) throw new DerError('extKeyUsage should be a SEQUENCE', 0)
      return {kind: 'extKeyUsage', purposes: childrenOf(node).map((n) => decodeOid(n, 'KeyPurposeId'))}
    }
    case OID.subjectAltName:
    case OID.issuerAltName: {
      const node = parseDer(value)
      if (node.tag !== Tag.SEQUENCE) throw new DerError('GeneralNames should be a SEQUENCE', 0)
      const names = decodeGeneralNames(node)
      return oid === OID.subjectAltName ? {kind: 'subjectAltName', names} : {kind: 'issuerAltName', names}
    }
    case OID.subjectKeyIdentifier: {
      const node = parseDer(value)
      if (node.tag !== Tag.OCTET_STRING) throw new DerError('subjectKeyIdentifier should be an OCTET STRING', 0)
      return {kind: 'subjectKeyIdentifier', keyIdentifier: node.content}
    }
    case OID.authorityKeyIdentifier: {
      const seq = new DerSequence(parseDer(value), 'authorityKeyIdentifier')
      const kid = seq.optional(contextTag(0, false))
      const issuer = seq.optional(contextTag(1, true))
      const serial = seq.optional(contextTag(2, false))
      seq.end()
      return {
        kind: 'authorityKeyIdentifier',
        keyIdentifier: kid === null ? null : kid.content,
        authorityCertIssuer: issuer === null ? null : childrenOf(issuer).map(decodeGeneralName),
        authorityCertSerialNumber: serial === null ? null : decodeInteger({...serial, tag: Tag.INTEGER}, 'authorityCertSerialNumber'),
      }
    }
    default:
      return null
  }
}

/** Decode one Extension SEQUENCE. Structure errors throw DerError; a bad known value only sets decodeError. */
export function decodeExtension(node: DerNode): Extension {
  const seq = new DerSequence(node, 'Extension')
  const oid = decodeOid(seq.next(Tag.OID, 'extnID'), 'extnID')
  const critNode = seq.optional(Tag.BOOLEAN)
  const critical = critNode === null ? false : decodeBoolean(critNode, 'critical')
  const value = seq.next(Tag.OCTET_STRING, 'extnValue').content
  seq.end()
  let decoded: DecodedExtension | null = null
  let decodeError: string | null = null
  try {
    decoded = decodeValue(oid, value)
  } catch (e) {
    if (!(e instanceof DerError)) throw e
    decodeError = e.message
  }
  return Object.freeze({oid, critical, value, name: EXTENSION_NAMES[oid] ?? oid, decoded, decodeError, der: node.raw})
}

/** Extensions ::= SEQUENCE SIZE (1..MAX) OF Extension */
export function decodeExtensions(node: DerNode): Extension[] {
  if (node.tag !== Tag.SEQUENCE) throw new DerError('extensions should be a SEQUENCE', node.offset)
  return childrenOf(node).map(decodeExtension)
}

// ---------------------------------------------------------------- encoding

/** An extension to write: `value` is the DER that goes inside extnValue. */
export interface ExtensionSpec {
  readonly oid: string
  readonly critical: boolean
  readonly value: Buffer
}

export function encodeExtension(spec: ExtensionSpec): Buffer {
  // DEFAULT FALSE is omitted in DER.
  return spec.critical
    ? sequence(oidDer(spec.oid), boolean(true), octetString(spec.value))
    : sequence(oidDer(spec.oid), octetString(spec.value))
}

export function encodeExtensions(specs: readonly ExtensionSpec[]): Buffer {
  return sequence(...specs.map(encodeExtension))
}

interface KeywordList {
  readonly words: string[]
  readonly critical: boolean
}

/** Split `a,b,critical`: items trimmed, empty items ignored, `critical` anywhere. */
function splitKeywords(list: string): KeywordList {
  const words: string[] = []
  let critical = false
  for (const raw of list.split(',')) {
    const w = raw.trim()
    if (w === '') continue
    if (w === 'critical') critical = true
    else words.push(w)
  }
  return {words, critical}
}

function unknownKeyword(option: string, word: string, valid: readonly string[]): never {
  throw new ExtensionSyntaxError(`${option}: unknown keyword ${JSON.stringify(word)}; use ${[...valid, 'critical'].join(', ')} (comma-separated, case-sensitive)`)
}

function namedBitsExtension<N extends string>(option: string, oid: string, table: readonly NamedBit<N>[], list: string): ExtensionSpec {
  const {words, critical} = splitKeywords(list)
  const valid = table.flatMap((b) => (b.keyword === null ? [] : [b.keyword]))
  if (words.length === 0) throw new ExtensionSyntaxError(`${option}: no keywords given; use ${valid.join(', ')}`)
  let bits = 0
  for (const w of words) {
    const entry = table.find((b) => b.keyword === w)
    if (entry === undefined) unknownKeyword(option, w, valid)
    bits |= 1 << entry.bit
  }
  return {oid, critical, value: namedBits(bits)}
}

/** `--keyUsage digitalSignature,nonRepudiation,keyEncipherment,dataEncipherment,keyAgreement,certSigning,crlSigning[,critical]` */
export function keyUsageExtension(list: string): ExtensionSpec {
  return namedBitsExtension('--keyUsage', OID.keyUsage, KEY_USAGE_BITS, list)
}

/** key usage from RFC names (for defaults such as a CA's keyCertSign + cRLSign). */
export function keyUsageExtensionFromNames(usages: readonly KeyUsageName[], critical: boolean): ExtensionSpec {
  let bits = 0
  for (const u of usages) bits |= 1 << (KEY_USAGE_BITS.find((b) => b.name === u) as NamedBit<KeyUsageName>).bit
  return {oid: OID.keyUsage, critical, value: namedBits(bits)}
}

/** `--nsCertType sslClient,sslServer,smime,objectSigning,sslCA,smimeCA,objectSigningCA[,critical]` */
export function nsCertTypeExtension(list: string): ExtensionSpec {
  return namedBitsExtension('--nsCertType', OID.nsCertType, NS_CERT_TYPE_BITS, list)
}

/** `--extKeyUsage serverAuth,clientAuth,...[,critical]`; purposes kept in the order given. */
export function extKeyUsageExtension(list: string): ExtensionSpec {
  const {words, critical} = splitKeywords(list)
  const valid = Object.keys(EXT_KEY_USAGE_KEYWORDS)
  if (words.length === 0) throw new ExtensionSyntaxError(`--extKeyUsage: no keywords given; use ${valid.join(', ')}`)
  const oids = words.map((w) => EXT_KEY_USAGE_KEYWORDS[w] ?? unknownKeyword('--extKeyUsage', w, valid))
  return {oid: OID.extKeyUsage, critical, value: sequence(...oids.map((o) => oidDer(o)))}
}

/** extendedKeyUsage from purpose OIDs. */
export function extKeyUsageExtensionFromOids(purposes: readonly string[], critical: boolean): ExtensionSpec {
  return {oid: OID.extKeyUsage, critical, value: sequence(...purposes.map((o) => oidDer(o)))}
}

const ASCII_NO_SPACE = /^[\x21-\x7e]+$/

function listItems(option: string, list: string, what: string): string[] {
  const items = list.split(',').map((s) => s.trim()).filter((s) => s !== '')
  if (items.length === 0) throw new ExtensionSyntaxError(`${option}: no ${what} given`)
  return items
}

/** `-7 a@example.com,b@example.com`: rfc822Name entries. */
export function parseEmailList(list: string): GeneralName[] {
  return listItems('-7', list, 'e-mail addresses').map((value) => {
    if (!ASCII_NO_SPACE.test(value)) throw new ExtensionSyntaxError(`-7: ${JSON.stringify(value)} is not an e-mail address (ASCII, no spaces)`)
    return {type: 'rfc822Name', value}
  })
}

/** `-8 www.example.com,example.com`: dNSName entries. */
export function parseDnsList(list: string): GeneralName[] {
  return listItems('-8', list, 'DNS names').map((value) => {
    if (!ASCII_NO_SPACE.test(value)) throw new ExtensionSyntaxError(`-8: ${JSON.stringify(value)} is not a DNS name (ASCII, no spaces)`)
    return {type: 'dNSName', value}
  })
}

type SanType = 'dns' | 'email' | 'ip' | 'uri' | 'dn' | 'registerid'

const SAN_TYPES: Readonly<Record<string, SanType | null>> = {
  dns: 'dns', email: 'email', rfc822: 'email', ip: 'ip', ipaddr: 'ip', uri: 'uri', dn: 'dn', directory: 'dn', registerid: 'registerid',
  // Known to certutil but not supported here.
  edi: null, ediparty: null, other: null, x400: null, x400addr: null,
}
const SUPPORTED_SAN = 'dns, email (rfc822), ip (ipaddr), uri, dn (directory), registerid'

function sanEntry(type: SanType, value: string): GeneralName {
  switch (type) {
    case 'dns':
    case 'email':
    case 'uri':
      if (!ASCII_NO_SPACE.test(value)) throw new ExtensionSyntaxError(`--extSAN: ${JSON.stringify(value)} must be ASCII without spaces`)
      return type === 'dns' ? {type: 'dNSName', value} : type === 'email' ? {type: 'rfc822Name', value} : {type: 'uniformResourceIdentifier', value}
    case 'ip': {
      const bytes = parseIpAddress(value)
      if (bytes === null) throw new ExtensionSyntaxError(`--extSAN: invalid IP address ${JSON.stringify(value)}`)
      return {type: 'iPAddress', value, bytes}
    }
    case 'dn': {
      let name: DistinguishedName
      try {
        name = parseDn(value)
      } catch {
        throw new ExtensionSyntaxError(`--extSAN: ${JSON.stringify(value)} is not a directory name (separate its RDNs with ";" inside --extSAN)`)
      }
      return {type: 'directoryName', name}
    }
    case 'registerid':
      if (!isOidText(value)) throw new ExtensionSyntaxError(`--extSAN: registerid ${JSON.stringify(value)} is not a dotted OID`)
      return {type: 'registeredID', oid: value}
  }
}

/**
 * `--extSAN type:name[,type:name...]`. As in certutil, an item without a
 * `type:` prefix takes the type of the item before it (`dns:a,b` is two
 * DNS names). A directory name's RDNs are separated with `;`, since `,`
 * separates items.
 */
export function parseExtSan(list: string): GeneralName[] {
  const out: GeneralName[] = []
  let current: SanType | null = null
  for (const item of listItems('--extSAN', list, 'names')) {
    const colon = item.indexOf(':')
    const prefix = colon > 0 ? item.slice(0, colon).toLowerCase() : ''
    let value = item
    if (prefix in SAN_TYPES) {
      const t = SAN_TYPES[prefix]
      if (t === null || t === undefined) throw new ExtensionSyntaxError(`--extSAN: type ${JSON.stringify(prefix)} is not supported; use ${SUPPORTED_SAN}`)
      current = t
      value = item.slice(colon + 1).trim()
    } else if (current === null) {
      throw new ExtensionSyntaxError(`--extSAN: ${JSON.stringify(item)} has no type; write type:name with type one of ${SUPPORTED_SAN}`)
    }
    if (value === '') throw new ExtensionSyntaxError(`--extSAN: empty name in ${JSON.stringify(item)}`)
    out.push(sanEntry(current, value))
  }
  return out
}

export function subjectAltNameExtension(names: readonly GeneralName[], critical = false): ExtensionSpec {
  if (names.length === 0) throw new ExtensionSyntaxError('subjectAltName needs at least one name')
  return {oid: OID.subjectAltName, critical, value: sequence(...names.map(encodeGeneralName))}
}

export interface BasicConstraintsOptions {
  readonly ca: boolean
  /** Maximum number of CAs below this one; null or negative = unlimited. Only with ca. */
  readonly pathLength?: number | null
  readonly critical?: boolean
}

export function basicConstraintsExtension(options: BasicConstraintsOptions): ExtensionSpec {
  const parts: Buffer[] = []
  if (options.ca) parts.push(boolean(true))
  const len = options.pathLength ?? null
  if (len !== null && len >= 0) {
    if (!options.ca) throw new ExtensionSyntaxError('a path length constraint needs a CA certificate')
    if (!Number.isInteger(len)) throw new ExtensionSyntaxError(`path length ${len} is not a whole number`)
    parts.push(integer(len))
  }
  return {oid: OID.basicConstraints, critical: options.critical ?? false, value: sequence(...parts)}
}

/**
 * Subject key identifier per RFC 5280 §4.2.1.2 method (1): SHA-1 of the
 * subjectPublicKey BIT STRING contents.
 */
export function subjectKeyIdentifierFor(spki: Buffer | SubjectPublicKeyInfo): Buffer {
  const info = Buffer.isBuffer(spki) ? parseSubjectPublicKeyInfo(spki) : spki
  return createHash('sha1').update(info.subjectPublicKey).digest()
}

export function subjectKeyIdentifierExtension(keyIdentifier: Buffer): ExtensionSpec {
  return {oid: OID.subjectKeyIdentifier, critical: false, value: octetString(keyIdentifier)}
}

export interface AuthorityKeyIdentifierOptions {
  readonly keyIdentifier?: Buffer
  /** The issuer's issuer and serial, to name the issuing certificate itself. */
  readonly issuer?: DistinguishedName
  readonly serialNumber?: bigint
}

export function authorityKeyIdentifierExtension(options: AuthorityKeyIdentifierOptions): ExtensionSpec {
  const parts: Buffer[] = []
  if (options.keyIdentifier !== undefined) parts.push(implicit(0, options.keyIdentifier))
  if ((options.issuer === undefined) !== (options.serialNumber === undefined)) {
    throw new ExtensionSyntaxError('authorityKeyIdentifier needs both the issuer name and serial number, or neither')
  }
  if (options.issuer !== undefined && options.serialNumber !== undefined) {
    parts.push(implicit(1, encodeGeneralName({type: 'directoryName', name: options.issuer}), true))
    parts.push(implicit(2, integerContent(options.serialNumber)))
  }
  if (parts.length === 0) throw new ExtensionSyntaxError('authorityKeyIdentifier needs a key identifier or an issuer and serial')
  return {oid: OID.authorityKeyIdentifier, critical: false, value: sequence(...parts)}
}

export interface GenericExtensionRequest {
  readonly oid: string
  readonly critical: boolean
  /** File holding the extension value's DER; the caller reads it. */
  readonly file: string
}

/** `--extGeneric OID:critical|not-critical:FILE[,...]` */
export function parseExtGeneric(list: string): GenericExtensionRequest[] {
  return listItems('--extGeneric', list, 'extensions').map((item) => {
    const first = item.indexOf(':')
    const second = first < 0 ? -1 : item.indexOf(':', first + 1)
    if (second < 0) throw new ExtensionSyntaxError(`--extGeneric: ${JSON.stringify(item)} should be OID:critical:FILE or OID:not-critical:FILE`)
    const oid = item.slice(0, first)
    const crit = item.slice(first + 1, second)
    const file = item.slice(second + 1)
    if (!isOidText(oid)) throw new ExtensionSyntaxError(`--extGeneric: ${JSON.stringify(oid)} is not a dotted OID`)
    if (crit !== 'critical' && crit !== 'not-critical') {
      throw new ExtensionSyntaxError(`--extGeneric: ${JSON.stringify(crit)} should be critical or not-critical`)
    }
    if (file === '') throw new ExtensionSyntaxError(`--extGeneric: no file named in ${JSON.stringify(item)}`)
    return {oid, critical: crit === 'critical', file}
  })
}

/** An extension from its OID and value DER (checked to be one DER element). */
export function genericExtension(oid: string, critical: boolean, valueDer: Buffer): ExtensionSpec {
  if (!isOidText(oid)) throw new ExtensionSyntaxError(`${JSON.stringify(oid)} is not a dotted OID`)
  try {
    parseDer(valueDer)
  } catch (e) {
    if (!(e instanceof DerError)) throw e
    throw new ExtensionSyntaxError(`the value for extension ${oid} is not DER: ${e.message}`)
  }
  return {oid, critical, value: valueDer}
}
