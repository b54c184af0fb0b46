import {der} from '../pki/index.js'

/** Digest algorithms of SignedData, by cmsutil -H name. MD2/MD4/MD5 are named by NSS but refused here. */
export type DigestName = 'SHA1' | 'SHA224' | 'SHA256' | 'SHA384' | 'SHA512'

interface DigestInfo {
  readonly name: DigestName
  readonly oid: string
  /** node:crypto name. */
  readonly node: string
}

const DIGESTS: readonly DigestInfo[] = [
  {name: 'SHA1', oid: '1.3.14.3.2.26', node: 'sha1'},
  {name: 'SHA224', oid: '2.16.840.1.101.3.4.2.4', node: 'sha224'},
  {name: 'SHA256', oid: '2.16.840.1.101.3.4.2.1', node: 'sha256'},
  {name: 'SHA384', oid: '2.16.840.1.101.3.4.2.2', node: 'sha384'},
  {name: 'SHA512', oid: '2.16.840.1.101.3.4.2.3', node: 'sha512'},
]

export const DIGEST_NAMES: readonly DigestName[] = DIGESTS.map((d) => d.name)

export function digestInfo(name: DigestName): DigestInfo {
  return DIGESTS.find((d) => d.name === name)!
}

export function digestByOid(oid: string): DigestInfo | null {
  return DIGESTS.find((d) => d.oid === oid) ?? null
}

/** cmsutil -H: NSS spells them SHA1, SHA256...; SHA-256 and lower case are accepted too. */
export function parseDigestName(text: string): DigestName | null {
  const t = text.toUpperCase().replace('-', '')
  return (DIGEST_NAMES as readonly string[]).includes(t) ? (t as DigestName) : null
}

/** DigestAlgorithmIdentifier with NULL parameters, as NSS writes it. */
export function encodeDigestAlgorithm(name: DigestName): Buffer {
  return der.sequence(der.oid(digestInfo(name).oid), der.nullValue())
}
