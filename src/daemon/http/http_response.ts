import type {ServerResponse} from 'node:http'

/**
 * The pages carry no scripts and load nothing from elsewhere; the policy
 * says so to the browser, so an injection that slipped through could run
 * nothing and send nothing away.
 */
export const PAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"

const COMMON_HEADERS: Record<string, string> = {
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  // Pages show mail: never kept by the browser or a proxy.
  'Cache-Control': 'no-store',
}

/** Responses of the web mail: security headers on every one. */
export function sendHtml(res: ServerResponse, status: number, html: string, headers: Record<string, string | string[]> = {}): void {
  send(res, status, 'text/html; charset=utf-8', html, {'Content-Security-Policy': PAGE_CSP, 'X-Frame-Options': 'DENY', ...headers})
}

export function sendJson(res: ServerResponse, status: number, value: unknown, headers: Record<string, string | string[]> = {}): void {
  send(res, status, 'application/json', `${JSON.stringify(value)}\n`, headers)
}

export function sendText(res: ServerResponse, status: number, text: string, headers: Record<string, string | string[]> = {}): void {
  send(res, status, 'text/plain; charset=utf-8', text.endsWith('\n') ? text : `${text}\n`, headers)
}

/** 303 after a form post (the browser then GETs), or a plain redirect. */
export function redirect(res: ServerResponse, location: string, headers: Record<string, string | string[]> = {}, status = 303): void {
  res.writeHead(status, {...COMMON_HEADERS, Location: location, 'Content-Length': '0', ...headers})
  res.end()
}

export function send(res: ServerResponse, status: number, type: string, body: string | Buffer, headers: Record<string, string | string[]> = {}): void {
  const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body
  res.writeHead(status, {...COMMON_HEADERS, 'Content-Type': type, 'Content-Length': String(bytes.length), ...headers})
  res.end(res.req.method === 'HEAD' ? undefined : bytes)
}
