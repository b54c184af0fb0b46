/**
 * certmap.conf parser (the Netscape/iPlanet format 389-ds still ships):
 *
 *   certmap default default
 *   default:DNComps
 *   default:FilterComps e, uid
 *   certmap usps ou=United States Postal Service, o=usps, c=US
 *   usps:DNComps ou,o,c
 *   usps:verifycert on
 *
 * Decisions, where the classic servers differ or are silent:
 * - Issuer maps do NOT inherit properties from `default` (389-ds behaviour;
 *   Red Hat's documentation says they do). A property missing from an issuer
 *   map has its absent meaning, so a map reads the same wherever it sits.
 * - `default` is optional. Without it, certificates from issuers that have
 *   no map of their own do not map, and a warning says so.
 * - When present, `default` must be the first map and use issuer `default`,
 *   as the classic file layout requires.
 * - Map names and property names are case-insensitive.
 * - `#` starts a comment at the start of a line or after white space
 *   (outside a quoted DN value); write a `#hex` DN value without a space
 *   after the `=`.
 * - Anything unrecognised is an error rather than ignored, since a mistyped
 *   property would otherwise silently widen or disable a mapping.
 */
import {parseDn, type DistinguishedName} from '../../pki/dn.js'
import {DnSyntaxError} from '../../pki/errors.js'
import {CERTMAP_KEYWORDS, isCertmapKeyword, type CertmapConfig, type CertmapKeyword, type CertmapMap} from './certmap_config.js'
import {CertmapError} from './certmap_error.js'
import {dnMatchKey} from './issuer_match.js'

const DEFAULT = 'default'
const MAP_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/
// An LDAP attribute description: a name (or OID) with optional options.
const LDAP_ATTRIBUTE = /^(?:[A-Za-z][A-Za-z0-9-]*|[0-9]+(?:\.[0-9]+)+)(?:;[A-Za-z0-9-]+)*$/
const KNOWN_PROPERTIES = 'DNComps, FilterComps, verifycert or CmapLdapAttr'

interface MutableMap {
  name: string
  issuer: DistinguishedName | null
  issuerKey: string | null
  line: number
  dnComps: CertmapKeyword[] | null
  filterComps: CertmapKeyword[] | null
  verifyCert: boolean
  ldapAttr: string | null
  /** Property (lower case) -> line it was set on. */
  seen: Map<string, number>
}

/** Parse certmap.conf text; throws CertmapError naming the first bad line. */
export function parseCertmap(text: string): CertmapConfig {
  const maps: MutableMap[] = []
  const byName = new Map<string, MutableMap>()
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\n|\r/)
  lines.forEach((raw, index) => {
    const lineNo = index + 1
    const line = stripComment(raw).trim()
    if (line === '') return
    const directive = /^certmap(?:\s+(\S+)(?:\s+(.*))?)?$/i.exec(line)
    if (directive !== null) {
      const map = mapDirective(lineNo, directive[1], directive[2], maps, byName)
      maps.push(map)
      byName.set(map.name.toLowerCase(), map)
      return
    }
    const property = /^([^\s:]+)\s*:\s*([^\s:]+)(?:\s+(.*))?$/.exec(line)
    if (property === null) {
      throw new CertmapError(lineNo, `cannot read ${JSON.stringify(line)}; write "certmap <name> <issuer DN>" or "<name>:<property> [value]"`)
    }
    const name = property[1] as string
    const map = byName.get(name.toLowerCase())
    if (map === undefined) {
      const hint = maps.length === 0 ? 'start the file with "certmap default default"' : `declare it first with "certmap ${name} <issuer DN>"`
      throw new CertmapError(lineNo, `property for unknown map "${name}"; ${hint}`)
    }
    setProperty(lineNo, map, property[2] as string, (property[3] ?? '').trim())
  })

  const warnings: string[] = []
  const defaultMap = maps.find((m) => m.issuer === null) ?? null
  if (defaultMap === null) {
    warnings.push('certmap.conf has no "certmap default default" map: certificates from issuers without their own map will not log in')
  }
  const frozen = maps.map(freezeMap)
  return Object.freeze({
    maps: Object.freeze(frozen),
    defaultMap: defaultMap === null ? null : (frozen[maps.indexOf(defaultMap)] as CertmapMap),
    warnings: Object.freeze(warnings),
  })
}

function mapDirective(lineNo: number, name: string | undefined, issuerText: string | undefined, maps: readonly MutableMap[], byName: ReadonlyMap<string, MutableMap>): MutableMap {
  if (name === undefined) throw new CertmapError(lineNo, 'certmap needs a map name and an issuer DN: "certmap <name> <issuer DN>"')
  if (!MAP_NAME.test(name)) throw new CertmapError(lineNo, `map name "${name}" may hold only letters, digits, ".", "_" and "-"`)
  const earlier = byName.get(name.toLowerCase())
  if (earlier !== undefined) throw new CertmapError(lineNo, `map "${name}" is already declared on line ${earlier.line}; rename or remove one`)
  const issuerTrimmed = (issuerText ?? '').trim()
  if (issuerTrimmed === '') throw new CertmapError(lineNo, `map "${name}" has no issuer DN; write "certmap ${name} <issuer DN>"`)
  const isDefaultName = name.toLowerCase() === DEFAULT
  const isDefaultIssuer = issuerTrimmed.toLowerCase() === DEFAULT
  if (isDefaultName !== isDefaultIssuer) {
    throw new CertmapError(lineNo, isDefaultName
      ? `the default map must be written "certmap default default"; give the map for issuer "${issuerTrimmed}" another name`
      : `only the map named default may use issuer "default"; write "certmap default default" or give map "${name}" an issuer DN`)
  }
  const base = {name, line: lineNo, dnComps: null, filterComps: null, verifyCert: false, ldapAttr: null, seen: new Map<string, number>()}
  if (isDefaultName) {
    const first = maps[0]
    if (first !== undefined) throw new CertmapError(lineNo, `the default map must be the first map; move "certmap default default" above line ${first.line}`)
    return {...base, issuer: null, issuerKey: null}
  }
  let issuer: DistinguishedName
  try {
    issuer = parseDn(issuerTrimmed)
  } catch (e) {
    if (!(e instanceof DnSyntaxError)) throw e
    throw new CertmapError(lineNo, `issuer DN of map "${name}" is not a DN (${e.reason}); write it like "ou=Example CA, o=Example, c=US"`)
  }
  const issuerKey = dnMatchKey(issuer)
  const same = maps.find((m) => m.issuerKey === issuerKey)
  if (same !== undefined) throw new CertmapError(lineNo, `map "${name}" has the same issuer as map "${same.name}" on line ${same.line}; merge them into one map`)
  return {...base, issuer, issuerKey}
}

function setProperty(lineNo: number, map: MutableMap, prop: string, value: string): void {
  const key = prop.toLowerCase()
  if (key === 'library' || key === 'initfn') {
    throw new CertmapError(lineNo, `${prop}: custom mapping plug-ins are not supported; remove this line and map with DNComps, FilterComps and CmapLdapAttr`)
  }
  if (!['dncomps', 'filtercomps', 'verifycert', 'cmapldapattr'].includes(key)) {
    throw new CertmapError(lineNo, `unknown property "${prop}" for map "${map.name}"; use ${KNOWN_PROPERTIES}`)
  }
  const earlier = map.seen.get(key)
  if (earlier !== undefined) throw new CertmapError(lineNo, `${prop} of map "${map.name}" is already set on line ${earlier}; keep one of the two lines`)
  map.seen.set(key, lineNo)
  switch (key) {
    case 'dncomps':
      map.dnComps = keywordList(lineNo, prop, value)
      break
    case 'filtercomps':
      map.filterComps = keywordList(lineNo, prop, value)
      break
    case 'verifycert': {
      // An empty value means on: old mail/news configurations wrote it bare.
      const v = value.toLowerCase()
      if (v !== '' && v !== 'on' && v !== 'off') throw new CertmapError(lineNo, `verifycert takes "on" or "off", not "${value}"`)
      map.verifyCert = v !== 'off'
      break
    }
    case 'cmapldapattr':
      if (value === '') throw new CertmapError(lineNo, `CmapLdapAttr of map "${map.name}" needs an attribute name, e.g. "CmapLdapAttr certSubjectDN"; or remove the line`)
      if (!LDAP_ATTRIBUTE.test(value)) throw new CertmapError(lineNo, `CmapLdapAttr value "${value}" is not an LDAP attribute name; use one word such as certSubjectDN`)
      map.ldapAttr = value
      break
  }
}

/** Comma- and/or space-separated keywords; an empty value is an empty list. */
function keywordList(lineNo: number, prop: string, value: string): CertmapKeyword[] {
  const out: CertmapKeyword[] = []
  for (const word of value.split(/[\s,]+/)) {
    if (word === '') continue
    const k = word.toLowerCase()
    if (!isCertmapKeyword(k)) throw new CertmapError(lineNo, `${prop}: unknown attribute "${word}"; use ${CERTMAP_KEYWORDS.join(' ')}`)
    if (!out.includes(k)) out.push(k)
  }
  return out
}

function stripComment(line: string): string {
  let quoted = false
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]
    if (ch === '\\') {
      i++
      continue
    }
    if (ch === '"') quoted = !quoted
    else if (ch === '#' && !quoted && (i === 0 || /\s/.test(line[i - 1] as string))) return line.slice(0, i)
  }
  return line
}

function freezeMap(m: MutableMap): CertmapMap {
  return Object.freeze({
    name: m.name,
    issuer: m.issuer,
    line: m.line,
    dnComps: m.dnComps === null ? null : Object.freeze([...m.dnComps]),
    filterComps: m.filterComps === null ? null : Object.freeze([...m.filterComps]),
    verifyCert: m.verifyCert,
    ldapAttr: m.ldapAttr,
  })
}
