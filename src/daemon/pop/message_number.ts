/** A message-number argument (RFC 1939): decimal digits only, no sign, no leading junk. */
export function parseMessageNumber(text: string): number | null {
  if (!/^\d{1,9}$/.test(text)) return null
  const n = Number(text)
  return n >= 1 ? n : null
}

/** A non-negative count (TOP's line count). */
export function parseCount(text: string): number | null {
  if (!/^\d{1,9}$/.test(text)) return null
  return Number(text)
}
