/**
 * Reverse- and forward-paths with ESMTP parameters (RFC 5321 §4.1.2,
 * §4.1.1.2-3): `<local@domain> KEY=value ...`. Local parts may be dot-atoms
 * or quoted strings; source routes (`<@a,@b:user@d>`) are accepted and
 * ignored as RFC 5321 §4.1.1.3 asks. A missing pair of angle brackets is
 * tolerated, as common clients get it wrong.
 */

export interface Mailbox {
  /** The local part's value (quotes and backslashes removed). */
  readonly localPart: string
  /** Lower-cased domain; null only for the bare `<postmaster>` recipient. */
  readonly domain: string | null
  /** The address as it should be written again: local part as sent, `@`, domain as sent. */
  readonly address: string
}

export interface EsmtpParameter {
  /** Upper case. */
  readonly keyword: string
  readonly value: string | null
}

export type PathParse =
  | {readonly ok: true; readonly mailbox: Mailbox | null; readonly params: readonly EsmtpParameter[]}
  | {readonly ok: false; readonly reason: string}

export interface PathOptions {
  /** MAIL FROM:<> (null reverse-path). */
  readonly allowNull: boolean
  /** RCPT TO:<postmaster> without a domain. */
  readonly allowPostmaster: boolean
}

// RFC 5321 §4.5.3.1: limits on the parts.
const MAX_LOCAL_PART = 64
const MAX_DOMAIN = 255
const MAX_PATH = 256

const DOT_STRING = /^[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~]+(?:\.[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~]+)*$/
const SUB_DOMAIN = /^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?$/
const KEYWORD = /^[A-Za-z0-9][A-Za-z0-9-]*$/
const VALUE = /^[\x21-\x3c\x3e-\x7e]+$/

/** Parse what follows `FROM:` or `TO:` (leading spaces allowed). */
export function parsePathWithParameters(text: string, options: PathOptions): PathParse {
  const input = text.replace(/^[ \t]+/, '')
  let pathText: string
  let rest: string
  if (input.startsWith('<')) {
    const close = findClosingBracket(input)
    if (close < 0) return {ok: false, reason: 'missing ">" after the address'}
    pathText = input.slice(1, close)
    rest = input.slice(close + 1)
    if (rest !== '' && !/^[ \t]/.test(rest)) return {ok: false, reason: 'text after ">" must be separated by a space'}
  } else {
    const space = input.search(/[ \t]/)
    pathText = space < 0 ? input : input.slice(0, space)
    rest = space < 0 ? '' : input.slice(space)
    if (pathText === '') return {ok: false, reason: 'missing address'}
  }
  if (pathText.length > MAX_PATH) return {ok: false, reason: 'address too long'}

  let mailbox: Mailbox | null
  if (pathText === '') {
    if (!options.allowNull) return {ok: false, reason: 'empty address not allowed here'}
    mailbox = null
  } else {
    const parsed = parseMailbox(stripSourceRoute(pathText), options.allowPostmaster)
    if (typeof parsed === 'string') return {ok: false, reason: parsed}
    mailbox = parsed
  }

  const params = parseParameters(rest)
  if (typeof params === 'string') return {ok: false, reason: params}
  return {ok: true, mailbox, params}
}

/** The index of the ">" closing the path, skipping over quoted strings. */
function findClosingBracket(input: string): number {
  let quoted = false
  for (let i = 1; i < input.length; i++) {
    const c = input[i]
    if (quoted) {
      if (c === '\\') i++
      else if (c === '"') quoted = false
    } else if (c === '"') quoted = true
    else if (c === '>') return i
  }
  return -1
}

/** `@a,@b:user@d` -> `user@d`. */
function stripSourceRoute(path: string): string {
  if (!path.startsWith('@')) return path
  const colon = path.indexOf(':')
  return colon < 0 ? path : path.slice(colon + 1)
}

/** A Mailbox, or the reason it is not one. */
export function parseMailbox(text: string, allowPostmaster = false): Mailbox | string {
  if (/[^\x20-\x7e]/.test(text)) return 'address contains non-ASCII or control characters'
  let localText: string
  let localPart: string
  let at: number
  if (text.startsWith('"')) {
    const quoted = readQuotedString(text)
    if (quoted === null) return 'bad quoted local part'
    localText = text.slice(0, quoted.end)
    localPart = quoted.value
    at = quoted.end
    if (text[at] !== '@') return at === text.length ? 'address needs a domain' : 'bad quoted local part'
  } else {
    at = text.lastIndexOf('@')
    if (at < 0) {
      if (allowPostmaster && text.toLowerCase() === 'postmaster') return {localPart: text, domain: null, address: text}
      return 'address needs a domain'
    }
    localText = text.slice(0, at)
    if (!DOT_STRING.test(localText)) return 'bad local part'
    localPart = localText
  }
  if (Buffer.byteLength(localPart) > MAX_LOCAL_PART) return 'local part longer than 64 octets'
  const domainText = text.slice(at + 1)
  if (!isDomainOrLiteral(domainText)) return 'bad domain'
  return {localPart, domain: domainText.toLowerCase(), address: `${localText}@${domainText}`}
}

function readQuotedString(text: string): {value: string; end: number} | null {
  let value = ''
  for (let i = 1; i < text.length; i++) {
    const c = text[i]!
    if (c === '\\') {
      const next = text[i + 1]
      if (next === undefined) return null
      value += next
      i++
    } else if (c === '"') {
      return {value, end: i + 1}
    } else {
      value += c
    }
  }
  return null
}

function isDomainOrLiteral(domain: string): boolean {
  if (domain.length === 0 || domain.length > MAX_DOMAIN) return false
  if (domain.startsWith('[')) return /^\[(?:\d{1,3}(?:\.\d{1,3}){3}|IPv6:[0-9A-Fa-f:.]+|[A-Za-z0-9-]*[A-Za-z0-9]:[\x21-\x5a\x5e-\x7e]+)\]$/.test(domain)
  return domain.split('.').every((label) => label.length <= 63 && SUB_DOMAIN.test(label))
}

function parseParameters(rest: string): EsmtpParameter[] | string {
  const params: EsmtpParameter[] = []
  for (const word of rest.split(/[ \t]+/)) {
    if (word === '') continue
    const eq = word.indexOf('=')
    const keyword = eq < 0 ? word : word.slice(0, eq)
    const value = eq < 0 ? null : word.slice(eq + 1)
    if (!KEYWORD.test(keyword)) return `bad parameter "${keyword.slice(0, 20)}"`
    if (value !== null && !VALUE.test(value)) return `bad value for ${keyword.toUpperCase()}`
    params.push({keyword: keyword.toUpperCase(), value})
  }
  return params
}
