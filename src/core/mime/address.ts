import type {BinaryString} from './header.js'

/**
 * RFC 5322 §3.4 address lists: mailboxes (`Name <local@domain>`,
 * `local@domain (Comment)`), groups (`Team: a@b, c@d;`), obsolete routes
 * (`<@relay,@relay2:local@domain>`). Tolerant: whatever cannot be read as
 * an address is skipped, never an error. Text stays raw (encoded words are
 * not decoded: IMAP's ENVELOPE sends them as they are).
 */
export interface Mailbox {
  readonly kind: 'mailbox'
  /** Display name, unquoted; a trailing comment stands in when there is none. */
  readonly name: BinaryString | null
  /** Obsolete source route, e.g. "@relay1,@relay2". */
  readonly route: BinaryString | null
  readonly localPart: BinaryString
  /** Null when the address has no "@domain". */
  readonly domain: BinaryString | null
}

export interface Group {
  readonly kind: 'group'
  readonly name: BinaryString
  readonly members: readonly Mailbox[]
}

export type Address = Mailbox | Group

type TokenKind = 'word' | 'quoted' | 'literal' | 'special'
interface Token {
  readonly kind: TokenKind
  /** Text as it should be used: quoted strings unescaped, specials as the character. */
  readonly text: string
  /** Text as written (quoted strings keep their quotes). */
  readonly raw: string
  /** Offsets in the text, to tell `first.last` from `Q. Public`. */
  readonly start: number
  readonly end: number
  /** A comment that followed this token, if any. */
  comment: string | null
}

const SPECIALS = '<>@,;:.[]'

export function parseAddressList(text: BinaryString): Address[] {
  const tokens = tokenize(text)
  const out: Address[] = []
  let i = 0
  while (i < tokens.length) {
    if (isSpecial(tokens[i], ',')) {
      i++
      continue
    }
    // A group is a phrase followed by ":" before any "<", "@" or ",".
    let j = i
    while (j < tokens.length && tokens[j]!.kind !== 'special') j++
    if (j < tokens.length && isSpecial(tokens[j], ':') && j > i) {
      const name = phrase(tokens.slice(i, j))
      i = j + 1
      const members: Mailbox[] = []
      while (i < tokens.length && !isSpecial(tokens[i], ';')) {
        if (isSpecial(tokens[i], ',')) {
          i++
          continue
        }
        const [mailbox, next] = readMailbox(tokens, i, true)
        if (mailbox) members.push(mailbox)
        i = next
      }
      i++ // the ";"
      out.push({kind: 'group', name, members})
      continue
    }
    const [mailbox, next] = readMailbox(tokens, i, false)
    if (mailbox) out.push(mailbox)
    i = next
  }
  return out
}

/** One mailbox from tokens[i]; returns it (or null) and the index after it. */
function readMailbox(tokens: Token[], i: number, inGroup: boolean): [Mailbox | null, number] {
  const ends = (t: Token | undefined): boolean => isSpecial(t, ',') || (inGroup && isSpecial(t, ';'))
  let j = i
  while (j < tokens.length && !ends(tokens[j]) && !isSpecial(tokens[j], '<')) j++
  if (isSpecial(tokens[j], '<')) {
    const name = j > i ? phrase(tokens.slice(i, j)) : null
    let k = j + 1
    while (k < tokens.length && !isSpecial(tokens[k], '>')) k++
    const inner = tokens.slice(j + 1, k)
    let next = k + 1
    while (next < tokens.length && !ends(tokens[next])) next++
    const spec = addrSpec(inner, true)
    const comment = tokens[k]?.comment ?? null
    return [{kind: 'mailbox', name: name || (comment ?? null), route: spec.route, localPart: spec.localPart, domain: spec.domain}, next]
  }
  const spec = tokens.slice(i, j)
  if (spec.length === 0) return [null, j]
  const parsed = addrSpec(spec, false)
  const comment = spec[spec.length - 1]!.comment
  return [{kind: 'mailbox', name: comment, route: null, localPart: parsed.localPart, domain: parsed.domain}, j]
}

function addrSpec(tokens: Token[], angle: boolean): {route: string | null; localPart: string; domain: string | null} {
  let route: string | null = null
  let rest = tokens
  if (angle && isSpecial(tokens[0], '@')) {
    const colon = tokens.findIndex((t) => isSpecial(t, ':'))
    if (colon !== -1) {
      route = tokens.slice(0, colon).map((t) => t.raw).join('')
      rest = tokens.slice(colon + 1)
    }
  }
  let at = -1
  for (let k = rest.length - 1; k >= 0; k--)
    if (isSpecial(rest[k], '@')) {
      at = k
      break
    }
  const join = (ts: Token[]): string => ts.map((t) => t.raw).join('')
  if (at === -1) return {route, localPart: join(rest), domain: null}
  return {route, localPart: join(rest.slice(0, at)), domain: join(rest.slice(at + 1))}
}

/** Words of a display name, joined by single spaces. */
function phrase(tokens: Token[]): string {
  return tokens
    .map((t) => t.text)
    .join(' ')
    .replace(/ \. /g, '. ')
    .trim()
}

function isSpecial(t: Token | undefined, ch: string): boolean {
  return t !== undefined && t.kind === 'special' && t.text === ch
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = []
  let pos = 0
  const push = (kind: TokenKind, value: string, raw: string, start: number): void => {
    tokens.push({kind, text: value, raw, start, end: pos, comment: null})
  }
  while (pos < text.length) {
    const ch = text[pos]!
    // A stray ")" closes no comment; skipped like white space (a word cannot start with it).
    if (ch === ' ' || ch === '\t' || ch === '\r' || ch === '\n' || ch === ')') {
      pos++
    } else if (ch === '(') {
      let depth = 0
      const start = pos
      while (pos < text.length) {
        const c = text[pos++]
        if (c === '\\') pos++
        else if (c === '(') depth++
        else if (c === ')' && --depth === 0) break
      }
      const comment = text.slice(start + 1, pos - 1).trim()
      const last = tokens[tokens.length - 1]
      if (last && comment !== '') last.comment = comment
    } else if (ch === '"') {
      const start = pos++
      let value = ''
      while (pos < text.length && text[pos] !== '"') {
        if (text[pos] === '\\' && pos + 1 < text.length) pos++
        value += text[pos++]
      }
      pos++
      push('quoted', value, text.slice(start, Math.min(pos, text.length)), start)
    } else if (ch === '[') {
      const close = text.indexOf(']', pos)
      const end = close === -1 ? text.length : close + 1
      const start = pos
      pos = end
      push('literal', text.slice(start, end), text.slice(start, end), start)
    } else if (SPECIALS.includes(ch)) {
      pos++
      push('special', ch, ch, pos - 1)
    } else {
      const start = pos
      while (pos < text.length && !' \t\r\n()"'.includes(text[pos]!) && !SPECIALS.includes(text[pos]!)) pos++
      push('word', text.slice(start, pos), text.slice(start, pos), start)
    }
  }
  return mergeDots(tokens)
}

/**
 * Dots touching words belong to them (`first.last`, `Q.` in `John Q. Public`):
 * join adjacent word/dot runs into one word so names and local parts read whole.
 */
function mergeDots(tokens: Token[]): Token[] {
  const out: Token[] = []
  for (const t of tokens) {
    const last = out[out.length - 1]
    const joinable = (x: Token): boolean => x.kind === 'word' || (x.kind === 'special' && x.text === '.')
    if (last && joinable(last) && joinable(t) && last.end === t.start && last.comment === null) {
      out[out.length - 1] = {kind: 'word', text: last.text + t.text, raw: last.raw + t.raw, start: last.start, end: t.end, comment: t.comment}
    } else {
      out.push(t.kind === 'special' && t.text === '.' ? {...t, kind: 'word'} : t)
    }
  }
  return out
}
