import {FilterSyntaxError} from './filter_syntax_error.js'
import {isIPv4Prefix, ipv4Text, parseIPv4, parseIPv6, samePrefix, type EndpointAddress} from './ip_address.js'
import type {Span} from './tokenizer.js'
import type {FilterWarning, HostPattern} from './types.js'

/**
 * Host patterns: their grammar (parseHostPattern) and their meaning against
 * one endpoint of a connection (matchHost). Both the client side and the
 * server side of `service@host` use them.
 */

const NAME_CHARS = /^[a-z0-9_.-]+$/
const NUMERIC = /^[0-9.]+$/

/** A connection endpoint as host patterns see it. */
export interface HostEndpoint {
  readonly address: EndpointAddress
  /** Lower-case name, `unknown` or `paranoid`; looked up on first call. */
  name(): string
}

/** Parse one host pattern; `token.offset` is its 0-based offset in the value. */
export function parseHostPattern(token: Span, warnings: FilterWarning[]): HostPattern {
  const raw = token.text
  const col = token.offset + 1
  switch (raw.toUpperCase()) {
    case 'ALL':
    case '*':
      return {kind: 'all'}
    case 'LOCAL':
      return {kind: 'local'}
    case 'KNOWN':
      return {kind: 'known'}
    case 'UNKNOWN':
      return {kind: 'unknown'}
    case 'DNSSPOOFER':
    case 'PARANOID':
      return {kind: 'paranoid'}
  }
  const text = raw.toLowerCase()
  const first = text[0]
  if (first === '@') return parseNetgroup(token, warnings)
  if (first === '[') return parseBracketed(raw, col)
  if (first === '/') {
    throw new FilterSyntaxError(col, `"${raw}": file patterns are not supported; list the hosts in the filter itself`)
  }
  if (text.includes('/')) return parseNetwork(raw, col)
  if (text.includes(':')) return parseBareIPv6(raw, col)
  if (NUMERIC.test(text)) return parseNumeric(raw, col)
  if (first === '.') {
    if (text === '.' || !NAME_CHARS.test(text)) badName(raw, col)
    return {kind: 'domain', suffix: text}
  }
  if (!NAME_CHARS.test(text)) badName(raw, col)
  if (text.endsWith('.')) return {kind: 'namePrefix', prefix: text}
  return {kind: 'name', name: text}
}

function badName(raw: string, col: number): never {
  const i = raw.search(/[^A-Za-z0-9_.-]/)
  const c = raw[i] ?? ''
  if (c === '*' || c === '?') {
    throw new FilterSyntaxError(col + i, `wildcard "${c}" inside "${raw}" is not supported (use .siroe.com for every host in a domain, 192.168. for a network)`)
  }
  if (i < 0) throw new FilterSyntaxError(col, `"${raw}" is not a host pattern`)
  throw new FilterSyntaxError(col + i, `unexpected character "${c}" in host pattern "${raw}"`)
}

/**
 * `@name` is a NIS netgroup in hosts_access. The seed's virtual-domain example
 * writes `@.siroe1.com`, which as a netgroup could never match; we read
 * `@.domain` as `.domain`, which is what that example describes, and warn.
 */
function parseNetgroup(token: Span, warnings: FilterWarning[]): HostPattern {
  const raw = token.text
  const col = token.offset + 1
  const name = raw.slice(1)
  if (name === '') throw new FilterSyntaxError(col, "'@' needs a netgroup name after it (or write user@host)")
  if (name.startsWith('.')) {
    const domain = parseHostPattern({text: name, offset: token.offset + 1}, warnings)
    warnings.push({
      column: col,
      message: `"${raw}" is read as "${name}" (every host in the domain ${name.slice(1)}); a leading '@' normally names a NIS netgroup`,
    })
    return domain
  }
  warnings.push({column: col, message: `"${raw}" names a NIS netgroup; netgroups are not supported, so it never matches`})
  return {kind: 'netgroup', name: name.toLowerCase()}
}

function parseNumeric(raw: string, col: number): HostPattern {
  if (raw.startsWith('.')) {
    throw new FilterSyntaxError(col, `"${raw}" is not a domain; for a network write a prefix such as 10.1.2. or a netmask such as 10.1.2.0/255.255.255.0`)
  }
  if (raw.endsWith('.')) {
    if (!isIPv4Prefix(raw)) {
      throw new FilterSyntaxError(col, `bad address prefix "${raw}" (write 1 to 3 numbers 0-255 each followed by a dot, e.g. 192.168.)`)
    }
    return {kind: 'addressPrefix', prefix: raw}
  }
  const address = parseIPv4(raw)
  if (address === null) {
    throw new FilterSyntaxError(col, `bad IPv4 address "${raw}" (write four numbers 0-255 such as 192.168.1.9, or end with a dot for a prefix such as 192.168.)`)
  }
  return {kind: 'ipv4', address}
}

/**
 * `n.n.n.n/m.m.m.m` as in hosts_access; `n.n.n.n/len` and `v6/len` are
 * extensions (CIDR), as in the distribution builds of tcp_wrappers.
 * A network with bits outside its mask could never match, so it is refused.
 */
function parseNetwork(raw: string, col: number): HostPattern {
  const slash = raw.indexOf('/')
  const netText = raw.slice(0, slash)
  const maskText = raw.slice(slash + 1)
  const maskCol = col + slash + 1
  if (netText.includes(':')) return ipv6Network(raw, netText, maskText, col, maskCol)
  const network = parseIPv4(netText)
  if (network === null) {
    throw new FilterSyntaxError(col, `bad network address "${netText}" in "${raw}" (write four numbers 0-255, e.g. 192.168.1.0/255.255.255.0)`)
  }
  let mask: number | null
  if (/^\d{1,2}$/.test(maskText)) {
    const len = Number(maskText)
    if (len > 32) throw new FilterSyntaxError(maskCol, `bad prefix length "/${maskText}" (use 0 to 32)`)
    mask = len === 0 ? 0 : (0xffffffff << (32 - len)) >>> 0
  } else {
    mask = parseIPv4(maskText)
    if (mask === null) {
      throw new FilterSyntaxError(maskCol, `bad netmask "${maskText}" (write four numbers 0-255 such as 255.255.255.0, or a prefix length such as 24)`)
    }
  }
  if ((network & ~mask) !== 0) {
    const fixed = ipv4Text((network & mask) >>> 0)
    throw new FilterSyntaxError(col, `"${raw}" has address bits outside the mask, so it can never match; write ${fixed}/${maskText}`)
  }
  return {kind: 'ipv4Net', network, mask}
}

function ipv6Network(raw: string, netText: string, lenText: string, col: number, lenCol: number): HostPattern {
  const inner = netText.startsWith('[') && netText.endsWith(']') ? netText.slice(1, -1) : netText
  const words = inner.includes('%') ? null : parseIPv6(inner)
  if (words === null) throw new FilterSyntaxError(col, `bad IPv6 network "${netText}" in "${raw}" (write e.g. [2001:db8::]/32)`)
  if (!/^\d{1,3}$/.test(lenText) || Number(lenText) > 128) {
    throw new FilterSyntaxError(lenCol, `bad IPv6 prefix length "/${lenText}" (use 0 to 128)`)
  }
  const prefixLength = Number(lenText)
  const masked = maskWords(words, prefixLength)
  if (masked.some((w, i) => w !== words[i])) {
    throw new FilterSyntaxError(col, `"${raw}" has address bits outside the /${prefixLength} prefix, so it can never match; clear the host bits`)
  }
  return {kind: 'ipv6Net', words, prefixLength}
}

function maskWords(words: readonly number[], bits: number): number[] {
  return words.map((w, i) => {
    const keep = Math.max(0, Math.min(16, bits - i * 16))
    return keep === 0 ? 0 : w & ((0xffff << (16 - keep)) & 0xffff)
  })
}

/** `[v6]`, `[v6%zone]` or `[v6]/len`. */
function parseBracketed(raw: string, col: number): HostPattern {
  const close = raw.indexOf(']')
  if (close < 0) throw new FilterSyntaxError(col, `"${raw}": '[' is never closed (write IPv6 addresses as [2001:db8::1])`)
  const rest = raw.slice(close + 1)
  if (rest.startsWith('/')) return parseNetwork(raw, col)
  if (rest !== '') throw new FilterSyntaxError(col + close + 1, `unexpected "${rest}" after "]" in "${raw}"`)
  return ipv6Address(raw.slice(1, close), raw, col)
}

function parseBareIPv6(raw: string, col: number): HostPattern {
  // Every IPv6 literal has at least two colons; anything else is a stray ':'.
  const addr = raw.split('%')[0] as string
  if (!/^[0-9a-f:.]+$/i.test(addr) || addr.indexOf(':') === addr.lastIndexOf(':')) {
    const at = raw.indexOf(':')
    throw new FilterSyntaxError(col + at, `unexpected ':' in "${raw}" (a rule has a single ':' between services and clients; write IPv6 addresses as [2001:db8::1])`)
  }
  return ipv6Address(raw, raw, col)
}

function ipv6Address(text: string, raw: string, col: number): HostPattern {
  const percent = text.indexOf('%')
  const zone = percent < 0 ? null : text.slice(percent + 1).toLowerCase()
  const words = parseIPv6(percent < 0 ? text : text.slice(0, percent))
  if (words === null || zone === '') throw new FilterSyntaxError(col, `bad IPv6 address "${raw}"`)
  return {kind: 'ipv6', words, zone}
}

function isKnownName(name: string): boolean {
  return name !== 'unknown' && name !== 'paranoid'
}

/**
 * Does the endpoint match the pattern? Cheap address tests come first, and
 * the name is only asked for by patterns that compare names, so a filter of
 * addresses never causes a DNS lookup.
 */
export function matchHost(p: HostPattern, ep: HostEndpoint): boolean {
  switch (p.kind) {
    case 'all':
      return true
    case 'local': {
      const name = ep.name()
      return isKnownName(name) && !name.includes('.')
    }
    case 'known':
      return ep.address.text !== 'unknown' && isKnownName(ep.name())
    case 'unknown':
      return ep.address.text === 'unknown' || ep.name() === 'unknown'
    case 'paranoid':
      return ep.name() === 'paranoid'
    case 'domain': {
      // At least one character before the suffix: `.siroe.com` does not match `siroe.com`.
      const name = ep.name()
      return name.length > p.suffix.length && name.endsWith(p.suffix)
    }
    case 'namePrefix':
      return ep.name().startsWith(p.prefix)
    case 'name':
      return ep.name() === p.name
    case 'addressPrefix':
      return ep.address.text.startsWith(p.prefix)
    case 'ipv4':
      return ep.address.v4 === p.address
    case 'ipv4Net': {
      const a = ep.address.v4
      return a !== null && ((a & p.mask) >>> 0) === p.network
    }
    case 'ipv6': {
      const w = ep.address.v6
      return w !== null && samePrefix(w, p.words, 128) && (p.zone === null || p.zone === ep.address.zone)
    }
    case 'ipv6Net': {
      const w = ep.address.v6
      return w !== null && samePrefix(w, p.words, p.prefixLength)
    }
    case 'netgroup':
      return false
  }
}
