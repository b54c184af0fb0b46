/**
 * Distinguished names in NSS's RFC 1485 text form (`-s "CN=x,O=y,C=US"`)
 * and as DER Names.
 *
 * Order: the text lists the most specific RDN first and NSS displays names
 * the same way, while the DER SEQUENCE holds them in the reverse order
 * (`CN=x,O=y,C=US` is encoded C, O, CN; observed with NSS 3.87). `rdns`
 * here is always in text order. Inside a multi-valued RDN (`OU=a+OU=b`)
 * the values stay in the order written, as NSS writes them.
 *
 * Value encodings follow NSS: E, MAIL and DC are IA5String; everything
 * else is PrintableString when the value fits that alphabet, else
 * UTF8String; `#hex` gives a value's DER directly. Per-attribute length
 * limits are NSS's (in bytes).
 */
import {DerError, DerSequence, Tag, childrenOf, decodeOid, decodeString, expectTag, ia5String, isOidText, isPrintableString, oid as oidDer, parseDer, printableString, sequence, set, utf8String, type DerNode} from './der.js'
import {DnSyntaxError} from './errors.js'

export interface AttributeTypeAndValue {
  readonly oid: string
  /** Keyword NSS displays (`CN`, `E`, `serialNumber` ...), or `OID.<dotted>`. */
  readonly keyword: string
  /** Text of a string-typed value; null for other types (displayed as `#hex`). */
  readonly value: string | null
  /** Identifier octet of the value (PrintableString, UTF8String ...). */
  readonly valueTag: number
  /** The value element's DER. */
  readonly valueDer: Buffer
}

export type RelativeDistinguishedName = readonly AttributeTypeAndValue[]

export interface DistinguishedName {
  /** Most specific first: the order of the `-s` text and of NSS's display (the reverse of DER order). */
  readonly rdns: readonly RelativeDistinguishedName[]
  readonly der: Buffer
  /** NSS display form, e.g. `CN=Test CA,O=Example Corp,C=US`. */
  readonly text: string
}

type Encoding = 'directory' | 'ia5' | 'country'

interface AttributeInfo {
  readonly keyword: string
  readonly oid: string
  readonly maxBytes: number
  readonly encoding: Encoding
}

// Limits measured with NSS 3.87 `certutil -R -s` (longest accepted value).
const UNBOUNDED = 1023
const ATTRIBUTES: readonly AttributeInfo[] = [
  {keyword: 'CN', oid: '2.5.4.3', maxBytes: 640, encoding: 'directory'},
  {keyword: 'E', oid: '1.2.840.113549.1.9.1', maxBytes: 128, encoding: 'ia5'},
  {keyword: 'MAIL', oid: '0.9.2342.19200300.100.1.3', maxBytes: 256, encoding: 'ia5'},
  {keyword: 'UID', oid: '0.9.2342.19200300.100.1.1', maxBytes: 256, encoding: 'directory'},
  {keyword: 'DC', oid: '0.9.2342.19200300.100.1.25', maxBytes: 128, encoding: 'ia5'},
  {keyword: 'O', oid: '2.5.4.10', maxBytes: 128, encoding: 'directory'},
  {keyword: 'OU', oid: '2.5.4.11', maxBytes: 128, encoding: 'directory'},
  {keyword: 'L', oid: '2.5.4.7', maxBytes: 128, encoding: 'directory'},
  {keyword: 'ST', oid: '2.5.4.8', maxBytes: 128, encoding: 'directory'},
  {keyword: 'C', oid: '2.5.4.6', maxBytes: 2, encoding: 'country'},
  {keyword: 'SN', oid: '2.5.4.4', maxBytes: 64, encoding: 'directory'},
  {keyword: 'givenName', oid: '2.5.4.42', maxBytes: 64, encoding: 'directory'},
  {keyword: 'serialNumber', oid: '2.5.4.5', maxBytes: 64, encoding: 'directory'},
  {keyword: 'STREET', oid: '2.5.4.9', maxBytes: 128, encoding: 'directory'},
  {keyword: 'postalCode', oid: '2.5.4.17', maxBytes: 40, encoding: 'directory'},
  {keyword: 'postalAddress', oid: '2.5.4.16', maxBytes: 128, encoding: 'directory'},
  {keyword: 'postOfficeBox', oid: '2.5.4.18', maxBytes: 40, encoding: 'directory'},
  {keyword: 'houseIdentifier', oid: '2.5.4.51', maxBytes: 64, encoding: 'directory'},
  {keyword: 'title', oid: '2.5.4.12', maxBytes: 64, encoding: 'directory'},
  {keyword: 'dnQualifier', oid: '2.5.4.46', maxBytes: UNBOUNDED, encoding: 'directory'},
  {keyword: 'generationQualifier', oid: '2.5.4.44', maxBytes: 64, encoding: 'directory'},
  {keyword: 'initials', oid: '2.5.4.43', maxBytes: 64, encoding: 'directory'},
  {keyword: 'pseudonym', oid: '2.5.4.65', maxBytes: 64, encoding: 'directory'},
  {keyword: 'name', oid: '2.5.4.41', maxBytes: 64, encoding: 'directory'},
  {keyword: 'businessCategory', oid: '2.5.4.15', maxBytes: 64, encoding: 'directory'},
  {keyword: 'incorporationLocality', oid: '1.3.6.1.4.1.311.60.2.1.1', maxBytes: 128, encoding: 'directory'},
  {keyword: 'incorporationState', oid: '1.3.6.1.4.1.311.60.2.1.2', maxBytes: 128, encoding: 'directory'},
  {keyword: 'incorporationCountry', oid: '1.3.6.1.4.1.311.60.2.1.3', maxBytes: 2, encoding: 'country'},
]

const BY_KEYWORD = new Map(ATTRIBUTES.map((a) => [a.keyword.toLowerCase(), a]))
const BY_OID = new Map(ATTRIBUTES.map((a) => [a.oid, a]))

/** Display keyword of an attribute type OID. */
export function attributeKeyword(oid: string): string {
  return BY_OID.get(oid)?.keyword ?? `OID.${oid}`
}

/** OID of an attribute keyword (`CN`, `E` ...) or dotted OID text; null if unknown. */
export function attributeOid(keywordOrOid: string): string | null {
  const known = BY_KEYWORD.get(keywordOrOid.toLowerCase())
  if (known !== undefined) return known.oid
  const dotted = keywordOrOid.replace(/^oid\./i, '')
  return isOidText(dotted) ? dotted : null
}

// ---------------------------------------------------------------- text -> DER

/** Parse an NSS/RFC 1485 DN string; throws DnSyntaxError quoting the string. */
export function parseDn(text: string): DistinguishedName {
  const rdns = new DnTextParser(text).parse()
  return nameFromRdns(rdns)
}

/** Build a Name from RDNs in text order (most specific first). */
export function nameFromRdns(rdns: readonly RelativeDistinguishedName[]): DistinguishedName {
  const encoded = [...rdns].reverse().map((rdn) => set(...rdn.map((ava) => sequence(oidDer(ava.oid), ava.valueDer))))
  const der = sequence(...encoded)
  return Object.freeze({rdns: freezeRdns(rdns), der, text: formatDn(rdns)})
}

function freezeRdns(rdns: readonly RelativeDistinguishedName[]): readonly RelativeDistinguishedName[] {
  return Object.freeze(rdns.map((rdn) => Object.freeze(rdn.map((ava) => Object.freeze({...ava})))))
}

const UNQUOTED_FORBIDDEN = new Set(['"', '=', '<', '>', '#'])

class DnTextParser {
  private pos = 0

  constructor(private readonly text: string) {}

  private fail(reason: string): never {
    throw new DnSyntaxError(this.text, reason)
  }

  private skipSpaces(): void {
    while (this.pos < this.text.length && (this.text[this.pos] === ' ' || this.text[this.pos] === '\t')) this.pos++
  }

  private get atEnd(): boolean {
    return this.pos >= this.text.length
  }

  parse(): RelativeDistinguishedName[] {
    this.skipSpaces()
    if (this.atEnd) this.fail('the name is empty')
    const rdns: AttributeTypeAndValue[][] = []
    let current: AttributeTypeAndValue[] = []
    for (;;) {
      this.skipSpaces()
      current.push(this.parseAva())
      this.skipSpaces()
      if (this.atEnd) break
      const sep = this.text[this.pos] as string
      this.pos++
      if (sep === '+') continue
      if (sep !== ',' && sep !== ';') this.fail(`unexpected '${sep}' after a value; separate attributes with ','`)
      rdns.push(current)
      current = []
      this.skipSpaces()
      // NSS accepts one trailing separator.
      if (this.atEnd) return rdns
    }
    rdns.push(current)
    return rdns
  }

  private parseAva(): AttributeTypeAndValue {
    const start = this.pos
    while (!this.atEnd && !'=,;+"'.includes(this.text[this.pos] as string)) this.pos++
    const typeText = this.text.slice(start, this.pos).trim()
    if (typeText === '') this.fail(this.atEnd || this.text[this.pos] !== '=' ? 'empty attribute between separators' : 'attribute type missing before "="')
    if (this.atEnd || this.text[this.pos] !== '=') this.fail(`missing "=" after ${JSON.stringify(typeText)}`)
    this.pos++
    const info = lookupAttribute(typeText)
    if (info === null) this.fail(`unknown attribute type ${JSON.stringify(typeText)}; use CN, E, MAIL, UID, DC, O, OU, L, ST, C, SN, givenName, serialNumber, STREET, title ... or OID.n.n.n`)
    this.skipSpaces()
    if (this.atEnd) this.fail(`empty value for ${typeText}`)
    const ch = this.text[this.pos]
    if (ch === '#') return this.hexValue(info, typeText)
    const bytes = ch === '"' ? this.quotedValue(typeText) : this.unquotedValue(typeText)
    if (bytes.length === 0) this.fail(`empty value for ${typeText}`)
    const value = bytes.toString('utf8')
    if (!Buffer.from(value, 'utf8').equals(bytes)) this.fail(`value of ${typeText} is not valid UTF-8`)
    if (bytes.length > info.maxBytes && info.encoding !== 'country') this.fail(`value of ${typeText} is longer than ${info.maxBytes} bytes`)
    return {oid: info.oid, keyword: info.keyword, value, ...this.encodeValue(info, typeText, value)}
  }

  private encodeValue(info: AttributeInfo, typeText: string, value: string): {valueTag: number; valueDer: Buffer} {
    switch (info.encoding) {
      case 'ia5':
        if (!/^[\x00-\x7f]*$/.test(value)) this.fail(`${typeText} takes ASCII only`)
        return {valueTag: Tag.IA5_STRING, valueDer: ia5String(value)}
      case 'country':
        if (value.length !== 2 || !isPrintableString(value)) this.fail(`${typeText} must be a two-letter country code`)
        return {valueTag: Tag.PRINTABLE_STRING, valueDer: printableString(value)}
      default:
        return isPrintableString(value)
          ? {valueTag: Tag.PRINTABLE_STRING, valueDer: printableString(value)}
          : {valueTag: Tag.UTF8_STRING, valueDer: utf8String(value)}
    }
  }

  private hexValue(info: AttributeInfo, typeText: string): AttributeTypeAndValue {
    this.pos++
    const start = this.pos
    while (!this.atEnd && /[0-9a-fA-F]/.test(this.text[this.pos] as string)) this.pos++
    const hex = this.text.slice(start, this.pos)
    if (hex.length === 0 || hex.length % 2 !== 0) this.fail(`value of ${typeText} after "#" must be an even number of hex digits`)
    let node: DerNode
    try {
      node = parseDer(Buffer.from(hex, 'hex'))
    } catch {
      this.fail(`value of ${typeText} after "#" is not one DER element`)
    }
    return {oid: info.oid, keyword: info.keyword, value: decodeString(node), valueTag: node.tag, valueDer: node.raw}
  }

  /** Reads `\X` or `\HH` at this.pos (the backslash); returns the bytes. */
  private escape(typeText: string): Buffer {
    this.pos++
    if (this.atEnd) this.fail(`value of ${typeText} ends with a lone backslash`)
    const pair = this.text.slice(this.pos, this.pos + 2)
    if (/^[0-9a-fA-F]{2}$/.test(pair)) {
      this.pos += 2
      return Buffer.from(pair, 'hex')
    }
    const cp = this.text.codePointAt(this.pos) as number
    const ch = String.fromCodePoint(cp)
    this.pos += ch.length
    return Buffer.from(ch, 'utf8')
  }

  private quotedValue(typeText: string): Buffer {
    this.pos++
    const parts: Buffer[] = []
    for (;;) {
      if (this.atEnd) this.fail(`value of ${typeText} has no closing quote`)
      const ch = this.text[this.pos] as string
      if (ch === '"') {
        this.pos++
        return Buffer.concat(parts)
      }
      if (ch === '\\') {
        parts.push(this.escape(typeText))
        continue
      }
      const cp = this.text.codePointAt(this.pos) as number
      const s = String.fromCodePoint(cp)
      parts.push(Buffer.from(s, 'utf8'))
      this.pos += s.length
    }
  }

  private unquotedValue(typeText: string): Buffer {
    const parts: Buffer[] = []
    // Unescaped trailing spaces are not part of the value.
    let keep = 0
    while (!this.atEnd) {
      const ch = this.text[this.pos] as string
      if (ch === ',' || ch === ';' || ch === '+') break
      if (ch === '\\') {
        parts.push(this.escape(typeText))
        keep = parts.length
        continue
      }
      if (UNQUOTED_FORBIDDEN.has(ch)) this.fail(`character '${ch}' in the value of ${typeText} must be escaped with a backslash, or the value quoted`)
      const cp = this.text.codePointAt(this.pos) as number
      const s = String.fromCodePoint(cp)
      parts.push(Buffer.from(s, 'utf8'))
      this.pos += s.length
      if (s !== ' ' && s !== '\t') keep = parts.length
    }
    return Buffer.concat(parts.slice(0, keep))
  }
}

function lookupAttribute(typeText: string): AttributeInfo | null {
  const known = BY_KEYWORD.get(typeText.toLowerCase())
  if (known !== undefined) return known
  const dotted = typeText.replace(/^oid\./i, '')
  if (!isOidText(dotted)) return null
  return BY_OID.get(dotted) ?? {keyword: `OID.${dotted}`, oid: dotted, maxBytes: UNBOUNDED, encoding: 'directory'}
}

// ---------------------------------------------------------------- DER -> text

/** Decode a DER Name; throws DerError when malformed. */
export function decodeName(input: Buffer | DerNode): DistinguishedName {
  const node = Buffer.isBuffer(input) ? parseDer(input) : input
  expectTag(node, Tag.SEQUENCE, 'Name')
  const derOrder: AttributeTypeAndValue[][] = []
  for (const rdnNode of childrenOf(node)) {
    expectTag(rdnNode, Tag.SET, 'RelativeDistinguishedName')
    const avas = childrenOf(rdnNode).map((avaNode) => {
      const seq = new DerSequence(avaNode, 'AttributeTypeAndValue')
      const type = decodeOid(seq.next(Tag.OID, 'type'), 'attribute type')
      const valueNode = seq.any('value')
      seq.end()
      return {oid: type, keyword: attributeKeyword(type), value: decodeString(valueNode), valueTag: valueNode.tag, valueDer: valueNode.raw}
    })
    if (avas.length === 0) throw new DerError('RelativeDistinguishedName is an empty SET', rdnNode.offset)
    derOrder.push(avas)
  }
  const rdns = derOrder.reverse()
  return Object.freeze({rdns: freezeRdns(rdns), der: node.raw, text: formatDn(rdns)})
}

const NEEDS_QUOTES = /[,+=<>#;\r\n]|^ | $| {2}|^$/

/** One value as NSS displays it: quoted when it holds specials, `"` and `\` escaped, controls as `\HH`. */
export function formatDnValue(ava: AttributeTypeAndValue): string {
  if (ava.value === null) return '#' + ava.valueDer.toString('hex').toUpperCase()
  let out = ''
  for (const ch of ava.value) {
    const c = ch.codePointAt(0) as number
    if (ch === '"' || ch === '\\') out += '\\' + ch
    else if (c < 0x20 || c === 0x7f) out += '\\' + c.toString(16).toUpperCase().padStart(2, '0')
    else out += ch
  }
  return NEEDS_QUOTES.test(ava.value) ? `"${out}"` : out
}

/** NSS display string of RDNs in text order: `CN=x,O=y,C=US`. */
export function formatDn(rdns: readonly RelativeDistinguishedName[]): string {
  return rdns.map((rdn) => rdn.map((ava) => `${ava.keyword}=${formatDnValue(ava)}`).join('+')).join(',')
}

/** First (most specific) value of an attribute, by keyword or dotted OID; null if absent. */
export function dnAttribute(dn: DistinguishedName, keywordOrOid: string): string | null {
  const target = attributeOid(keywordOrOid)
  if (target === null) return null
  for (const rdn of dn.rdns) for (const ava of rdn) if (ava.oid === target && ava.value !== null) return ava.value
  return null
}

/** The e-mail address of a name: E, else MAIL (NSS's nickname fallback order). */
export function dnEmail(dn: DistinguishedName): string | null {
  return dnAttribute(dn, 'E') ?? dnAttribute(dn, 'MAIL')
}
