import {randomBytes} from 'node:crypto'
import {parseMailbox} from '../../smtp/address.js'
import {formatRfc5322Date} from '../../smtp/rfc5322_date.js'
import {encodeWords} from './encoded_words.js'
import {foldTokens, oneLine, unstructuredHeader} from './header_folding.js'
import {encodeQuotedPrintable} from './quoted_printable.js'

/** More than this in one message is more likely a mistake (or abuse) than a mailing. */
export const MAX_RECIPIENTS = 100

export type RecipientParse = {ok: true; addresses: string[]} | {ok: false; error: string}

const LOCAL_NAME = /^[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~]+(?:\.[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~]+)*$/
const NAMED_ADDRESS = /^(?:"(?:[^"\\]|\\.)*"|[^"<>]*)\s*<([^<>]*)>$/s

/**
 * The compose form's To field: addresses separated by commas, semicolons
 * or white space; each `local@domain`, a bare local name (a user here), or
 * `Name <local@domain>`. Duplicates (ignoring case) are dropped.
 */
export function parseRecipients(text: string): RecipientParse {
  // Tab is a harmless separator; every other control character is refused outright.
  if (/[\x00-\x08\x0a-\x1f\x7f\u0080-\u009f\u2028\u2029]/.test(text)) {
    return {ok: false, error: 'Recipients must not contain line breaks or control characters.'}
  }
  const addresses: string[] = []
  const seen = new Set<string>()
  const add = (address: string): void => {
    const key = address.toLowerCase()
    if (!seen.has(key)) {
      seen.add(key)
      addresses.push(address)
    }
  }
  for (const entry of splitEntries(text)) {
    const named = entry.includes('<') || entry.includes('>') ? NAMED_ADDRESS.exec(entry) : null
    if (named !== null) {
      const problem = addressProblem(named[1]!.trim())
      if (problem !== null) return {ok: false, error: `"${entry}" is not a valid address: ${problem}.`}
      add(named[1]!.trim())
      continue
    }
    for (const word of entry.split(/\s+/)) {
      if (word === '') continue
      const problem = addressProblem(word)
      if (problem !== null) return {ok: false, error: `"${word}" is not a valid address: ${problem}.`}
      add(word)
    }
  }
  if (addresses.length === 0) return {ok: false, error: 'Enter at least one recipient.'}
  if (addresses.length > MAX_RECIPIENTS) return {ok: false, error: `Too many recipients (${addresses.length}): at most ${MAX_RECIPIENTS} are allowed.`}
  return {ok: true, addresses}
}

/** Split at commas and semicolons that are not inside quotes or angle brackets. */
function splitEntries(text: string): string[] {
  const entries: string[] = []
  let current = ''
  let quoted = false
  let angle = false
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!
    if (quoted) {
      if (c === '\\' && i + 1 < text.length) current += c + text[++i]!
      else {
        if (c === '"') quoted = false
        current += c
      }
      continue
    }
    if (c === '"') quoted = true
    else if (c === '<') angle = true
    else if (c === '>') angle = false
    else if ((c === ',' || c === ';') && !angle) {
      entries.push(current.trim())
      current = ''
      continue
    }
    current += c
  }
  entries.push(current.trim())
  return entries.filter((e) => e !== '')
}

/** Why `address` is not usable, or null when it is. */
function addressProblem(address: string): string | null {
  if (address === '') return 'the address is empty'
  if (!address.includes('@')) return LOCAL_NAME.test(address) && address.length <= 64 ? null : 'not a user name or an address'
  const parsed = parseMailbox(address)
  return typeof parsed === 'string' ? parsed : null
}

export interface ComposeOptions {
  /** The sender's address. */
  readonly from: string
  readonly fromName?: string
  /** Addresses as parseRecipients returned them. */
  readonly to: readonly string[]
  readonly subject: string
  readonly body: string
  readonly date: Date
  /** For the Message-ID. */
  readonly hostname: string
  /** Without angle brackets; a random one is made when missing. */
  readonly messageId?: string
  /** A reply: the answered message's id and the thread's, without angle brackets (reply_draft.ts checks them). */
  readonly inReplyTo?: string
  readonly references?: readonly string[]
}

/**
 * The RFC 5322 message a web mail user sends: CRLF line ends, headers in
 * ASCII (non-ASCII text as encoded words), the body as UTF-8 text in
 * quoted-printable so no line is too long for SMTP. Throws when an address
 * or the Message-ID could break the header: those come from our own code,
 * which must have validated them already.
 */
export function composeMessage(o: ComposeOptions): Buffer {
  if (o.to.length === 0) throw new Error('a message needs at least one recipient')
  const from = headerAddress(o.from)
  const to = o.to.map(headerAddress)
  const host = o.hostname.replace(/[^A-Za-z0-9.-]/g, '') || 'localhost'
  const id = o.messageId === undefined ? `${randomBytes(16).toString('hex')}@${host}` : messageIdText(o.messageId)

  const header = [
    `Date: ${formatRfc5322Date(o.date)}`,
    foldTokens('From', [...displayName(o.fromName ?? ''), `<${from}>`], ''),
    foldTokens('To', to, ','),
    unstructuredHeader('Subject', o.subject),
    `Message-ID: <${id}>`,
    ...(o.inReplyTo === undefined ? [] : [`In-Reply-To: <${messageIdText(o.inReplyTo)}>`]),
    ...(o.references === undefined || o.references.length === 0 ? [] : [foldTokens('References', o.references.map((r) => `<${messageIdText(r)}>`), '')]),
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: quoted-printable',
    'X-Mailer: msgctl web mail',
  ]
  const body = encodeQuotedPrintable(o.body)
  return Buffer.from(`${header.join('\r\n')}\r\n\r\n${body}${body.endsWith('\r\n') ? '' : '\r\n'}`, 'utf8')
}

/** A From display name as phrase tokens: atoms as they are, other ASCII quoted, the rest encoded words. */
function displayName(name: string): string[] {
  const text = oneLine(name)
  if (text === '') return []
  if (/^[\x20-\x7e]*$/.test(text) && !text.includes('=?')) {
    if (/^[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~ ]+$/.test(text)) return [text]
    return [`"${text.replace(/["\\]/g, '\\$&')}"`]
  }
  return encodeWords(text)
}

function headerAddress(address: string): string {
  if (/[\x00-\x20\x7f<>,;]/.test(address) || address === '') throw new Error(`not a usable address for a header: ${JSON.stringify(address)}`)
  return address
}

function messageIdText(id: string): string {
  const bare = id.replace(/^<|>$/g, '')
  if (!/^[\x21-\x3b\x3d\x3f-\x7e]+$/.test(bare)) throw new Error(`not a usable Message-ID: ${JSON.stringify(id)}`)
  return bare
}
