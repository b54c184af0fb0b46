import {escapeHtml, layout} from './html.js'

export interface ComposePageOptions {
  readonly user: string
  /** The address the message will be sent from. */
  readonly from: string
  readonly csrf: string
  readonly to?: string
  readonly subject?: string
  readonly body?: string
  readonly error?: string
  /** A reply: the answered message's id and the thread's, carried through the form as hidden fields. */
  readonly inReplyTo?: string | null
  readonly references?: readonly string[]
}

export function composePage(o: ComposePageOptions): string {
  const parts: string[] = [o.inReplyTo ? '<h1>Reply</h1>' : '<h1>New message</h1>']
  if (o.error) parts.push(`<p role="alert" class="error">${escapeHtml(o.error)}</p>`)
  parts.push(
    '<form method="post" action="/compose">',
    `<input type="hidden" name="csrf" value="${escapeHtml(o.csrf)}">`,
    ...(o.inReplyTo ? [`<input type="hidden" name="in_reply_to" value="${escapeHtml(o.inReplyTo)}">`] : []),
    ...(o.references?.length ? [`<input type="hidden" name="references" value="${escapeHtml(o.references.join(' '))}">`] : []),
    `<p>From: <span id="from">${escapeHtml(o.from)}</span></p>`,
    '<label for="to">To</label>',
    `<input type="text" name="to" id="to" autocomplete="off" spellcheck="false" required value="${escapeHtml(o.to ?? '')}">`,
    '<label for="subject">Subject</label>',
    `<input type="text" name="subject" id="subject" value="${escapeHtml(o.subject ?? '')}">`,
    '<label for="body">Message</label>',
    // The HTML parser drops one newline right after <textarea>: add one so a body's own leading newline survives.
    `<textarea name="body" id="body" rows="20">\n${escapeHtml(o.body ?? '')}</textarea>`,
    '<button type="submit" id="send">Send</button>',
    '</form>',
  )
  return layout({title: 'Compose', user: o.user, csrf: o.csrf, body: parts.join('\n')})
}
