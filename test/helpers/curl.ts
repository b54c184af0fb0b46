import {spawnSync} from 'node:child_process'
import {join} from 'node:path'

export interface CurlResponse {
  readonly status: number
  /** Header names lower case; repeated headers joined with "\n". */
  readonly headers: Map<string, string>
  readonly body: string
}

/**
 * One request by curl (a real HTTP client; every call is a new connection).
 * `jar` keeps cookies between calls as a browser would; `from` picks the
 * source address (127.0.0.2 ...), for access and proxy filters.
 */
export function curl(
  url: string,
  o: {jar?: string; from?: string; form?: Record<string, string>; headers?: Record<string, string>; cert?: {cert: string; key: string}; method?: string; saveBodyTo?: string} = {},
): CurlResponse {
  // saveBodyTo: the body's bytes go to that file as they came (binary downloads); body is then ''.
  const args = ['-s', '-k', '--max-time', '30', ...(o.saveBodyTo ? ['-D', '-', '-o', o.saveBodyTo] : ['-i'])]
  if (o.jar) args.push('-b', o.jar, '-c', o.jar)
  if (o.from) args.push('--interface', o.from)
  if (o.method) args.push('-X', o.method)
  for (const [k, v] of Object.entries(o.form ?? {})) args.push('--data-urlencode', `${k}=${v}`)
  for (const [k, v] of Object.entries(o.headers ?? {})) args.push('-H', `${k}: ${v}`)
  if (o.cert) args.push('--cert', o.cert.cert, '--key', o.cert.key)
  args.push(url)
  const r = spawnSync('curl', args, {encoding: 'utf8', timeout: 40_000})
  if (r.error) throw r.error
  if (r.status !== 0) throw new Error(`curl ${url} exited ${r.status}: ${r.stderr}`)
  const split = o.saveBodyTo ? r.stdout.lastIndexOf('\r\n\r\n') : r.stdout.indexOf('\r\n\r\n')
  const head = r.stdout.slice(0, split).split('\r\n')
  const headers = new Map<string, string>()
  for (const line of head.slice(1)) {
    const colon = line.indexOf(':')
    const name = line.slice(0, colon).trim().toLowerCase()
    const value = line.slice(colon + 1).trim()
    headers.set(name, headers.has(name) ? `${headers.get(name)}\n${value}` : value)
  }
  return {status: Number(/^HTTP\/[\d.]+ (\d{3})/.exec(head[0] ?? '')?.[1] ?? 0), headers, body: r.stdout.slice(split + 4)}
}

/** The CSRF token a page's forms carry. */
export function csrfOf(html: string): string {
  const m = /name="csrf" value="([^"]+)"/.exec(html)
  if (!m) throw new Error(`no CSRF token in the page: ${html.slice(0, 300)}`)
  return m[1]!
}

/** The value of one cookie in a curl cookie jar file (Netscape format), or null. */
export function cookieIn(jarText: string, name: string): string | null {
  for (const line of jarText.split('\n')) {
    const fields = line.replace(/^#HttpOnly_/, '').split('\t')
    if (fields.length >= 7 && fields[5] === name) return fields[6]!.trim()
  }
  return null
}

export const jarIn = (dir: string, name: string): string => join(dir, `${name}.cookies`)
