/** Cookie names and values as the web mail uses them (RFC 6265). */

/** `__Host-` binds the cookie to this host, path / and HTTPS (browsers enforce it). */
export const sessionCookieName = (secure: boolean): string => (secure ? '__Host-msgctl_sid' : 'msgctl_sid')

/** Name → value of a Cookie request header; the first of duplicate names wins. */
export function parseCookies(header: string | undefined): Map<string, string> {
  const cookies = new Map<string, string>()
  if (!header) return cookies
  for (const pair of header.split(';')) {
    const eq = pair.indexOf('=')
    const name = eq < 0 ? '' : pair.slice(0, eq).trim()
    if (name === '') continue
    let value = pair.slice(eq + 1).trim()
    if (value.startsWith('"') && value.endsWith('"') && value.length >= 2) value = value.slice(1, -1)
    if (!cookies.has(name)) cookies.set(name, value)
  }
  return cookies
}

/** The session cookie: never readable by scripts, never sent cross-site, HTTPS-only when served over HTTPS. */
export function sessionCookie(id: string, secure: boolean): string {
  return `${sessionCookieName(secure)}=${id}; Path=/; HttpOnly; SameSite=Strict${secure ? '; Secure' : ''}`
}

export function clearedSessionCookie(secure: boolean): string {
  return `${sessionCookieName(secure)}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0${secure ? '; Secure' : ''}`
}
