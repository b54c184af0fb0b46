/**
 * The SCRAM client messages (RFC 5802 §7), parsed without throwing: null
 * (or a typed refusal) for anything malformed.
 */

export interface ClientFirst {
  /** `n,,`-style header exactly as sent; `c=` in the final message must repeat it. */
  gs2Header: string
  cbindFlag: 'n' | 'y' | 'p'
  authzid: string | null
  username: string
  nonce: string
  /** client-first-message-bare, part of AuthMessage. */
  bare: string
}

export interface ClientFinal {
  channelBinding: string
  nonce: string
  proof: string
  /** client-final-message-without-proof, part of AuthMessage. */
  withoutProof: string
}

/** printable = %x21-2B / %x2D-7E (no comma). */
const NONCE = /^[\x21-\x2B\x2D-\x7E]+$/
/** Optional extensions we ignore must still look like `x=value`. */
const EXTENSION = /^[A-Za-z]=/
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/

/** saslname: `=2C` is `,` and `=3D` is `=`; any other `=` is malformed. */
export function decodeSaslName(value: string): string | null {
  if (value === '' || /=(?!2C|3D)/.test(value)) return null
  return value.replace(/=2C/g, ',').replace(/=3D/g, '=')
}

export function isBase64(value: string): boolean {
  return BASE64.test(value)
}

export function parseClientFirst(text: string): ClientFirst | string {
  const m = /^(n|y|p=[A-Za-z0-9.-]+),(a=[^,]*)?,(.*)$/s.exec(text)
  if (!m) return 'malformed GS2 header'
  const [, flag, authzPart, bare] = m as unknown as [string, string, string | undefined, string]
  if (flag.startsWith('p=')) return 'channel binding is not supported'
  const authzid = authzPart == null ? null : decodeSaslName(authzPart.slice(2))
  if (authzPart != null && authzid == null) return 'malformed authorization identity'
  const attrs = bare.split(',')
  if (attrs[0]?.startsWith('m=')) return 'mandatory extension is not supported'
  if (attrs.length < 2 || !attrs[0]!.startsWith('n=') || !attrs[1]!.startsWith('r=')) return 'client-first message must start n=...,r=...'
  const username = decodeSaslName(attrs[0]!.slice(2))
  const nonce = attrs[1]!.slice(2)
  if (username == null) return 'malformed user name'
  if (!NONCE.test(nonce)) return 'malformed client nonce'
  if (!attrs.slice(2).every((a) => EXTENSION.test(a))) return 'malformed extension attribute'
  return {gs2Header: `${flag},${authzPart ?? ''},`, cbindFlag: flag as 'n' | 'y', authzid, username, nonce, bare}
}

export function parseClientFinal(text: string): ClientFinal | null {
  const proofAt = text.lastIndexOf(',p=')
  if (proofAt < 0) return null
  const withoutProof = text.slice(0, proofAt)
  const proof = text.slice(proofAt + 3)
  const attrs = withoutProof.split(',')
  if (attrs.length < 2 || !attrs[0]!.startsWith('c=') || !attrs[1]!.startsWith('r=')) return null
  if (!attrs.slice(2).every((a) => EXTENSION.test(a))) return null
  const channelBinding = attrs[0]!.slice(2)
  const nonce = attrs[1]!.slice(2)
  if (!isBase64(channelBinding) || !isBase64(proof) || proof === '' || !NONCE.test(nonce)) return null
  return {channelBinding, nonce, proof, withoutProof}
}
