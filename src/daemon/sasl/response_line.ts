/**
 * A SASL response as carried on a protocol line (RFC 4954 §4, RFC 5034 §4):
 * base64, "=" for an empty initial response, "*" to cancel.
 */
export type SaslResponseLine =
  | {readonly kind: 'cancel'}
  | {readonly kind: 'data'; readonly bytes: Buffer}
  | {readonly kind: 'invalid'}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/

/** @param initial true for the initial response on the AUTH line itself, where "=" means empty. */
export function parseSaslResponseLine(text: string, initial: boolean): SaslResponseLine {
  const value = text.trim()
  if (value === '*') return {kind: 'cancel'}
  if (initial && value === '=') return {kind: 'data', bytes: Buffer.alloc(0)}
  // Node's decoder skips bad characters silently; a strict check first keeps garbage from being read as a password.
  if (!BASE64.test(value)) return {kind: 'invalid'}
  return {kind: 'data', bytes: Buffer.from(value, 'base64')}
}
