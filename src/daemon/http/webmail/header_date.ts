/**
 * A Date header (RFC 5322 §3.3) as a Date, or null when unreadable. V8's
 * parser reads the RFC format, including obsolete zone names and trailing
 * comments such as "(CET)".
 */
export function parseHeaderDate(raw: string | null): Date | null {
  if (raw === null) return null
  const date = new Date(raw.trim())
  return Number.isNaN(date.getTime()) ? null : date
}
