import {headerValue, parseAddressList, parseHeader} from '../../../core/mime/index.js'
import {viewMessage} from './message_view.js'

/** What the compose form starts with when the user answers a message. */
export interface ReplyDraft {
  readonly to: string
  readonly subject: string
  readonly body: string
  /** The answered message's Message-ID, bare; null when it has no usable one. */
  readonly inReplyTo: string | null
  /** The thread so far (its References, then its own id), bare, at most MAX_REFERENCES. */
  readonly references: readonly string[]
}

/** Long threads keep their root and newest ids; the middle adds nothing a reader needs. */
const MAX_REFERENCES = 20
/** Quoting stops here: a reply to a huge message is not a copy of it. */
const MAX_QUOTED = 64 * 1024

/** A msg-id without its angle brackets: printable ASCII, no space, no brackets, one @ (RFC 5322 §3.6.4, loosely). */
const MESSAGE_ID = /^[\x21-\x3b\x3d\x3f-\x7e]+@[\x21-\x3b\x3d\x3f-\x7e]+$/

export function isMessageId(id: string): boolean {
  return id.length <= 250 && MESSAGE_ID.test(id)
}

/**
 * The reply to a message (RFC 5322 §3.6.4): to its Reply-To, else its From;
 * "Re: " once; the text quoted under an attribution line; In-Reply-To and
 * References for the thread. Never throws: what cannot be read is left empty.
 */
export function replyDraft(message: Buffer): ReplyDraft {
  const view = viewMessage(message)
  let to = ''
  let ids: {own: string | null; references: string[]} = {own: null, references: []}
  try {
    const header = parseHeader(message, 0, message.length)
    to = addresses(headerValue(header, 'reply-to') ?? headerValue(header, 'from'))
    ids = {own: bareIds(headerValue(header, 'message-id'))[0] ?? null, references: bareIds(headerValue(header, 'references') ?? headerValue(header, 'in-reply-to'))}
  } catch {
    // A header we cannot read: the user fills in the recipient.
  }
  const subject = /^\s*re\s*:/i.test(view.subject) ? view.subject : `Re: ${view.subject}`.trimEnd()
  const text = (view.text ?? '').slice(0, MAX_QUOTED).replace(/\n+$/, '')
  const quoted = text === '' ? '' : text.split('\n').map((line) => (line === '' ? '>' : `> ${line}`)).join('\n')
  const who = view.from || 'someone'
  const attribution = view.date === null ? `${who} wrote:` : `On ${view.date.toUTCString()}, ${who} wrote:`
  const thread = ids.own === null ? ids.references : [...ids.references.filter((id) => id !== ids.own), ids.own]
  return {
    to,
    subject,
    body: `\n\n${attribution}\n${quoted}\n`,
    inReplyTo: ids.own,
    references: thread.length > MAX_REFERENCES ? [thread[0]!, ...thread.slice(-(MAX_REFERENCES - 1))] : thread,
  }
}

/** The addresses of an address header, comma-separated, without names (which the reader may edit anyway). */
function addresses(raw: string | null): string {
  if (raw === null) return ''
  const out: string[] = []
  for (const a of parseAddressList(raw)) {
    for (const m of a.kind === 'group' ? a.members : [a]) if (m.domain !== null) out.push(`${m.localPart}@${m.domain}`)
  }
  return out.join(', ')
}

/** The msg-ids in a header (`<a@b> <c@d>`), bare, the unusable ones left out. */
function bareIds(raw: string | null): string[] {
  if (raw === null) return []
  return [...raw.matchAll(/<([^<>]*)>/g)].map((m) => m[1]!.trim()).filter(isMessageId)
}
