import {FilterSyntaxError} from './filter_syntax_error.js'
import {parseHostPattern} from './host_pattern.js'
import {findListColon, splitRules, tokenize, type Span} from './tokenizer.js'
import {SERVICE_NAMES, type ClientPattern, type FilterRule, type FilterSet, type FilterWarning, type PatternList, type RuleAction, type ServiceName, type ServicePattern} from './types.js'
import {parseUserPattern} from './user_pattern.js'

/**
 * Parse a client access filter value (service.X.domainallowed,
 * domainnotallowed, proxydomainallowed, or the LDAP compact form
 * `+imap,pop:*$-http:ALL`). Rules are separated by newlines or `$`; each is
 * `[+|-] serviceList : clientList`. Throws FilterSyntaxError on the first
 * error; an empty value is an empty set (no rules).
 */
export function parseFilters(text: string): FilterSet {
  const warnings: FilterWarning[] = []
  const rules = splitRules(text).map((span) => parseRule(span, warnings))
  return {rules, warnings}
}

function parseRule(rule: Span, warnings: FilterWarning[]): FilterRule {
  let action: RuleAction = null
  let body = rule
  const sign = rule.text[0]
  if (sign === '+' || sign === '-') {
    action = sign === '+' ? 'allow' : 'deny'
    body = {text: rule.text.slice(1), offset: rule.offset + 1}
  }
  const colon = findListColon(body)
  if (colon < 0) {
    throw new FilterSyntaxError(rule.offset + 1, "missing ':' between the service list and the client list (write e.g. imap: ALL)")
  }
  const colonCol = body.offset + colon + 1
  const serviceTokens = tokenize({text: body.text.slice(0, colon), offset: body.offset})
  const clientTokens = tokenize({text: body.text.slice(colon + 1), offset: body.offset + colon + 1})
  if (serviceTokens.length === 0) {
    throw new FilterSyntaxError(colonCol, "empty service list before ':' (name services such as imap, pop, http, smtp, or ALL)")
  }
  if (clientTokens.length === 0) {
    throw new FilterSyntaxError(colonCol, "empty client list after ':' (name clients such as .siroe.com or 192.168., or ALL)")
  }
  return {
    action,
    column: rule.offset + 1,
    text: rule.text,
    services: parseList(serviceTokens, 0, (t) => parseServicePattern(t, warnings)),
    clients: parseList(clientTokens, 0, (t) => parseClientPattern(t, warnings)),
  }
}

function isExcept(token: Span): boolean {
  return token.text.length === 6 && token.text.toUpperCase() === 'EXCEPT'
}

/**
 * Entries from `from` up to the first EXCEPT; everything after it is the
 * except list, parsed the same way, so EXCEPT nests to the right.
 */
function parseList<T>(tokens: Span[], from: number, parseOne: (token: Span) => T): PatternList<T> {
  const include: T[] = []
  for (let i = from; i < tokens.length; i++) {
    const token = tokens[i] as Span
    if (!isExcept(token)) {
      include.push(parseOne(token))
      continue
    }
    if (include.length === 0) throw new FilterSyntaxError(token.offset + 1, 'EXCEPT needs a list before it (write e.g. ALL EXCEPT .siroe.com)')
    const next = tokens[i + 1]
    if (next === undefined) throw new FilterSyntaxError(token.offset + 1, 'EXCEPT needs a list after it')
    if (isExcept(next)) throw new FilterSyntaxError(token.offset + 1, 'EXCEPT needs a list after it, not another EXCEPT')
    return {include, except: parseList(tokens, i + 1, parseOne)}
  }
  return {include, except: null}
}

const SERVICE_SET: ReadonlySet<string> = new Set(SERVICE_NAMES)

/** `service` or `service@hostSpec`; `ALL` and `*` mean every service. */
function parseServicePattern(token: Span, warnings: FilterWarning[]): ServicePattern {
  const col = token.offset + 1
  if (token.text.startsWith('@')) {
    throw new FilterSyntaxError(col, `"${token.text}" has no service name before '@' (write e.g. imap@${token.text.slice(1)})`)
  }
  const at = token.text.indexOf('@')
  const nameText = at < 0 ? token.text : token.text.slice(0, at)
  const lower = nameText.toLowerCase()
  let service: ServiceName | 'all'
  if (lower === 'all' || lower === '*') {
    service = 'all'
  } else if (SERVICE_SET.has(lower)) {
    service = lower as ServiceName
  } else {
    throw new FilterSyntaxError(col, `unknown service "${nameText}" (use imap, pop, http, smtp or ALL)`)
  }
  if (at < 0) return {service, host: null}
  const hostText = token.text.slice(at + 1)
  if (hostText === '') {
    throw new FilterSyntaxError(col + at, `"${token.text}" needs a server host after '@' (write IPv6 server addresses in brackets: imap@[::1])`)
  }
  return {service, host: parseHostPattern({text: hostText, offset: token.offset + at + 1}, warnings)}
}

/**
 * `hostSpec` or `user@hostSpec`, split at the first '@' after the first
 * character: a leading '@' belongs to the host part (a netgroup).
 */
function parseClientPattern(token: Span, warnings: FilterWarning[]): ClientPattern {
  const at = token.text.indexOf('@', 1)
  if (at < 0) return {host: parseHostPattern(token, warnings), user: null}
  const hostText = token.text.slice(at + 1)
  if (hostText === '') {
    throw new FilterSyntaxError(token.offset + at + 1, `"${token.text}" needs a host after '@' (write ${token.text}ALL for any host)`)
  }
  const host = parseHostPattern({text: hostText, offset: token.offset + at + 1}, warnings)
  return {host, user: parseUserPattern(token.text.slice(0, at))}
}
