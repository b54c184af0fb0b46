/**
 * IMAP date texts (RFC 3501 §9): date-time `"17-Jul-1996 02:44:25 -0700"`
 * for INTERNALDATE and APPEND, and date `1-Feb-1994` for SEARCH.
 */
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']

/** A calendar day, time and zone ignored (SEARCH compares days only). */
export interface CalendarDay {
  readonly year: number
  readonly month: number
  readonly day: number
}

/** INTERNALDATE text, in UTC. */
export function formatDateTime(date: Date): string {
  const pad = (n: number): string => String(n).padStart(2, '0')
  return `${pad(date.getUTCDate())}-${MONTHS[date.getUTCMonth()]}-${date.getUTCFullYear()} ${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} +0000`
}

/** date-time as APPEND sends it; null when malformed. */
export function parseDateTime(text: string): Date | null {
  const m = /^([ \d]\d)-([A-Za-z]{3})-(\d{4}) (\d\d):(\d\d):(\d\d) ([+-])(\d\d)(\d\d)$/.exec(text)
  if (m === null) return null
  const month = monthIndex(m[2]!)
  if (month === -1) return null
  const [day, year, h, min, s] = [Number(m[1]), Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])]
  if (day < 1 || day > 31 || h > 23 || min > 59 || s > 60) return null
  const offset = (Number(m[8]) * 60 + Number(m[9])) * (m[7] === '-' ? -1 : 1)
  return new Date(Date.UTC(year, month, day, h, min, s) - offset * 60_000)
}

/** SEARCH date `d-Mon-yyyy`; null when malformed. */
export function parseSearchDate(text: string): CalendarDay | null {
  const m = /^(\d{1,2})-([A-Za-z]{3})-(\d{4})$/.exec(text)
  if (m === null) return null
  const month = monthIndex(m[2]!)
  const day = Number(m[1])
  if (month === -1 || day < 1 || day > 31) return null
  return {year: Number(m[3]), month: month + 1, day}
}

/** Order of two days: negative, 0, positive. */
export function compareDays(a: CalendarDay, b: CalendarDay): number {
  return a.year - b.year || a.month - b.month || a.day - b.day
}

export function utcDay(date: Date): CalendarDay {
  return {year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate()}
}

/**
 * The day of an RFC 5322 Date header as written there (its own zone: the
 * day the sender saw), or null if it cannot be read.
 */
export function headerDay(value: string): CalendarDay | null {
  const m = /(\d{1,2})\s+([A-Za-z]{3})[a-z]*\s+(\d{2,4})/.exec(value)
  if (m === null) return null
  const month = monthIndex(m[2]!)
  if (month === -1) return null
  let year = Number(m[3])
  if (m[3]!.length === 2) year += year < 50 ? 2000 : 1900
  return {year, month: month + 1, day: Number(m[1])}
}

function monthIndex(name: string): number {
  const lower = name.toLowerCase()
  return MONTHS.findIndex((m) => m.toLowerCase() === lower)
}
