import {formatRfc5322Date} from '../../smtp/rfc5322_date.js'
import {escapeHtml, layout} from './html.js'
import {humanSize} from './human_size.js'
import type {MessageView} from './message_view.js'

export interface MessagePageOptions {
  readonly user: string
  readonly csrf: string
  readonly uid: number
  readonly view: MessageView
}

export function messagePage(o: MessagePageOptions): string {
  const {view} = o
  const uid = escapeHtml(String(o.uid))
  const subject = view.subject.trim() === '' ? '(no subject)' : view.subject
  const parts: string[] = [`<h1 id="subject">${escapeHtml(subject)}</h1>`, headerList(view)]

  // The HTML part comes from its own URL into a bare-sandbox iframe: opaque origin, no scripts, no forms.
  const iframe = `<iframe sandbox src="/message/${uid}/html" title="HTML version" id="html-part"></iframe>`
  if (view.html !== null && view.text !== null) {
    parts.push(iframe, `<details><summary>Plain text version</summary>\n${textBody(view.text)}</details>`)
  } else if (view.html !== null) {
    parts.push(iframe)
  } else if (view.text !== null) {
    parts.push(textBody(view.text))
  } else {
    parts.push('<p id="no-body">This message has no text to show.</p>')
  }

  if (view.attachments.length > 0) {
    parts.push(
      '<h2>Attachments</h2>',
      '<ul id="attachments">',
      ...view.attachments.map(
        (a) =>
          `<li><a class="filename" href="/message/${uid}/part/${a.index}" download>${escapeHtml(a.filename)}</a> (${escapeHtml(a.contentType)}, ${escapeHtml(humanSize(a.size))})</li>`,
      ),
      '</ul>',
    )
  }

  parts.push(
    '<div class="actions">',
    '<a href="/inbox">Back to inbox</a>',
    `<a href="/compose?reply=${uid}" id="reply">Reply</a>`,
    `<form method="post" action="/message/${uid}/delete">`,
    `<input type="hidden" name="csrf" value="${escapeHtml(o.csrf)}">`,
    '<button type="submit" id="delete">Delete</button>',
    '</form>',
    '</div>',
  )
  return layout({title: subject, user: o.user, csrf: o.csrf, body: parts.join('\n')})
}

function headerList(view: MessageView): string {
  const rows: Array<[string, string]> = [
    ['From', view.from],
    ['To', view.to],
  ]
  if (view.cc !== '') rows.push(['Cc', view.cc])
  rows.push(['Date', view.date === null ? '' : formatRfc5322Date(view.date)])
  return `<dl class="headers">${rows.map(([k, v]) => `<dt>${k}</dt><dd id="${k.toLowerCase()}">${escapeHtml(v)}</dd>`).join('')}</dl>`
}

function textBody(text: string): string {
  // As with <textarea>, a newline right after <pre> is eaten by the parser: give it one to eat.
  return `<pre id="body">\n${escapeHtml(text)}</pre>`
}
