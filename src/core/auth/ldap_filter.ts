/**
 * LDAP search filters built from a login: RFC 4515 value escaping and the
 * Sun `inetDomainSearchFilter` / `sasl.default.ldap.searchfilter` template.
 *
 * Tokens (Sun schema reference, as the daemon reference §3.9 settles it):
 *   %U  the user part of the login (before the last `@`; the whole login when it has none)
 *   %V  the domain part (after the last `@`, lower-cased; the default domain when it has none)
 *   %o  the original login, exactly as the client gave it
 *   %%  a literal `%`
 * Accepted aliases, because our parameter text and saslauthd users know them:
 *   %d = %V, %s = %o.
 * Every substituted value is escaped, so a login such as `*)(uid=*` stays one
 * literal assertion value and cannot widen or restructure the filter.
 */

/** The parts of a login a filter template can use. */
export interface LoginParts {
  /** User part, as given (LDAP matching rules decide case). */
  readonly user: string
  /** Domain part, lower-cased; '' when neither the login nor a default gives one. */
  readonly domain: string
  /** The login exactly as the client sent it. */
  readonly original: string
  /** Whether the domain came from the login itself (not from a default). */
  readonly domainGiven: boolean
}

/** The character that separates user and domain in a login. */
export const LOGIN_SEPARATOR = '@'

/**
 * Split a login at its last `@` (a user part may itself hold an `@` in some
 * directories; a domain never does).
 */
export function splitLogin(login: string, defaultDomain = ''): LoginParts {
  const at = login.lastIndexOf(LOGIN_SEPARATOR)
  if (at > 0 && at < login.length - 1) {
    return {user: login.slice(0, at), domain: login.slice(at + 1).toLowerCase(), original: login, domainGiven: true}
  }
  return {user: login, domain: defaultDomain.toLowerCase(), original: login, domainGiven: false}
}

/**
 * RFC 4515 §3 assertion-value escaping: `*`, `(`, `)`, `\` and NUL become
 * `\2a`, `\28`, `\29`, `\5c`, `\00`. Other UTF-8 text may stand as it is.
 */
export function escapeFilterValue(value: string): string {
  let out = ''
  for (const ch of value) {
    switch (ch) {
      case '*':
        out += '\\2a'
        break
      case '(':
        out += '\\28'
        break
      case ')':
        out += '\\29'
        break
      case '\\':
        out += '\\5c'
        break
      case '\0':
        out += '\\00'
        break
      default:
        out += ch
    }
  }
  return out
}

/** A filter template that cannot be used, with a sentence that says why. */
export class FilterTemplateError extends Error {
  override readonly name = 'FilterTemplateError'
}

/** Template text in a message: a domain entry's inetDomainSearchFilter comes from the directory, and its control characters must not split the log line. */
const printable = (text: string): string => text.replace(/[\x00-\x1f\x7f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`)
const quoted = (template: string): string => `"${printable(template)}"`

const TOKENS: Readonly<Record<string, (p: LoginParts) => string>> = {
  U: (p) => p.user,
  V: (p) => p.domain,
  d: (p) => p.domain,
  o: (p) => p.original,
  s: (p) => p.original,
}

/**
 * Check a template once (at configuration time), so a typo is reported when
 * the snapshot is built and not at the first login. Returns the template as
 * it will be used: a bare `uid=%U` is wrapped in parentheses, as the classic
 * server accepted it.
 */
export function checkFilterTemplate(template: string): string {
  const t = template.trim()
  if (t === '') throw new FilterTemplateError('The LDAP search filter is empty; give one such as (&(uid=%U)(objectclass=inetmailuser)).')
  const wrapped = t.startsWith('(') ? t : `(${t})`
  let depth = 0
  for (let i = 0; i < wrapped.length; i++) {
    const ch = wrapped[i]!
    if (ch === '%') {
      const next = wrapped[i + 1]
      if (next === '%') {
        i++
        continue
      }
      if (next === undefined || !(next in TOKENS)) {
        throw new FilterTemplateError(`The LDAP search filter ${quoted(template)} uses an unknown token %${printable(next ?? '')}; use %U (user), %V (domain), %o (login as given) or %% (a percent sign).`)
      }
      i++
    } else if (ch === '(') {
      depth++
    } else if (ch === ')') {
      depth--
      if (depth < 0) break
      if (depth === 0 && i !== wrapped.length - 1) {
        throw new FilterTemplateError(`The LDAP search filter ${quoted(template)} has text after its closing parenthesis; combine several conditions with (&(...)(...)).`)
      }
    }
  }
  if (depth !== 0) throw new FilterTemplateError(`The LDAP search filter ${quoted(template)} has unbalanced parentheses.`)
  return wrapped
}

/** Expand a template for one login, escaping every substituted value. */
export function expandFilterTemplate(template: string, parts: LoginParts): string {
  const checked = checkFilterTemplate(template)
  return checked.replace(/%(.)/g, (_match, token: string) => (token === '%' ? '%' : escapeFilterValue(TOKENS[token]!(parts))))
}

/**
 * Filter for a domain entry: Sun schema 2 names a domain in
 * `sunPreferredDomain` (and aliases in `associatedDomain`); schema 1 DC-tree
 * nodes carry `associatedDomain`. A server that lacks one of the attribute
 * types evaluates that half as Undefined, which an OR tolerates.
 */
export function domainFilter(domain: string): string {
  const d = escapeFilterValue(domain.toLowerCase())
  return `(|(sunPreferredDomain=${d})(associatedDomain=${d}))`
}
