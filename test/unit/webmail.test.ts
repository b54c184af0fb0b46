import assert from 'node:assert/strict'
import {test} from 'node:test'
import {composeMessage, parseRecipients} from '../../src/daemon/http/webmail/compose_message.js'
import {composePage} from '../../src/daemon/http/webmail/compose_page.js'
import {attachmentDisposition} from '../../src/daemon/http/webmail/content_disposition.js'
import {decodeHeaderText} from '../../src/daemon/http/webmail/encoded_words.js'
import {escapeHtml, layout} from '../../src/daemon/http/webmail/html.js'
import {humanSize} from '../../src/daemon/http/webmail/human_size.js'
import {inboxPage, type InboxRow} from '../../src/daemon/http/webmail/inbox_page.js'
import {loginPage} from '../../src/daemon/http/webmail/login_page.js'
import {messagePage} from '../../src/daemon/http/webmail/message_page.js'
import {attachmentContent, HTML_PART_CSP, htmlPartDocument, inboxRow, viewMessage, type MessageView} from '../../src/daemon/http/webmail/message_view.js'
import {decodeQuotedPrintable, encodeQuotedPrintable} from '../../src/daemon/http/webmail/quoted_printable.js'
import {isMessageId, replyDraft} from '../../src/daemon/http/webmail/reply_draft.js'

const crlf = (lines: string[]): Buffer => Buffer.from(lines.join('\r\n'), 'latin1')
const XSS = '<script>alert(1)</script>'
const now = new Date(2026, 2, 15, 12, 0, 0)

function emptyView(over: Partial<MessageView> = {}): MessageView {
  return {from: 'a@b', to: 'c@d', cc: '', subject: 's', date: null, messageId: '', text: 'hi', html: null, attachments: [], ...over}
}

/** The values of every header field named `name` in a composed message. */
function headerLines(msg: Buffer): string[] {
  const text = msg.toString('latin1')
  return text.slice(0, text.indexOf('\r\n\r\n')).split('\r\n')
}

test('escapeHtml escapes the five special characters', () => {
  assert.equal(escapeHtml(`&<>"'x`), '&amp;&lt;&gt;&quot;&#39;x')
})

test('a script in a subject or sender is escaped in the inbox and message pages', () => {
  const row: InboxRow = {uid: 7, from: XSS, subject: XSS, date: now, size: 10, seen: true}
  const inbox = inboxPage({user: 'u', csrf: 'c', rows: [row], page: 1, pageCount: 1, total: 1, now})
  const message = messagePage({user: 'u', csrf: 'c', uid: 7, view: emptyView({subject: XSS, from: XSS, text: XSS})})
  for (const page of [inbox, message]) {
    assert.ok(!page.includes('<script'), 'raw script tag in page')
    assert.ok(page.includes('&lt;script&gt;alert(1)&lt;/script&gt;'))
  }
  assert.match(message, /<h1 id="subject">&lt;script&gt;/)
})

test('layout: header bar, navigation and an escaped logout csrf only for a user', () => {
  const page = layout({title: 'T', user: 'bob"', csrf: '"><x', body: '<p>b</p>'})
  assert.match(page, /^<!DOCTYPE html>/)
  assert.ok(page.includes('<meta charset="utf-8">'))
  assert.ok(page.includes('msgctl web mail'))
  assert.ok(page.includes('<form method="post" action="/logout"><input type="hidden" name="csrf" value="&quot;&gt;&lt;x">'))
  assert.ok(page.includes('href="/inbox"') && page.includes('href="/compose"') && page.includes('bob&quot;'))
  assert.ok(!/<script|\son\w+=/i.test(page))
  const anonymous = layout({title: 'T', body: ''})
  assert.ok(!anonymous.includes('/logout') && !anonymous.includes('/compose'))
})

test('RFC 2047: B and Q words, latin1, adjacent words joined, unknown charset kept', () => {
  assert.equal(decodeHeaderText('=?utf-8?B?w6lsw6h2ZQ==?='), 'élève')
  assert.equal(decodeHeaderText('=?ISO-8859-1?Q?caf=E9_cr=E8me?='), 'café crème')
  assert.equal(decodeHeaderText('=?utf-8?q?a?= =?utf-8?q?b?=\t =?latin1?Q?c?='), 'abc')
  assert.equal(decodeHeaderText('Re: =?us-ascii?Q?hello?= world'), 'Re: hello world')
  // One character split across two words decodes whole.
  assert.equal(decodeHeaderText('=?utf-8?B?w6k=?= =?utf-8?B?w6k=?='), 'éé')
  assert.equal(decodeHeaderText('=?utf-8?B?4oI=?= =?utf-8?B?rA==?='), '€')
  assert.equal(decodeHeaderText('=?x-unknown?Q?abc?= =?utf-8?Q?d?='), '=?x-unknown?Q?abc?= d')
  // Raw UTF-8 bytes in a header (RFC 6532).
  assert.equal(decodeHeaderText(Buffer.from('Grüße', 'utf8').toString('latin1')), 'Grüße')
})

test('viewMessage: headers decoded and unfolded, date and message id read', () => {
  const view = viewMessage(
    crlf([
      'From: =?utf-8?Q?J=C3=BCrgen?= <j@example.org>',
      'To: "Doe, Jane" <jane@example.com>, bob@example.com',
      'Cc: team: x@y;',
      'Subject: =?utf-8?B?SGVsbG8g?=',
      ' =?utf-8?B?d29ybGQ=?=',
      'Date: Tue, 01 Dec 2026 09:05:03 +0100 (CET)',
      'Message-ID: <abc@host>',
      '',
      'body',
    ]),
  )
  assert.equal(view.from, 'Jürgen <j@example.org>')
  assert.equal(view.to, 'Doe, Jane <jane@example.com>, bob@example.com')
  assert.equal(view.cc, 'team: x@y;')
  assert.equal(view.subject, 'Hello world')
  assert.equal(view.date?.toISOString(), '2026-12-01T08:05:03.000Z')
  assert.equal(view.messageId, '<abc@host>')
  assert.equal(view.text, 'body')
  assert.equal(view.html, null)
})

test('multipart/alternative gives both the text and the HTML part', () => {
  const view = viewMessage(
    crlf([
      'Content-Type: multipart/alternative; boundary="b1"',
      '',
      '--b1',
      'Content-Type: text/plain; charset=utf-8',
      '',
      'plain text',
      '--b1',
      'Content-Type: text/html; charset=utf-8',
      '',
      '<p>html text</p>',
      '--b1--',
      '',
    ]),
  )
  assert.equal(view.text, 'plain text')
  assert.equal(view.html, '<p>html text</p>')
  assert.deepEqual(view.attachments, [])
})

test('an HTML-only message has no text', () => {
  const view = viewMessage(crlf(['Content-Type: text/html; charset=utf-8', '', '<b>x</b>']))
  assert.equal(view.text, null)
  assert.equal(view.html, '<b>x</b>')
})

const PDF = Buffer.alloc(1000, 0xab)
const MIXED = crlf([
  'Content-Type: multipart/mixed; boundary=outer',
  '',
  '--outer',
  'Content-Type: multipart/alternative; boundary=inner',
  '',
  '--inner',
  'Content-Type: text/plain',
  '',
  'see attached',
  '--inner',
  'Content-Type: text/html',
  '',
  '<p>see attached</p>',
  '--inner--',
  '--outer',
  'Content-Type: application/pdf; name="ignored.pdf"',
  "Content-Disposition: attachment; filename*=utf-8''r%C3%A9sum%C3%A9.pdf",
  'Content-Transfer-Encoding: base64',
  '',
  PDF.toString('base64').replace(/.{76}/g, '$&\r\n'),
  '--outer',
  'Content-Type: text/plain; name="notes.txt"',
  '',
  'second text',
  '--outer',
  'Content-Type: text/plain',
  'Content-Disposition: attachment; filename="=?utf-8?Q?caf=C3=A9.txt?="',
  '',
  'x',
  '--outer--',
])

test('multipart/mixed: first text is the body; base64 attachment and later text parts are listed with decoded sizes', () => {
  const view = viewMessage(MIXED)
  assert.equal(view.text, 'see attached')
  assert.equal(view.html, '<p>see attached</p>')
  assert.deepEqual(view.attachments, [
    {index: 2, filename: 'résumé.pdf', contentType: 'application/pdf', size: 1000},
    {index: 3, filename: 'notes.txt', contentType: 'text/plain', size: 11},
    {index: 4, filename: 'café.txt', contentType: 'text/plain', size: 1},
  ])
})

test('attachmentContent: an attachment by its index, decoded; body parts, unknown indexes and unreadable input give null', () => {
  const pdf = attachmentContent(MIXED, 2)
  assert.equal(pdf?.attachment.filename, 'résumé.pdf')
  assert.ok(pdf?.body.equals(PDF), 'the base64 part comes back as its bytes')
  assert.equal(attachmentContent(MIXED, 3)?.body.toString(), 'second text')
  assert.equal(attachmentContent(MIXED, 0), null, 'the text body is not an attachment')
  assert.equal(attachmentContent(MIXED, 1), null, 'nor is the HTML body')
  assert.equal(attachmentContent(MIXED, 5), null)
  assert.equal(attachmentContent(Buffer.from('no header end'), 0), null)
})

test('attachmentDisposition: always attachment; the exact name in filename*, an ASCII stand-in in filename', () => {
  assert.equal(attachmentDisposition('résumé "2026".pdf'), `attachment; filename="resume _2026_.pdf"; filename*=UTF-8''r%C3%A9sum%C3%A9%20%222026%22.pdf`)
  assert.equal(attachmentDisposition('../etc\\passwd 100%'), `attachment; filename=".._etc_passwd 100_"; filename*=UTF-8''..%2Fetc%5Cpasswd%20100%25`)
  assert.equal(attachmentDisposition('a\r\nSet-Cookie: x'), `attachment; filename="a Set-Cookie: x"; filename*=UTF-8''a%20Set-Cookie%3A%20x`)
  assert.equal(attachmentDisposition('日本.txt'), `attachment; filename="__.txt"; filename*=UTF-8''%E6%97%A5%E6%9C%AC.txt`)
  assert.equal(attachmentDisposition(' \x00 '), `attachment; filename="attachment"; filename*=UTF-8''attachment`)
})

test('quoted-printable and base64 bodies are decoded, then their charset', () => {
  const qp = viewMessage(
    crlf(['Content-Type: text/plain; charset=iso-8859-1', 'Content-Transfer-Encoding: quoted-printable', '', 'caf=E9 =3D soft=', 'break  ', 'end']),
  )
  assert.equal(qp.text, 'café = softbreak\nend')
  const b64 = viewMessage(crlf(['Content-Type: text/plain; charset="UTF-8"', 'Content-Transfer-Encoding: BASE64', '', Buffer.from('Grüße\r\nzwei').toString('base64')]))
  assert.equal(b64.text, 'Grüße\nzwei')
  // Node 20's own windows-1252 decoder gets 0x80-0x9F wrong; ours must not.
  const cp1252 = viewMessage(Buffer.concat([crlf(['Content-Type: text/plain; charset=windows-1252', '', '']), Buffer.from([0x80, 0x20, 0x93, 0x71, 0x94])]))
  assert.equal(cp1252.text, '€ “q”')
  assert.equal(viewMessage(crlf(['Subject: =?iso-8859-1?Q?=80_caf=E9?=', '', ''])).subject, '€ café')
  const unknown = viewMessage(crlf(['Content-Type: text/plain; charset=x-nonsense', '', 'ok \xff']))
  assert.equal(unknown.text, 'ok \ufffd')
})

test('malformed messages never throw and fall back to showing text', () => {
  let seed = 12345
  const random = (): number => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648
  for (let i = 0; i < 300; i++) {
    const bytes = Buffer.alloc(Math.floor(random() * 400), 0)
    for (let j = 0; j < bytes.length; j++) bytes[j] = Math.floor(random() * 256)
    // Sprinkle structure so the parser's multipart paths are reached too.
    const prefix = i % 2 === 0 ? crlf(['Content-Type: multipart/mixed; boundary=x', '', '--x', '']) : Buffer.alloc(0)
    const view = viewMessage(Buffer.concat([prefix, bytes]))
    assert.equal(typeof view.subject, 'string')
  }
  assert.doesNotThrow(() => viewMessage(Buffer.alloc(0)))
  const truncated = viewMessage(crlf(['Content-Transfer-Encoding: base64', '', 'aGVsbG8gd29y!!bGQ']))
  assert.equal(truncated.text, 'hello world')
  const noBoundary = viewMessage(crlf(['Content-Type: multipart/mixed', '', '--x', 'raw']))
  assert.equal(noBoundary.text, '--x\nraw')
  const unclosed = viewMessage(crlf(['Content-Type: multipart/mixed; boundary=x', '', '--x', 'Content-Type: text/plain', '', 'cut off']))
  assert.equal(unclosed.text, 'cut off')
  const noHeader = viewMessage(Buffer.from('just some text\nwith no header'))
  assert.equal(noHeader.text, 'just some text\nwith no header')
})

test('inboxRow reads sender name, subject and date from the header only', () => {
  const row = inboxRow(3, crlf(['From: "Ann" <ann@x.org>', 'Subject: =?utf-8?Q?=E2=9C=93_done?=', 'Date: 15 Mar 2026 10:30:00 +0000', '', '']), 2048, false)
  assert.deepEqual({...row, date: row.date?.toISOString()}, {uid: 3, from: 'Ann', subject: '✓ done', date: '2026-03-15T10:30:00.000Z', size: 2048, seen: false})
  assert.equal(inboxRow(4, crlf(['From: bob@x.org', '', '']), 1, true).from, 'bob@x.org')
  const garbage = inboxRow(5, Buffer.from([0xff, 0, 0x0a, 0x3a]), 0, true)
  assert.equal(garbage.subject, '')
  assert.equal(garbage.date, null)
})

test('inbox page: rows, unseen class, no subject, dates, sizes, paging and notice', () => {
  const rows: InboxRow[] = [
    {uid: 1, from: 'a', subject: '', date: new Date(2026, 2, 15, 9, 5), size: 1229, seen: false},
    {uid: 2, from: 'b', subject: 'old', date: new Date(2025, 0, 2), size: 10, seen: true},
    {uid: 3, from: 'c', subject: 'this year', date: new Date(2026, 0, 9), size: 5 * 1024 * 1024, seen: true},
  ]
  const page = inboxPage({user: 'u', csrf: 'c', rows, page: 2, pageCount: 3, total: 123, notice: 'Message sent', now})
  assert.ok(page.includes('<table id="messages">'))
  assert.equal(page.match(/<tr[ >]/g)?.length, 4) // header row plus three
  assert.ok(page.includes('<tr class="unseen"><td class="from">a</td><td class="subject"><a href="/message/1">(no subject)</a></td><td class="date">09:05</td><td class="size">1.2 KB</td></tr>'))
  assert.ok(page.includes('<td class="date">2025-01-02</td>'))
  assert.ok(page.includes('<td class="date">9 Jan</td><td class="size">5.0 MB</td>'))
  assert.ok(page.includes('href="/inbox?page=1"') && page.includes('href="/inbox?page=3"'))
  assert.ok(page.includes('Page 2 of 3 (123 messages)'))
  assert.match(page, /<p role="status"[^>]*>Message sent<\/p>/)
  const empty = inboxPage({user: 'u', csrf: 'c', rows: [], page: 1, pageCount: 0, total: 0, now})
  assert.ok(empty.includes('No messages') && !empty.includes('<table') && !empty.includes('?page='))
  assert.equal(humanSize(512), '512 B')
  assert.equal(humanSize(20 * 1024), '20 KB')
})

test('login page: the form, and no password input when passwords are not allowed', () => {
  const page = loginPage({csrf: 'tok', error: 'Wrong <password>', user: 'ann', passwordLoginAllowed: true})
  assert.ok(page.includes('<form method="post" action="/login">'))
  assert.match(page, /<input type="text" name="user" id="user" autocomplete="username"[^>]*value="ann">/)
  assert.match(page, /<input type="password" name="password" id="password"/)
  assert.ok(page.includes('<input type="hidden" name="csrf" value="tok">'))
  assert.match(page, /<button type="submit" id="login">Log in<\/button>/)
  assert.match(page, /<p role="alert" class="error">Wrong &lt;password&gt;<\/p>/)
  const https = loginPage({csrf: 't', passwordLoginAllowed: false, httpsUrl: 'https://mail.example.org/login?a=1&b=2'})
  assert.ok(!https.includes('type="password"') && !https.includes('name="password"'))
  assert.ok(https.includes('only accepted over HTTPS') && https.includes('href="https://mail.example.org/login?a=1&amp;b=2"'))
  const off = loginPage({csrf: 't', passwordLoginAllowed: false})
  assert.ok(!off.includes('name="password"') && off.includes('turned off') && !off.includes('<a href="http'))
})

test('message page: bare sandbox iframe, text in details, attachments, delete form', () => {
  const view = emptyView({
    cc: 'x@y',
    date: new Date(2026, 2, 1, 8, 0),
    text: '\nline one\n<b>',
    html: '<p>hi</p>',
    attachments: [{index: 1, filename: 'a.pdf', contentType: 'application/pdf', size: 2048}],
  })
  const page = messagePage({user: 'u', csrf: 'tok', uid: 42, view})
  assert.ok(page.includes('<iframe sandbox src="/message/42/html" title="HTML version" id="html-part"></iframe>'))
  assert.doesNotMatch(page, /sandbox="|allow-/)
  assert.match(page, /<details>[\s\S]*<pre id="body">\n\nline one\n&lt;b&gt;<\/pre><\/details>/)
  assert.ok(page.includes('<dt>Cc</dt>') && page.includes('2.0 KB'))
  assert.ok(page.includes('<a class="filename" href="/message/42/part/1" download>a.pdf</a>'), 'each attachment links to its download')
  assert.ok(page.includes('<form method="post" action="/message/42/delete"><input type="hidden" name="csrf" value="tok"><button type="submit" id="delete">Delete</button></form>'.replace(/></g, '>\n<')))
  assert.ok(page.includes('href="/inbox">Back to inbox</a>'))
  assert.ok(page.includes('<a href="/compose?reply=42" id="reply">Reply</a>'))
  const textOnly = messagePage({user: 'u', csrf: 't', uid: 1, view: emptyView()})
  assert.ok(!textOnly.includes('<iframe') && !textOnly.includes('<details>') && textOnly.includes('<pre id="body">\nhi</pre>'))
  assert.ok(!textOnly.includes('<dt>Cc</dt>'))
})

test('HTML part: CSP string and document wrapper', () => {
  assert.equal(HTML_PART_CSP, "sandbox; default-src 'none'; img-src data:; style-src 'unsafe-inline'; font-src data:")
  const doc = htmlPartDocument('<html><body><p>x</p></body></html>')
  assert.match(doc, /^<!DOCTYPE html>\n<meta charset="utf-8">/)
  assert.ok(doc.includes('<p>x</p>') && !doc.includes('<base'))
})

test('compose page keeps the values and shows the error', () => {
  const page = composePage({user: 'u', from: 'u@example.org', csrf: 'tok', to: 'a@b"', subject: '<s>', body: '</textarea><b>', error: 'Bad "to"'})
  assert.ok(page.includes('<form method="post" action="/compose">'))
  assert.match(page, /name="to" id="to"[^>]*value="a@b&quot;"/)
  assert.match(page, /name="subject" id="subject"[^>]*value="&lt;s&gt;"/)
  assert.ok(page.includes('<textarea name="body" id="body" rows="20">\n&lt;/textarea&gt;&lt;b&gt;</textarea>'))
  assert.ok(page.includes('u@example.org') && page.includes('<button type="submit" id="send">Send</button>'))
  assert.match(page, /role="alert"[^>]*>Bad &quot;to&quot;</)
})

test('parseRecipients accepts lists and names, rejects bad entries with a message naming them', () => {
  assert.deepEqual(parseRecipients('a@x.org, b@y.com;c@z.net  bob\tAnn@x.org'), {ok: true, addresses: ['a@x.org', 'b@y.com', 'c@z.net', 'bob', 'Ann@x.org']})
  assert.deepEqual(parseRecipients('"Doe, Jane" <jane@x.org>, Bob Smith <bob@y.org>, a@x.org, A@X.org'), {ok: true, addresses: ['jane@x.org', 'bob@y.org', 'a@x.org']})
  const reject = (text: string, pattern: RegExp): void => {
    const r = parseRecipients(text)
    assert.equal(r.ok, false, text)
    if (!r.ok) {
      assert.match(r.error, pattern)
      assert.ok(!/[\r\n]/.test(r.error))
    }
  }
  reject('a@x.org\r\nBcc: evil@x.org', /line breaks/)
  reject('a@x.org\x00', /control/)
  reject(' , ;', /at least one/)
  reject('a@x.org, foo@, b@x.org', /"foo@"/)
  reject('a@@b', /"a@@b"/)
  reject('Name <not an address>', /"Name <not an address>"/)
  reject('x@-bad-.org', /"x@-bad-\.org"/)
  reject(Array.from({length: 101}, (_, i) => `u${i}@x.org`).join(','), /at most 100/)
  assert.equal(parseRecipients(Array.from({length: 100}, (_, i) => `u${i}@x.org`).join(',')).ok, true)
})

test('quoted-printable encoder: short lines, escapes, trailing white space, hard breaks', () => {
  const text = `${'x'.repeat(200)}\nwith = sign and trailing   \r\n\ttab\t\nnon-ascii é ${'é'.repeat(60)}`
  const encoded = encodeQuotedPrintable(text)
  for (const line of encoded.split('\r\n')) {
    assert.ok(line.length <= 76, line)
    assert.match(line, /^[\x21-\x7e \t]*$/)
    assert.ok(!/[ \t]$/.test(line))
  }
  assert.ok(encoded.includes('with =3D sign and trailing  =20\r\n\ttab=09\r\n'))
  assert.equal(decodeQuotedPrintable(Buffer.from(encoded)).toString('utf8'), text.replace(/\r?\n/g, '\r\n'))
})

test('composeMessage round-trips through viewMessage', () => {
  const subject = 'Grüße aus Köln — a subject long enough that it has to be folded over several header lines ✓'
  const body = `Hallo Jürgen,\n${'long line with = signs and ümlauts '.repeat(8)}\ntrailing spaces   \n=3D literal\n.\nend\n`
  const msg = composeMessage({
    from: 'ann@example.org',
    fromName: 'Ann Ö',
    to: ['bob@example.com', 'carol@example.net'],
    subject,
    body,
    date: new Date(2026, 2, 15, 10, 0, 0),
    hostname: 'mail.example.org',
  })
  const lines = headerLines(msg)
  for (const line of msg.toString('latin1').split('\r\n')) assert.ok(line.length <= 78, line)
  assert.ok(!/(^|[^\r])\n/.test(msg.toString('latin1')), 'bare LF')
  assert.match(msg.toString('latin1'), /^[\x00-\x7f]*$/)
  assert.ok(lines.includes('MIME-Version: 1.0') && lines.includes('Content-Type: text/plain; charset=utf-8'))
  assert.ok(lines.includes('Content-Transfer-Encoding: quoted-printable') && lines.includes('X-Mailer: msgctl web mail'))
  assert.ok(lines.some((l) => /^Message-ID: <[0-9a-f]{32}@mail\.example\.org>$/.test(l)))
  assert.ok(lines.some((l) => /^Date: Sun, 15 Mar 2026 10:00:00 [+-]\d{4}$/.test(l)))
  const view = viewMessage(msg)
  assert.equal(view.subject, subject)
  assert.equal(view.from, 'Ann Ö <ann@example.org>')
  assert.equal(view.to, 'bob@example.com, carol@example.net')
  assert.equal(view.text, body)
  assert.equal(view.date?.getTime(), new Date(2026, 2, 15, 10, 0, 0).getTime())
  const plain = composeMessage({from: 'a@b.c', to: ['d@e.f'], subject: `${'word '.repeat(30)}end`, body: 'x\r\ny\rz', date: now, hostname: 'h', messageId: 'fixed@h'})
  assert.ok(headerLines(plain).includes('Message-ID: <fixed@h>'))
  assert.ok(headerLines(plain).includes('From: <a@b.c>'))
  assert.ok(headerLines(plain).every((l) => l.length <= 78))
  assert.equal(viewMessage(plain).subject, `${'word '.repeat(30)}end`)
  assert.equal(viewMessage(plain).text, 'x\ny\nz\n')
  const long = composeMessage({from: 'a@b.c', to: ['d@e.f'], subject: 'x'.repeat(120), body: '', date: now, hostname: 'h'})
  assert.ok(headerLines(long).every((l) => l.length <= 78))
  assert.equal(viewMessage(long).subject, 'x'.repeat(120))
})

test('a line break in the subject or sender name cannot start a new header', () => {
  const msg = composeMessage({
    from: 'a@b.c',
    fromName: 'Eve\r\nBcc: x@y.z',
    to: ['d@e.f'],
    subject: 'Hi\r\nBcc: victim@example.com\nX-Evil: 1',
    body: 'b',
    date: now,
    hostname: 'h',
  })
  const lines = headerLines(msg)
  assert.ok(!lines.some((l) => /^(Bcc|X-Evil):/i.test(l)), lines.join('|'))
  assert.ok(lines.includes('Subject: Hi Bcc: victim@example.com X-Evil: 1'))
  assert.equal(viewMessage(msg).subject, 'Hi Bcc: victim@example.com X-Evil: 1')
  assert.throws(() => composeMessage({from: 'a@b.c', to: ['d@e.f\r\nBcc: x@y'], subject: '', body: '', date: now, hostname: 'h'}))
  assert.throws(() => composeMessage({from: 'a@b.c\n', to: ['d@e.f'], subject: '', body: '', date: now, hostname: 'h'}))
})

test('replyDraft: to Reply-To (else From), "Re:" once, the text quoted, the thread in In-Reply-To and References', () => {
  const original = crlf([
    'From: "Doe, Jane" <jane@example.org>',
    'Reply-To: list@example.org, Team: a@example.org, b@example.org;',
    'Subject: Plans',
    'Date: Sun, 15 Mar 2026 10:00:00 +0000',
    'Message-ID: <m2@example.org>',
    'References: <m0@example.org> <bad id> <m1@example.org>',
    '',
    'first line',
    '',
    '> already quoted',
    '',
  ])
  const draft = replyDraft(original)
  assert.equal(draft.to, 'list@example.org, a@example.org, b@example.org')
  assert.equal(draft.subject, 'Re: Plans')
  assert.equal(draft.body, '\n\nOn Sun, 15 Mar 2026 10:00:00 GMT, Doe, Jane <jane@example.org> wrote:\n> first line\n>\n> > already quoted\n')
  assert.equal(draft.inReplyTo, 'm2@example.org')
  assert.deepEqual(draft.references, ['m0@example.org', 'm1@example.org', 'm2@example.org'], 'the unusable id is left out')

  const again = replyDraft(crlf(['From: bob@example.com', 'Subject: RE: Plans', 'In-Reply-To: <m2@example.org>', '', 'ok']))
  assert.equal(again.to, 'bob@example.com')
  assert.equal(again.subject, 'RE: Plans', 'no second Re:')
  assert.equal(again.inReplyTo, null, 'no Message-ID, nothing to answer to')
  assert.deepEqual(again.references, ['m2@example.org'], 'In-Reply-To stands in for missing References')
  assert.equal(again.body, '\n\nbob@example.com wrote:\n> ok\n')

  const long = replyDraft(crlf(['From: a@b.c', 'Message-ID: <new@x>', `References: ${Array.from({length: 30}, (_, i) => `<r${i}@x>`).join(' ')}`, '', '']))
  assert.equal(long.references.length, 20)
  assert.deepEqual([long.references[0], long.references[18], long.references[19]], ['r0@x', 'r29@x', 'new@x'], 'the root and the newest are kept')
  assert.deepEqual(replyDraft(Buffer.from('\x00\x01 not a message')).references, [], 'unreadable input: an empty draft, no throw')
})

test('composeMessage threads a reply; compose page carries the thread as hidden fields', () => {
  const msg = composeMessage({from: 'a@b.c', to: ['d@e.f'], subject: 'Re: x', body: 'y', date: now, hostname: 'h', inReplyTo: 'm2@example.org', references: ['m0@example.org', 'm2@example.org']})
  const lines = headerLines(msg)
  assert.ok(lines.includes('In-Reply-To: <m2@example.org>'), lines.join('\n'))
  assert.ok(lines.includes('References: <m0@example.org> <m2@example.org>'), lines.join('\n'))
  assert.throws(() => composeMessage({from: 'a@b.c', to: ['d@e.f'], subject: '', body: '', date: now, hostname: 'h', inReplyTo: 'x>\r\nBcc: e@f'}), /Message-ID/)
  assert.ok(!headerLines(composeMessage({from: 'a@b.c', to: ['d@e.f'], subject: '', body: '', date: now, hostname: 'h'})).some((l) => /^(In-Reply-To|References):/.test(l)))

  const page = composePage({user: 'u', from: 'u@x', csrf: 't', to: 'a@b', subject: 'Re: s', body: '\n\n> q', inReplyTo: 'm"2@x', references: ['m0@x', 'm"2@x']})
  assert.ok(page.includes('<h1>Reply</h1>'))
  assert.ok(page.includes('<input type="hidden" name="in_reply_to" value="m&quot;2@x">'))
  assert.ok(page.includes('<input type="hidden" name="references" value="m0@x m&quot;2@x">'))
  assert.ok(!composePage({user: 'u', from: 'u@x', csrf: 't'}).includes('in_reply_to'))
  assert.ok(isMessageId('a.b@c') && !isMessageId('a b@c') && !isMessageId('ab') && !isMessageId('<a@b>') && !isMessageId(`${'a'.repeat(250)}@b`))
})
