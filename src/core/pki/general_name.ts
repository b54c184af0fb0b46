/**
 * GeneralName (RFC 5280 §4.2.1.6): the alternative-name forms used by
 * subjectAltName, authorityKeyIdentifier and friends.
 */
import {isIPv4, isIPv6} from 'node:net'
import {DerError, childrenOf, decodeOid, decodeOidContent, explicit, implicit, oidContent, parseDer, tagName, type DerNode} from './der.js'
import {decodeName, type DistinguishedName} from './dn.js'

export type GeneralName =
  | {readonly type: 'rfc822Name'; readonly value: string}
  | {readonly type: 'dNSName'; readonly value: string}
  | {readonly type: 'uniformResourceIdentifier'; readonly value: string}
  | {readonly type: 'iPAddress'; readonly value: string; readonly bytes: Buffer}
  | {readonly type: 'directoryName'; readonly name: DistinguishedName}
  | {readonly type: 'registeredID'; readonly oid: string}
  | {readonly type: 'otherName'; readonly typeId: string; readonly der: Buffer}
  | {readonly type: 'x400Address'; readonly der: Buffer}
  | {readonly type: 'ediPartyName'; readonly der: Buffer}

/** IPv4 or IPv6 text (no brackets, no zone) as 4 or 16 bytes; null if not an address. */
export function parseIpAddress(text: string): Buffer | null {
  if (isIPv4(text)) return Buffer.from(text.split('.').map(Number))
  if (!isIPv6(text) || text.includes('%')) return null
  let head = text
  let v4: number[] = []
  const lastColon = text.lastIndexOf(':')
  if (text.slice(lastColon + 1).includes('.')) {
    v4 = text.slice(lastColon + 1).split('.').map(Number)
    head = text.slice(0, lastColon + 1) + '0:0'
  }
  const [left, right] = head.includes('::') ? head.split('::') as [string, string] : [head, null]
  const words = (s: string): number[] => (s === '' ? [] : s.split(':').map((w) => parseInt(w, 16)))
  const l = words(left)
  const r = right === null ? [] : words(right)
  const all = right === null ? l : [...l, ...new Array<number>(8 - l.length - r.length).fill(0), ...r]
  const out = Buffer.alloc(16)
  all.forEach((w, i) => out.writeUInt16BE(w, i * 2))
  if (v4.length === 4) v4.forEach((b, i) => (out[12 + i] = b))
  return out
}

function formatIPv6(bytes: Buffer): string {
  const words: number[] = []
  for (let i = 0; i < 16; i += 2) words.push(bytes.readUInt16BE(i))
  // RFC 5952: compress the longest run (2 or more) of zero words.
  let best = -1
  let bestLen = 1
  for (let i = 0; i < 8;) {
    if (words[i] !== 0) {
      i++
      continue
    }
    let j = i
    while (j < 8 && words[j] === 0) j++
    if (j - i > bestLen) {
      best = i
      bestLen = j - i
    }
    i = j
  }
  const hex = words.map((w) => w.toString(16))
  if (best < 0) return hex.join(':')
  return hex.slice(0, best).join(':') + '::' + hex.slice(best + bestLen).join(':')
}

/** Text of an iPAddress value: 4 or 16 bytes, or address/mask pairs (8 or 32 bytes, name constraints). */
export function formatIpAddress(bytes: Buffer): string {
  if (bytes.length === 4) return [...bytes].join('.')
  if (bytes.length === 16) return formatIPv6(bytes)
  if (bytes.length === 8) return `${formatIpAddress(bytes.subarray(0, 4))}/${formatIpAddress(bytes.subarray(4))}`
  if (bytes.length === 32) return `${formatIPv6(bytes.subarray(0, 16))}/${formatIPv6(bytes.subarray(16))}`
  return bytes.toString('hex')
}

export function decodeGeneralName(node: DerNode): GeneralName {
  if (node.cls !== 2) throw new DerError(`GeneralName should be context-tagged, found ${tagName(node.tag)}`, node.offset)
  const text = (): string => node.content.toString('latin1')
  switch (node.tagNumber) {
    case 0: {
      const [typeId] = childrenOf(node)
      if (typeId === undefined) throw new DerError('otherName without a type', node.offset)
      return {type: 'otherName', typeId: decodeOid(typeId, 'otherName type'), der: node.raw}
    }
    case 1:
      return {type: 'rfc822Name', value: text()}
    case 2:
      return {type: 'dNSName', value: text()}
    case 3:
      return {type: 'x400Address', der: node.raw}
    case 4: {
      const inner = childrenOf(node)
      if (inner.length !== 1) throw new DerError('directoryName must hold one Name', node.offset)
      return {type: 'directoryName', name: decodeName(inner[0] as DerNode)}
    }
    case 5:
      return {type: 'ediPartyName', der: node.raw}
    case 6:
      return {type: 'uniformResourceIdentifier', value: text()}
    case 7:
      return {type: 'iPAddress', value: formatIpAddress(node.content), bytes: node.content}
    case 8:
      return {type: 'registeredID', oid: decodeOidContent(node.content, node.offset)}
    default:
      throw new DerError(`unknown GeneralName tag [${node.tagNumber}]`, node.offset)
  }
}

/** GeneralNames ::= SEQUENCE OF GeneralName (also used for the [n] IMPLICIT forms). */
export function decodeGeneralNames(node: DerNode): GeneralName[] {
  return childrenOf(node).map(decodeGeneralName)
}

export function encodeGeneralName(name: GeneralName): Buffer {
  switch (name.type) {
    case 'rfc822Name':
      return implicit(1, Buffer.from(name.value, 'latin1'))
    case 'dNSName':
      return implicit(2, Buffer.from(name.value, 'latin1'))
    case 'uniformResourceIdentifier':
      return implicit(6, Buffer.from(name.value, 'latin1'))
    case 'iPAddress':
      return implicit(7, name.bytes)
    case 'directoryName':
      // Name is a CHOICE, so the [4] tag is explicit.
      return explicit(4, name.name.der)
    case 'registeredID':
      return implicit(8, oidContent(name.oid))
    case 'otherName':
    case 'x400Address':
    case 'ediPartyName':
      return name.der
  }
}

/** Re-read an encoded GeneralName (round trip helper). */
export function parseGeneralName(der: Buffer): GeneralName {
  return decodeGeneralName(parseDer(der))
}
