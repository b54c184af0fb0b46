/**
 * Times as certutil shows and reads them.
 *
 * Display: `Sat Nov 28 20:09:10 2026`, always UTC, no zone (NSS prints the
 * same under any TZ). Input (`-V -b`): `YYMMDDHHMM[SS]` followed by `Z` or
 * an offset `+HHMM`/`-HHMM`; the zone is required, two-digit years below 50
 * are 20xx, and the offset is local time minus UTC (`2703010214+0100` is
 * 01:14Z), all as observed with NSS 3.87.
 */
import {utcDate} from './der.js'
import {InvalidTimeError} from './errors.js'

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat']
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']

function two(n: number): string {
  return String(n).padStart(2, '0')
}

/** `Www Mmm dd hh:mm:ss yyyy` in UTC. */
export function formatNssDate(date: Date): string {
  return `${DAYS[date.getUTCDay()] as string} ${MONTHS[date.getUTCMonth()] as string} ${two(date.getUTCDate())} ` +
    `${two(date.getUTCHours())}:${two(date.getUTCMinutes())}:${two(date.getUTCSeconds())} ${date.getUTCFullYear()}`
}

const NSS_TIME = /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})?(?:(Z)|([+-])(\d{2})(\d{2}))$/

/** Parse a certutil `-b` time; InvalidTimeError with NSS's text otherwise. */
export function parseNssTime(text: string): Date {
  const m = NSS_TIME.exec(text)
  if (m === null) throw new InvalidTimeError(text)
  let offset = 0
  if (m[7] === undefined) {
    const h = Number(m[9])
    const min = Number(m[10])
    if (h > 23 || min > 59) throw new InvalidTimeError(text)
    offset = (m[8] === '-' ? -1 : 1) * (h * 60 + min)
  }
  const yy = Number(m[1])
  const date = utcDate(yy < 50 ? 2000 + yy : 1900 + yy, Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6] ?? 0), offset)
  if (date === null) throw new InvalidTimeError(text)
  return date
}
