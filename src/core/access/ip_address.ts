/**
 * IPv4 and IPv6 text forms, parsed to numbers so that patterns and
 * connection addresses compare by value rather than by spelling.
 */

const DOTTED_QUAD = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/
const HEX_GROUP = /^[0-9a-f]{1,4}$/i

/**
 * A dotted quad as an unsigned 32-bit integer, or null. Octets with a
 * leading zero are refused: C resolvers read them as octal, so their
 * meaning is ambiguous.
 */
export function parseIPv4(text: string): number | null {
  const m = DOTTED_QUAD.exec(text)
  if (m === null) return null
  let value = 0
  for (let i = 1; i <= 4; i++) {
    const octet = m[i] as string
    if (octet.length > 1 && octet.charCodeAt(0) === 48) return null
    const n = Number(octet)
    if (n > 255) return null
    value = value * 256 + n
  }
  return value
}

/** 1 to 3 octets followed by a dot (`10.`, `192.168.`), each 0-255 without leading zeros. */
export function isIPv4Prefix(text: string): boolean {
  if (!text.endsWith('.')) return false
  const octets = text.slice(0, -1).split('.')
  if (octets.length > 3) return false
  return octets.every((o) => /^\d{1,3}$/.test(o) && Number(o) <= 255 && !(o.length > 1 && o.startsWith('0')))
}

/** IPv6 text (no brackets, no zone) as eight 16-bit words, or null. */
export function parseIPv6(text: string): number[] | null {
  if (text.length < 2 || text.length > 45) return null
  const gap = text.indexOf('::')
  if (gap >= 0 && text.indexOf('::', gap + 1) >= 0) return null
  if (gap < 0) {
    const words = groupsToWords(text.split(':'), true)
    return words !== null && words.length === 8 ? words : null
  }
  const headText = text.slice(0, gap)
  const tailText = text.slice(gap + 2)
  const head = headText === '' ? [] : groupsToWords(headText.split(':'), false)
  const tail = tailText === '' ? [] : groupsToWords(tailText.split(':'), true)
  if (head === null || tail === null) return null
  // '::' stands for at least one zero group.
  const missing = 8 - head.length - tail.length
  if (missing < 1) return null
  return [...head, ...new Array<number>(missing).fill(0), ...tail]
}

/** Hex groups to words; the final group may be a dotted quad when `v4Last`. */
function groupsToWords(groups: string[], v4Last: boolean): number[] | null {
  const words: number[] = []
  for (let i = 0; i < groups.length; i++) {
    const g = groups[i] as string
    if (v4Last && i === groups.length - 1 && g.includes('.')) {
      const v4 = parseIPv4(g)
      if (v4 === null) return null
      words.push(Math.floor(v4 / 65536), v4 % 65536)
    } else if (HEX_GROUP.test(g)) {
      words.push(parseInt(g, 16))
    } else {
      return null
    }
  }
  return words
}

/** Words of `::ffff:a.b.c.d` for an IPv4 address. */
export function mappedIPv4Words(v4: number): number[] {
  return [0, 0, 0, 0, 0, 0xffff, Math.floor(v4 / 65536), v4 % 65536]
}

/** True when the first `bits` bits of two word arrays are equal. */
export function samePrefix(a: readonly number[], b: readonly number[], bits: number): boolean {
  let i = 0
  for (; bits >= 16; bits -= 16, i++) if (a[i] !== b[i]) return false
  if (bits === 0) return true
  const mask = (0xffff << (16 - bits)) & 0xffff
  return ((a[i] as number) & mask) === ((b[i] as number) & mask)
}

/** A connection endpoint's address, parsed once per evaluation. */
export interface EndpointAddress {
  /** Lower-case text (IPv4-mapped prefix removed), or `unknown`. */
  readonly text: string
  readonly v4: number | null
  /** IPv6 words; for an IPv4 address its `::ffff:` mapped form. */
  readonly v6: readonly number[] | null
  readonly zone: string | null
}

const UNKNOWN_ADDRESS: EndpointAddress = {text: 'unknown', v4: null, v6: null, zone: null}

/**
 * Read a socket address. Dual-stack sockets report IPv4 peers as
 * `::ffff:a.b.c.d`; they are treated as plain IPv4 so IPv4 patterns apply.
 * Anything unparseable is `unknown`, as a failed lookup would be.
 */
export function toEndpointAddress(raw: string): EndpointAddress {
  let text = raw.trim().toLowerCase()
  if (text.startsWith('[') && text.endsWith(']')) text = text.slice(1, -1)
  if (text === '' || text === 'unknown') return UNKNOWN_ADDRESS
  if (text.startsWith('::ffff:') && parseIPv4(text.slice(7)) !== null) text = text.slice(7)
  const v4 = parseIPv4(text)
  if (v4 !== null) return {text, v4, v6: mappedIPv4Words(v4), zone: null}
  const percent = text.indexOf('%')
  const zone = percent < 0 ? null : text.slice(percent + 1)
  const words = parseIPv6(percent < 0 ? text : text.slice(0, percent))
  if (words === null || zone === '') return UNKNOWN_ADDRESS
  if (isMappedIPv4(words)) {
    const mapped = (words[6] as number) * 65536 + (words[7] as number)
    return {text: ipv4Text(mapped), v4: mapped, v6: words, zone: null}
  }
  return {text, v4: null, v6: words, zone}
}

function isMappedIPv4(w: readonly number[]): boolean {
  return w[0] === 0 && w[1] === 0 && w[2] === 0 && w[3] === 0 && w[4] === 0 && w[5] === 0xffff
}

export function ipv4Text(v4: number): string {
  return `${v4 >>> 24}.${(v4 >>> 16) & 255}.${(v4 >>> 8) & 255}.${v4 & 255}`
}
