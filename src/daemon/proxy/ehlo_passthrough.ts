/**
 * Which EHLO keywords the front end shows its clients (the seed's
 * EhloKeywords). The proxy serves the SMTP dialogue itself, so the keywords
 * it implements are always there; others pass through from the relays only
 * when every relay offered them and they are in the default set or
 * local.proxy.ehlokeywords. Unknown ones are dropped.
 */

/** What the seed's SMTP proxy supports without being told. */
export const DEFAULT_PASSTHROUGH: readonly string[] = ['8BITMIME', 'PIPELINING', 'DSN', 'ENHANCEDSTATUSCODES', 'EXPN', 'HELP', 'XLOOP', 'ETRN', 'SIZE', 'STARTTLS', 'AUTH']

/** Implemented by the front end itself; what the relay says about them does not matter. */
const OWN = new Set(['8BITMIME', 'PIPELINING', 'ENHANCEDSTATUSCODES', 'HELP', 'SIZE', 'STARTTLS', 'AUTH'])
/** Never passed: a client must not talk to the relays' proxy extension. */
const NEVER = new Set(['XPROXYEHLO'])

/** Passed-through EHLO lines (keyword and the relay's parameters), in the relay's order. */
export function passedThroughKeywords(relayKeywords: ReadonlyMap<string, string>, extra: readonly string[]): string[] {
  const lines: string[] = []
  for (const [keyword, params] of relayKeywords) {
    if (OWN.has(keyword) || NEVER.has(keyword)) continue
    if (!DEFAULT_PASSTHROUGH.includes(keyword) && !extra.includes(keyword)) continue
    lines.push(params === '' ? keyword : `${keyword} ${params}`)
  }
  return lines
}

/** Keywords that are commands the front end forwards to a relay as they are (EXPN, ETRN, XLOOP, and extra ones such as TURN). */
export function forwardedVerbs(extra: readonly string[]): string[] {
  return [...new Set([...DEFAULT_PASSTHROUGH, ...extra])].filter((k) => !OWN.has(k) && !NEVER.has(k) && k !== 'DSN' && /^[A-Z][A-Z0-9-]{0,15}$/.test(k))
}

/** DSN's MAIL and RCPT parameters (RFC 3461), forwarded when the relays offer DSN. */
export const DSN_MAIL_PARAMETERS: readonly string[] = ['RET', 'ENVID']
export const DSN_RCPT_PARAMETERS: readonly string[] = ['NOTIFY', 'ORCPT']
