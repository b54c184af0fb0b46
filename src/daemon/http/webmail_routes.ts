/**
 * The web mail pages: login, inbox, message, compose, logout. Each handler
 * reads the request, calls the mail store or the directory, and answers with
 * a page from webmail/; every state change is a POST that carries the
 * session's CSRF token.
 */
import {MailStoreError} from '../mailstore/types.js'
import {parseMailbox} from '../smtp/address.js'
import {BodyTooLarge, readForm} from './form_body.js'
import {redirect, send as sendBody, sendHtml, sendText} from './http_response.js'
import type {WebRequest} from './web_request.js'
import {composeMessage, parseRecipients} from './webmail/compose_message.js'
import {attachmentDisposition} from './webmail/content_disposition.js'
import {composePage} from './webmail/compose_page.js'
import {inboxPage} from './webmail/inbox_page.js'
import {loginPage} from './webmail/login_page.js'
import {messagePage} from './webmail/message_page.js'
import {attachmentContent, HTML_PART_CSP, htmlPartDocument, inboxRow, viewMessage} from './webmail/message_view.js'
import {isMessageId, replyDraft} from './webmail/reply_draft.js'
import {submitFromWebmail} from './webmail_submission.js'

const PAGE_SIZE = 50
const LOGIN_FORM_LIMIT = 16 * 1024
const COMPOSE_FORM_LIMIT = 4 * 1024 * 1024
const NOTICES: Record<string, string> = {sent: 'Message sent.', deleted: 'Message deleted.', 'logged-out': 'You have logged out.'}

/** Answers the request when it is a web mail page; false when the path is not one. */
export async function routeWebmail(r: WebRequest): Promise<boolean> {
  const path = r.url.pathname
  const get = r.method === 'GET' || r.method === 'HEAD'
  const post = r.method === 'POST'
  if (path === '/') return get ? (redirect(r.res, r.userSession ? '/inbox' : '/login', {}, 302), true) : notAllowed(r, 'GET')
  if (path === '/login') return get ? showLogin(r) : post ? logIn(r) : notAllowed(r, 'GET, POST')
  if (path === '/logout') return post ? logOut(r) : notAllowed(r, 'POST')
  if (path === '/inbox') return get ? showInbox(r) : notAllowed(r, 'GET')
  if (path === '/compose') return get ? showCompose(r) : post ? send(r) : notAllowed(r, 'GET, POST')
  const m = /^\/message\/(\d{1,10})(\/html|\/delete|\/part\/(\d{1,6}))?$/.exec(path)
  if (m) {
    const uid = Number(m[1])
    if (m[2] === '/delete') return post ? deleteMessage(r, uid) : notAllowed(r, 'POST')
    if (!get) return notAllowed(r, 'GET')
    if (m[3] !== undefined) return downloadAttachment(r, uid, Number(m[3]))
    return m[2] === '/html' ? showHtmlPart(r, uid) : showMessage(r, uid)
  }
  return false
}

function notAllowed(r: WebRequest, allow: string): true {
  sendText(r.res, 405, `${r.method} is not allowed here`, {Allow: allow})
  return true
}

/** The login form; over HTTPS a mapped client certificate logs in at once. */
async function showLogin(r: WebRequest): Promise<true> {
  if (r.userSession) return (redirect(r.res, '/inbox', {}, 302), true)
  if (r.passwordRule === 'needs-https' && !r.conn.secure) {
    const https = r.httpsUrl('/login')
    if (https) return (redirect(r.res, https, {}, 302), true)
  }
  let notice = NOTICES[r.url.searchParams.get('notice') ?? '']
  const der = r.conn.peerCertificate
  if (der && r.conn.directory.mapCertificate && r.url.searchParams.get('notice') !== 'logged-out') {
    let user: string | null = null
    try {
      user = await r.conn.directory.mapCertificate(der)
    } catch (err) {
      r.conn.log(`web mail certificate login unavailable: ${(err as Error).message}`)
    }
    if (user !== null) {
      r.conn.guard.succeeded(user)
      r.deps.counters.certificateLogins++
      const {cookie} = r.startSession(user, 'certificate')
      r.conn.log(`web mail login ${user} by certificate`)
      return (redirect(r.res, '/inbox', {'Set-Cookie': cookie}), true)
    }
    r.conn.guard.failed()
    notice = 'Your certificate does not identify a user here; log in with your password.'
  }
  const {session, cookie} = r.startSession(null, null)
  sendHtml(r.res, 200, loginForm(r, session.csrf, {notice}), {'Set-Cookie': cookie})
  return true
}

function loginForm(r: WebRequest, csrf: string, o: {error?: string; notice?: string | undefined; user?: string}): string {
  const https = r.httpsUrl('/login')
  return loginPage({csrf, passwordLoginAllowed: r.passwordRule === 'allowed', ...(https ? {httpsUrl: https} : {}), ...(o.error ? {error: o.error} : {}), ...(o.notice ? {notice: o.notice} : {}), ...(o.user ? {user: o.user} : {})})
}

async function logIn(r: WebRequest): Promise<true> {
  const form = await formOf(r, LOGIN_FORM_LIMIT)
  if (!form) return true
  const again = (status: number, error: string, user?: string): true => {
    const {session, cookie} = r.startSession(null, null)
    sendHtml(r.res, status, loginForm(r, session.csrf, {error, ...(user ? {user} : {})}), {'Set-Cookie': cookie})
    return true
  }
  // The login form's own session must be the one posting: no login CSRF.
  if (!r.session || r.session.user !== null || !r.csrfOk(form)) {
    r.deps.counters.csrfRefused++
    return again(403, 'The login form expired or cookies are blocked; please try again.')
  }
  if (r.passwordRule !== 'allowed') {
    r.conn.log('web mail login refused: passwords are not accepted on this connection (service.http.plaintextmincipher)')
    return again(403, r.passwordRule === 'never' ? 'Password login is turned off.' : 'Passwords are only accepted over HTTPS.')
  }
  const user = (form.get('user') ?? '').trim()
  const password = form.get('password') ?? ''
  if (user === '' || password === '' || user.length > 256 || password.length > 1024 || /[\x00-\x1f\x7f]/.test(user)) return again(400, 'Enter your user name and password.', user.slice(0, 256))
  let name: string | null
  try {
    name = await r.conn.directory.verifyPassword(user, password)
  } catch (err) {
    r.conn.log(`web mail login unavailable: ${(err as Error).message}`)
    return again(503, 'Login is unavailable right now; try again shortly.', user)
  }
  if (name === null) {
    r.deps.counters.loginsFailed++
    r.conn.log(`web mail login failed for ${JSON.stringify(user)}`)
    return again(401, 'Wrong user name or password.', user)
  }
  r.deps.counters.loginsSucceeded++
  const {cookie} = r.startSession(name, 'password')
  r.conn.log(`web mail login ${name}`)
  redirect(r.res, '/inbox', {'Set-Cookie': cookie})
  return true
}

async function logOut(r: WebRequest): Promise<true> {
  const form = await formOf(r, LOGIN_FORM_LIMIT)
  if (!form) return true
  if (!r.userSession) return (redirect(r.res, '/login'), true)
  if (!csrfChecked(r, form)) return true
  r.conn.log(`web mail logout ${r.userSession.user}`)
  const cookie = r.endSession()
  redirect(r.res, '/login?notice=logged-out', {'Set-Cookie': cookie})
  return true
}

function showInbox(r: WebRequest): true {
  const s = r.userSession
  if (!s) return (redirect(r.res, '/login', {}, 302), true)
  const all = r.deps.mail.listMessages(s.user, 'INBOX')
  const pageCount = Math.max(1, Math.ceil(all.length / PAGE_SIZE))
  const page = Math.min(pageCount, Math.max(1, Number.parseInt(r.url.searchParams.get('page') ?? '1', 10) || 1))
  // Newest first.
  const end = all.length - (page - 1) * PAGE_SIZE
  const rows = all.slice(Math.max(0, end - PAGE_SIZE), end).reverse().map((m) => {
    const bytes = r.deps.mail.readMessage(s.user, 'INBOX', m.uid)
    const row = inboxRow(m.uid, headerOf(bytes), m.size, m.flags.includes('\\Seen'))
    // A message without a Date header shows when it arrived.
    return row.date === null ? {...row, date: m.internalDate} : row
  })
  const notice = NOTICES[r.url.searchParams.get('notice') ?? '']
  sendHtml(r.res, 200, inboxPage({user: s.user, csrf: s.csrf, rows, page, pageCount, total: all.length, now: new Date(), ...(notice ? {notice} : {})}))
  return true
}

/** The header block of a message (up to the first empty line), without reading past it. */
function headerOf(bytes: Buffer): Buffer {
  const crlf = bytes.indexOf('\r\n\r\n')
  const lf = bytes.indexOf('\n\n')
  const ends = [crlf < 0 ? -1 : crlf + 4, lf < 0 ? -1 : lf + 2].filter((n) => n >= 0)
  return ends.length === 0 ? bytes : bytes.subarray(0, Math.min(...ends))
}

function messageOf(r: WebRequest, user: string, uid: number): Buffer | null {
  try {
    return r.deps.mail.readMessage(user, 'INBOX', uid)
  } catch (err) {
    if (err instanceof MailStoreError) {
      sendText(r.res, 404, `There is no message ${uid} in your inbox.`)
      return null
    }
    throw err
  }
}

function showMessage(r: WebRequest, uid: number): true {
  const s = r.userSession
  if (!s) return (redirect(r.res, '/login', {}, 302), true)
  const bytes = messageOf(r, s.user, uid)
  if (!bytes) return true
  r.deps.mail.setFlags(s.user, 'INBOX', [uid], ['\\Seen'], 'add')
  sendHtml(r.res, 200, messagePage({user: s.user, csrf: s.csrf, uid, view: viewMessage(bytes)}))
  return true
}

/** A message's HTML, served apart under a sandboxing policy: no scripts, no remote loads, an opaque origin. */
function showHtmlPart(r: WebRequest, uid: number): true {
  const s = r.userSession
  if (!s) return (sendText(r.res, 403, 'Log in first.'), true)
  const bytes = messageOf(r, s.user, uid)
  if (!bytes) return true
  const html = viewMessage(bytes).html
  if (html === null) return (sendText(r.res, 404, `Message ${uid} has no HTML part.`), true)
  sendHtml(r.res, 200, htmlPartDocument(html), {'Content-Security-Policy': `${HTML_PART_CSP}; frame-ancestors 'self'`, 'X-Frame-Options': 'SAMEORIGIN'})
  return true
}

/**
 * An attachment's bytes as a download: always application/octet-stream and
 * `attachment`, whatever the sender declared, so nothing in it is rendered
 * or run in the web mail's origin (and a sandboxing policy besides).
 */
function downloadAttachment(r: WebRequest, uid: number, index: number): true {
  const s = r.userSession
  if (!s) return (redirect(r.res, '/login', {}, 302), true)
  const bytes = messageOf(r, s.user, uid)
  if (!bytes) return true
  const found = attachmentContent(bytes, index)
  if (!found) return (sendText(r.res, 404, `Message ${uid} has no attachment ${index}.`), true)
  sendBody(r.res, 200, 'application/octet-stream', found.body, {
    'Content-Disposition': attachmentDisposition(found.attachment.filename),
    'Content-Security-Policy': "sandbox; default-src 'none'",
    'X-Frame-Options': 'DENY',
  })
  return true
}

async function deleteMessage(r: WebRequest, uid: number): Promise<true> {
  const form = await formOf(r, LOGIN_FORM_LIMIT)
  if (!form) return true
  const s = r.userSession
  if (!s) return (redirect(r.res, '/login'), true)
  if (!csrfChecked(r, form)) return true
  const done = r.deps.mail.setFlags(s.user, 'INBOX', [uid], ['\\Deleted'], 'add')
  if (done.size === 0) return (sendText(r.res, 404, `There is no message ${uid} in your inbox.`), true)
  r.deps.mail.expunge(s.user, 'INBOX', [uid])
  r.conn.log(`web mail ${s.user} deleted UID ${uid}`)
  redirect(r.res, '/inbox?notice=deleted')
  return true
}

/** The user's own address from the directory (when it is a valid one), else the login name in the first local domain. */
async function fromAddress(r: WebRequest, user: string): Promise<string> {
  const own = await r.conn.directory.mailAddress?.(user)
  if (own) {
    const parsed = parseMailbox(own)
    if (typeof parsed !== 'string') return parsed.address
    r.conn.log(`web mail ${user}: the directory's mail address ${JSON.stringify(own)} is not usable (${parsed}); sending from the login name`)
  }
  return user.includes('@') ? user : `${user}@${r.conn.snapshot.localDomains[0] ?? r.conn.snapshot.hostname}`
}

/** The compose form: empty, or with ?reply=UID a reply to that message of the user's inbox. */
async function showCompose(r: WebRequest): Promise<true> {
  const s = r.userSession
  if (!s) return (redirect(r.res, '/login', {}, 302), true)
  const from = await fromAddress(r, s.user)
  const reply = r.url.searchParams.get('reply')
  if (reply === null) return (sendHtml(r.res, 200, composePage({user: s.user, from, csrf: s.csrf})), true)
  if (!/^\d{1,10}$/.test(reply)) return (sendText(r.res, 400, 'reply= takes a message number.'), true)
  const bytes = messageOf(r, s.user, Number(reply))
  if (!bytes) return true
  sendHtml(r.res, 200, composePage({user: s.user, from, csrf: s.csrf, ...replyDraft(bytes)}))
  return true
}

async function send(r: WebRequest): Promise<true> {
  const form = await formOf(r, COMPOSE_FORM_LIMIT)
  if (!form) return true
  const s = r.userSession
  if (!s) return (redirect(r.res, '/login'), true)
  if (!csrfChecked(r, form)) return true
  const to = form.get('to') ?? ''
  const subject = form.get('subject') ?? ''
  const body = form.get('body') ?? ''
  // The thread fields came back from our own form; anything that is not a msg-id is dropped, never put in a header.
  const inReplyTo = form.get('in_reply_to')
  const thread = {
    inReplyTo: inReplyTo !== null && isMessageId(inReplyTo) ? inReplyTo : null,
    references: (form.get('references') ?? '').split(' ').filter(isMessageId).slice(0, 20),
  }
  const from = await fromAddress(r, s.user)
  const again = (status: number, error: string): true => (sendHtml(r.res, status, composePage({user: s.user, from, csrf: s.csrf, to, subject, body, error, ...thread})), true)
  const recipients = parseRecipients(to)
  if (!recipients.ok) return again(400, recipients.error)
  const snapshot = r.conn.snapshot
  const message = composeMessage({
    from,
    to: recipients.addresses,
    subject,
    body,
    date: new Date(),
    hostname: snapshot.hostname,
    ...(thread.inReplyTo === null ? {} : {inReplyTo: thread.inReplyTo}),
    references: thread.references,
  })
  const outcome = await submitFromWebmail(r.deps, {
    user: s.user,
    from,
    recipients: recipients.addresses,
    message,
    ip: r.conn.ip,
    secure: r.conn.secure,
    hostname: snapshot.hostname,
    localDomains: snapshot.localDomains,
    directory: r.conn.directory,
    log: (l) => r.conn.log(l),
  })
  if (!outcome.ok) return again(400, outcome.error)
  r.deps.counters.messagesSent++
  redirect(r.res, '/inbox?notice=sent')
  return true
}

/** The request's form, or null after answering 413 for one too large. */
async function formOf(r: WebRequest, limit: number): Promise<URLSearchParams | null> {
  try {
    return await readForm(r.req, limit)
  } catch (err) {
    if (!(err instanceof BodyTooLarge)) throw err
    sendText(r.res, 413, `${err.message}.`, {Connection: 'close'})
    return null
  }
}

/** False after answering 403: the form did not carry this session's token. */
function csrfChecked(r: WebRequest, form: URLSearchParams): boolean {
  if (r.csrfOk(form)) return true
  r.deps.counters.csrfRefused++
  r.conn.log(`web mail ${r.method} ${r.url.pathname} refused: missing or wrong CSRF token`)
  sendText(r.res, 403, 'This form did not come from your web mail session; reload the page and try again.')
  return false
}
