import {escapeHtml, layout} from './html.js'
import {humanSize} from './human_size.js'
import {shortDate} from './short_date.js'

/** One message in the inbox list. */
export interface InboxRow {
  uid: number
  /** Sender's display name, or address when there is none. */
  from: string
  subject: string
  date: Date | null
  /** Message size in bytes. */
  size: number
  seen: boolean
}

export interface InboxPageOptions {
  readonly user: string
  readonly csrf: string
  readonly rows: readonly InboxRow[]
  /** 1-based. */
  readonly page: number
  readonly pageCount: number
  /** Messages in the whole mailbox. */
  readonly total: number
  readonly notice?: string
  readonly now: Date
}

export function inboxPage(o: InboxPageOptions): string {
  const parts: string[] = ['<h1>Inbox</h1>']
  if (o.notice) parts.push(`<p role="status" class="notice">${escapeHtml(o.notice)}</p>`)
  if (o.rows.length === 0) {
    parts.push('<p id="empty">No messages</p>')
  } else {
    parts.push(
      '<table id="messages">',
      '<thead><tr><th scope="col">From</th><th scope="col">Subject</th><th scope="col">Date</th><th scope="col">Size</th></tr></thead>',
      '<tbody>',
      ...o.rows.map((row) => inboxRowHtml(row, o.now)),
      '</tbody>',
      '</table>',
    )
  }
  parts.push(paging(o.page, o.pageCount, o.total))
  return layout({title: 'Inbox', user: o.user, csrf: o.csrf, body: parts.join('\n')})
}

function inboxRowHtml(row: InboxRow, now: Date): string {
  const subject = row.subject.trim() === '' ? '(no subject)' : row.subject
  const cls = row.seen ? '' : ' class="unseen"'
  return (
    `<tr${cls}>` +
    `<td class="from">${escapeHtml(row.from)}</td>` +
    `<td class="subject"><a href="/message/${escapeHtml(String(row.uid))}">${escapeHtml(subject)}</a></td>` +
    `<td class="date">${escapeHtml(shortDate(row.date, now))}</td>` +
    `<td class="size">${escapeHtml(humanSize(row.size))}</td>` +
    `</tr>`
  )
}

function paging(page: number, pageCount: number, total: number): string {
  const pages = Math.max(1, pageCount)
  const links: string[] = []
  if (page > 1) links.push(`<a href="/inbox?page=${page - 1}" rel="prev">Previous</a>`)
  links.push(`<span>Page ${page} of ${pages} (${total} ${total === 1 ? 'message' : 'messages'})</span>`)
  if (page < pages) links.push(`<a href="/inbox?page=${page + 1}" rel="next">Next</a>`)
  return `<nav class="paging">${links.join('')}</nav>`
}
