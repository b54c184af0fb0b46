/**
 * Values certutil shows without knowing their meaning (unknown extensions,
 * otherName values), rendered by ASN.1 type as NSS 3.87 prints them:
 *
 *   INTEGER (up to 4 octets)  `Data: 5 (0x5)`; negative values show the
 *                             32-bit two's complement: `-1 (0xffffffff)`
 *   INTEGER (wider)           `Data:` then a byte dump
 *   OCTET STRING              `Data:` then a byte dump of the contents
 *   BIT STRING                `Data:` then a dump, then `(N least significant bits unused)`
 *   character strings         `Data: "text"`, bytes outside 0x20-0x7e as `.`
 *   BOOLEAN / NULL / OID      `Data: True` / `Data: NULL` / `Data: OID.1.2.3`
 *   SEQUENCE / SET / [n]      `Data: Sequence {` (`Set {`, `[0]: {`), members 4 deeper, `}`
 *   UTCTime, GeneralizedTime  nothing at all (not even the label)
 *
 * Members of a constructed value follow the same rules without the label;
 * that nesting was observed for INTEGER and strings only.
 */
import {der, oidName} from '../../core/pki/index.js'
import {nssHexDump} from './hex.js'

const STRING_TAGS = new Set([0x0c, 0x12, 0x13, 0x14, 0x16, 0x1a])
const TIME_TAGS = new Set([0x17, 0x18])

/** `OID.1.2.3`, or NSS's name for a known OID. */
export function oidDisplay(oid: string): string {
  return oidName(oid) ?? `OID.${oid}`
}

/** `N (0xN)` for INTEGER contents of at most 4 octets; null when wider. */
export function smallIntegerText(content: Buffer): string | null {
  if (content.length === 0 || content.length > 4) return null
  let v = 0
  for (const b of content) v = v * 256 + b
  const signed = ((content[0] as number) & 0x80) !== 0 ? v - 2 ** (8 * content.length) : v
  return `${signed} (0x${(signed >>> 0).toString(16)})`
}

/** Text of a character string value, non-printable bytes as `.`. */
export function quotedString(content: Buffer): string {
  return '"' + [...content].map((b) => (b >= 0x20 && b <= 0x7e ? String.fromCharCode(b) : '.')).join('') + '"'
}

function constructedTitle(node: der.DerNode): string {
  if (node.cls === 0 && node.tagNumber === 16) return 'Sequence {'
  if (node.cls === 0 && node.tagNumber === 17) return 'Set {'
  return `[${node.tagNumber}]: {`
}

/**
 * One DER value at `indent`, labelled (`Data: ...`) or not. Returns whole
 * lines (see hex.ts for the one documented exception).
 */
export function renderAny(node: der.DerNode, indent: string, label: string | null): string {
  const head = label === null ? indent : `${indent}${label}: `
  const block = (): string => (label === null ? '' : `${indent}${label}:\n`)
  const inner = label === null ? indent : indent + '    '
  if (node.constructed) {
    let children: der.DerNode[]
    try {
      children = der.childrenOf(node)
    } catch {
      return block() + nssHexDump(node.content, inner)
    }
    return `${head}${constructedTitle(node)}\n` + children.map((c) => renderAny(c, indent + '    ', null)).join('') + `${indent}}\n`
  }
  if (node.cls !== 0) return block() + nssHexDump(node.content, inner)
  switch (node.tagNumber) {
    case 1:
      return `${head}${node.content.some((b) => b !== 0) ? 'True' : 'False'}\n`
    case 2: {
      const small = smallIntegerText(node.content)
      return small !== null ? `${head}${small}\n` : block() + nssHexDump(node.content, inner)
    }
    case 3: {
      const unused = node.content[0] ?? 0
      const note = unused > 0 ? `${inner}(${unused} least significant bits unused)\n` : ''
      return block() + nssHexDump(node.content.subarray(1), inner) + note
    }
    case 4:
      return block() + nssHexDump(node.content, inner)
    case 5:
      return `${head}NULL\n`
    case 6:
      try {
        return `${head}${oidDisplay(der.decodeOidContent(node.content))}\n`
      } catch {
        return block() + nssHexDump(node.content, inner)
      }
    default:
      if (STRING_TAGS.has(node.tagNumber)) return `${head}${quotedString(node.content)}\n`
      if (TIME_TAGS.has(node.tagNumber)) return ''
      return block() + nssHexDump(node.content, inner)
  }
}

/** Parse and render; bytes that are not one DER element are dumped. */
export function renderAnyBytes(value: Buffer, indent: string, label: string): string {
  let node: der.DerNode
  try {
    node = der.parseDer(value)
  } catch {
    return `${indent}${label}:\n` + nssHexDump(value, indent + '    ')
  }
  return renderAny(node, indent, label)
}
