import assert from 'node:assert/strict'
import {spawnSync} from 'node:child_process'
import {randomBytes} from 'node:crypto'
import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {test} from 'node:test'
import {setTimeout as sleep} from 'node:timers/promises'
import {runTool} from '../helpers/cli.js'
import {cookieIn, csrfOf, curl, jarIn} from '../helpers/curl.js'
import {daemonForTest} from '../helpers/daemon.js'
import {makeIssuingCa} from '../helpers/pki.js'

/*
 * The HTTP service with curl as the client: every curl call is a new
 * connection, its cookie jar plays the browser. Sessions, CSRF, the
 * plaintext rule, access filters, /health, proxy authentication from two
 * loopback addresses and certificate login over HTTPS.
 */

const COOKIE = '__Host-msgctl_sid'

function addUser(dir: string, name: string, password: string, extra: string[] = []): void {
  const r = runTool('msgctl', ['user', 'add', name, '-d', dir, '--password-stdin', ...extra], {input: `${password}\n`})
  assert.equal(r.status, 0, r.stderr)
}

async function webDaemon(t: Parameters<typeof daemonForTest>[0], settings: string[] = []) {
  const {dir, ports} = await daemonForTest(t, 'msgctl-http-', settings, {}, {web: true})
  return {dir, ports, https: `https://127.0.0.1:${ports.https}`, http: `http://127.0.0.1:${ports.http}`}
}

/** Log in through the form; returns the jar and the login page's pre-login session id. */
function logIn(base: string, jar: string, user: string, password: string): {status: number; preLogin: string; location: string | undefined} {
  const form = curl(`${base}/login`, {jar})
  assert.equal(form.status, 200)
  const preLogin = cookieIn(readFileSync(jar, 'utf8'), COOKIE)
  assert.ok(preLogin, 'the login page sets a session cookie')
  const r = curl(`${base}/login`, {jar, form: {user, password, csrf: csrfOf(form.body)}})
  return {status: r.status, preLogin, location: r.headers.get('location')}
}

test('web mail sessions: login rotates the id, the session survives new connections, logout ends it; forms need the CSRF token', async (t) => {
  const {dir, https} = await webDaemon(t)
  addUser(dir, 'alice', 'alice-Pw-1', ['--mail', 'alice@example.test'])
  const jar = jarIn(dir, 'alice')

  const cookieHeader = curl(`${https}/login`, {jar}).headers.get('set-cookie') ?? ''
  assert.match(cookieHeader, /^__Host-msgctl_sid=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Strict; Secure$/)

  const wrong = logIn(https, jar, 'alice', 'not-it')
  assert.equal(wrong.status, 401)
  const login = logIn(https, jar, 'alice', 'alice-Pw-1')
  assert.equal(login.status, 303)
  assert.equal(login.location, '/inbox')
  const session = cookieIn(readFileSync(jar, 'utf8'), COOKIE)!
  assert.notEqual(session, login.preLogin, 'login gives a new session id')

  // Each curl run is a new TCP connection: the session carries across them.
  for (let i = 0; i < 3; i++) {
    const inbox = curl(`${https}/inbox`, {jar})
    assert.equal(inbox.status, 200)
    assert.match(inbox.body, /alice/)
    assert.equal(inbox.headers.get('cache-control'), 'no-store')
    assert.match(inbox.headers.get('content-security-policy') ?? '', /default-src 'none'/)
  }
  // The id from before login is worth nothing after it.
  const stale = curl(`${https}/inbox`, {headers: {Cookie: `${COOKIE}=${login.preLogin}`}})
  assert.equal(stale.status, 302)
  assert.equal(stale.headers.get('location'), '/login')

  // A form posted from elsewhere: the session cookie alone does not do.
  const compose = curl(`${https}/compose`, {jar}).body
  assert.match(compose, /<span id="from">alice@example\.test<\/span>/, 'web mail sends from the address user add --mail gave')
  const csrf = csrfOf(compose)
  const forged = curl(`${https}/compose`, {jar, form: {to: 'alice', subject: 'forged', body: 'x'}})
  assert.equal(forged.status, 403)
  const wrongToken = curl(`${https}/compose`, {jar, form: {to: 'alice', subject: 'forged', body: 'x', csrf: csrf.replace(/^./, (c) => (c === 'A' ? 'B' : 'A'))}})
  assert.equal(wrongToken.status, 403)
  const crossOrigin = curl(`${https}/compose`, {jar, form: {to: 'alice', subject: 'forged', body: 'x', csrf}, headers: {Origin: 'https://evil.example'}})
  assert.equal(crossOrigin.status, 403)
  const sent = curl(`${https}/compose`, {jar, form: {to: 'alice', subject: 'Hello <b>me</b>', body: 'one line', csrf}, headers: {Origin: https}})
  assert.equal(sent.status, 303)
  const inbox = curl(`${https}/inbox`, {jar}).body
  assert.match(inbox, /Hello &lt;b&gt;me&lt;\/b&gt;/)
  const read = curl(`${https}${/href="(\/message\/\d+)"/.exec(inbox)![1]}`, {jar}).body
  assert.match(read, /alice@example\.test/, 'the message sent carries that From')
  assert.doesNotMatch(inbox, /forged/)

  const logout = curl(`${https}/logout`, {jar, form: {csrf}})
  assert.equal(logout.status, 303)
  const after = curl(`${https}/inbox`, {headers: {Cookie: `${COOKIE}=${session}`}})
  assert.equal(after.status, 302, 'a logged-out session id is refused')
  const log = readFileSync(join(dir, 'msgctl.log'), 'utf8')
  assert.doesNotMatch(log, /alice-Pw-1|not-it/, 'no password in the log')
})

/** A form's fields as the browser would post them: inputs' values and the textarea's text, entities decoded. */
function formFields(html: string): Record<string, string> {
  const decode = (v: string) => v.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&')
  const fields: Record<string, string> = {}
  for (const m of html.matchAll(/<input type="(?:hidden|text)" name="([^"]+)"[^>]*value="([^"]*)"/g)) fields[m[1]!] = decode(m[2]!)
  const area = /<textarea name="([^"]+)"[^>]*>\n([\s\S]*?)<\/textarea>/.exec(html)
  if (area) fields[area[1]!] = decode(area[2]!)
  return fields
}

test('attachments download as files: the exact bytes, as octet-stream and attachment whatever was declared, and only to their owner; a reply threads', async (t) => {
  const {dir, ports, https} = await webDaemon(t)
  addUser(dir, 'alice', 'alice-Pw-1')
  addUser(dir, 'bob', 'bob-Pw-1')
  // Python's email package builds it: a text body, a binary file with a UTF-8 name (RFC 2231), an HTML file.
  const payload = randomBytes(5000)
  const sent = spawnSync(
    'python3',
    [
      '-c',
      [
        'import smtplib,sys',
        'from email.message import EmailMessage',
        'm=EmailMessage(); m["From"]="Bob <bob@localhost>"; m["To"]="alice@localhost"; m["Subject"]="files"; m["Message-ID"]="<files-1@example.com>"',
        'm.set_content("two files")',
        'm.add_attachment(bytes.fromhex(sys.argv[2]), maintype="application", subtype="octet-stream", filename="résumé \\"2026\\".bin")',
        'm.add_attachment("<script>alert(1)</script>", subtype="html", filename="page.html")',
        's=smtplib.SMTP("127.0.0.1", int(sys.argv[1]), timeout=30); s.send_message(m); s.quit()',
      ].join('\n'),
      String(ports.smtp),
      payload.toString('hex'),
    ],
    {encoding: 'utf8', timeout: 60_000},
  )
  assert.equal(sent.status, 0, sent.stderr)

  const jar = jarIn(dir, 'alice')
  assert.equal(logIn(https, jar, 'alice', 'alice-Pw-1').status, 303)
  const inbox = curl(`${https}/inbox`, {jar}).body
  const message = /href="(\/message\/\d+)"/.exec(inbox)![1]!
  const page = curl(`${https}${message}`, {jar}).body
  const links = [...page.matchAll(/<a class="filename" href="([^"]+)" download>([^<]*)<\/a>/g)].map((m) => ({href: m[1]!, name: m[2]!}))
  assert.deepEqual(
    links.map((l) => l.name),
    ['résumé &quot;2026&quot;.bin', 'page.html'],
    page,
  )

  const file = join(dir, 'download.bin')
  const got = curl(`${https}${links[0]!.href}`, {jar, saveBodyTo: file})
  assert.equal(got.status, 200)
  assert.ok(readFileSync(file).equals(payload), 'the bytes that were sent, decoded from base64')
  assert.equal(got.headers.get('content-type'), 'application/octet-stream')
  assert.equal(got.headers.get('content-disposition'), `attachment; filename="resume _2026_.bin"; filename*=UTF-8''r%C3%A9sum%C3%A9%20%222026%22.bin`)
  assert.equal(got.headers.get('x-content-type-options'), 'nosniff')
  // An HTML file is a download too, never a page of the web mail's origin.
  const html = curl(`${https}${links[1]!.href}`, {jar})
  assert.equal(html.status, 200)
  assert.equal(html.headers.get('content-type'), 'application/octet-stream')
  assert.match(html.headers.get('content-disposition') ?? '', /^attachment; filename="page\.html"/)
  assert.match(html.headers.get('content-security-policy') ?? '', /^sandbox/)

  assert.equal(curl(`${https}${message}/part/0`, {jar}).status, 404, 'the text body is not an attachment')
  assert.equal(curl(`${https}${message}/part/99`, {jar}).status, 404)
  assert.equal(curl(`${https}${links[0]!.href}`).status, 302, 'without a session: to the login page')
  const bobJar = jarIn(dir, 'bob')
  assert.equal(logIn(https, bobJar, 'bob', 'bob-Pw-1').status, 303)
  assert.equal(curl(`${https}${links[0]!.href}`, {jar: bobJar}).status, 404, "another user's message is not there for bob")

  // Reply: the form comes filled in; what is sent carries the thread, and bob's own client (imaplib) sees it.
  const draft = curl(`${https}/compose?reply=${/\d+$/.exec(message)![0]}`, {jar}).body
  const fields = formFields(draft)
  assert.equal(fields.to, 'bob@localhost')
  assert.equal(fields.subject, 'Re: files')
  assert.equal(fields.in_reply_to, 'files-1@example.com')
  assert.match(fields.body ?? '', /Bob <bob@localhost> wrote:\n> two files\n$/)
  assert.equal(curl(`${https}/compose?reply=999`, {jar}).status, 404)
  const replied = curl(`${https}/compose`, {jar, form: {...fields, body: `Got them.${fields.body}`}, headers: {Origin: https}})
  assert.equal(replied.status, 303, replied.body)
  const read = spawnSync(
    'python3',
    [
      '-c',
      'import imaplib,sys,email\nm=imaplib.IMAP4("127.0.0.1", int(sys.argv[1]))\nm.login("bob","bob-Pw-1")\nm.select("INBOX")\nt,d=m.fetch("1","(RFC822)")\nmsg=email.message_from_bytes(d[0][1])\nprint(msg["Subject"]);print(msg["In-Reply-To"]);print(msg["References"]);print(msg.get_payload(decode=True).decode())\nm.logout()',
      String(ports.imap),
    ],
    {encoding: 'utf8', timeout: 60_000},
  )
  assert.equal(read.status, 0, read.stderr)
  assert.equal(read.stdout.replace(/\r/g, ''), 'Re: files\n<files-1@example.com>\n<files-1@example.com>\nGot them.\n\nBob <bob@localhost> wrote:\n> two files\n\n')
})

test('web mail sessions end after service.http.sessiontimeout of idleness, and each use restarts the clock', async (t) => {
  // 4 s idle; three uses 1.5 s apart outlast it only if each use restarts the clock. The 2.5 s left over is for a slow
  // machine's curl, which must not make a use arrive late.
  const {dir, https} = await webDaemon(t, ['service.http.sessiontimeout = 4'])
  addUser(dir, 'alice', 'alice-Pw-1')
  const jar = jarIn(dir, 'alice')
  assert.equal(logIn(https, jar, 'alice', 'alice-Pw-1').status, 303)
  for (let i = 0; i < 3; i++) {
    await sleep(1500)
    assert.equal(curl(`${https}/inbox`, {jar}).status, 200, `used within the timeout (${i})`)
  }
  await sleep(5000)
  const expired = curl(`${https}/inbox`, {jar})
  assert.equal(expired.status, 302)
  assert.equal(expired.headers.get('location'), '/login')
})

test('plaintextmincipher keeps passwords off plain HTTP; access filters; /health only when switched on', async (t) => {
  const {dir, http, https} = await webDaemon(t, ['service.http.plaintextmincipher = 1', 'service.http.domainnotallowed = http: 127.0.0.3'])
  addUser(dir, 'alice', 'alice-Pw-1')
  const plain = curl(`${http}/login`)
  assert.equal(plain.status, 302)
  assert.equal(plain.headers.get('location'), `${https}/login`)
  // Posted anyway over plain HTTP: refused without looking at the password.
  const jar = jarIn(dir, 'plain')
  const pre = curl(`${http}/`, {jar})
  assert.equal(pre.status, 302)
  const posted = curl(`${http}/login`, {jar, form: {user: 'alice', password: 'alice-Pw-1', csrf: 'x'}})
  assert.equal(posted.status, 403)
  assert.equal(logIn(https, jarIn(dir, 'tls'), 'alice', 'alice-Pw-1').status, 303)

  assert.equal(curl(`${https}/health`).status, 404, 'off by default')
  const refused = curl(`${https}/login`, {from: '127.0.0.3'})
  assert.equal(refused.status, 403)
  assert.match(refused.body, /Access denied/)

  assert.equal(runTool('configutil', ['-f', dir, '-o', 'service.http.healthendpoint', '-v', 'yes']).status, 0)
  assert.equal(runTool('msgctl', ['reload', '-d', dir]).status, 0)
  const health = curl(`${https}/health`)
  assert.equal(health.status, 200)
  assert.equal(health.headers.get('content-type'), 'application/json')
  const facts = JSON.parse(health.body) as {status: string; web: {loginsSucceeded: number; sessions: number}; snapshot: {generation: number}}
  assert.equal(facts.status, 'ok')
  assert.equal(facts.web.loginsSucceeded, 1)
  assert.equal(facts.web.sessions, 1)
  assert.equal(curl(`${https}/health`, {from: '127.0.0.3'}).status, 403, 'behind the same filters')
})

test('proxy authentication: a store administrator from an allowed portal address gets a session for a user, nobody else does', async (t) => {
  const {dir, https} = await webDaemon(t, ['service.http.proxydomainallowed = http: 127.0.0.2'])
  addUser(dir, 'portal', 'portal-Pw-1', ['--admin'])
  addUser(dir, 'bob', 'bob-Pw-1')
  addUser(dir, 'alice', 'alice-Pw-1')
  const ask = (from: string, user: string, password: string) => curl(`${https}/proxyauth`, {from, form: {user, password, proxyauth: 'alice'}})

  const granted = ask('127.0.0.2', 'portal', 'portal-Pw-1')
  assert.equal(granted.status, 200, granted.body)
  const answer = JSON.parse(granted.body) as {user: string; handoff: string}
  assert.equal(answer.user, 'alice')
  assert.match(answer.handoff, /^\/handoff\?token=[A-Za-z0-9_-]{43}$/)

  // The user's browser (any address) redeems the handoff once.
  const jar = jarIn(dir, 'alice')
  const handed = curl(`${https}${answer.handoff}`, {jar})
  assert.equal(handed.status, 200)
  assert.match(handed.headers.get('set-cookie') ?? '', /^__Host-msgctl_sid=/)
  const inbox = curl(`${https}/inbox`, {jar})
  assert.equal(inbox.status, 200)
  assert.match(inbox.body, /alice/)
  assert.equal(curl(`${https}${answer.handoff}`).status, 403, 'a handoff works once')

  const otherAddress = ask('127.0.0.3', 'portal', 'portal-Pw-1')
  assert.equal(otherAddress.status, 403)
  assert.match(otherAddress.body, /not allowed from this address/)
  assert.equal(ask('127.0.0.2', 'bob', 'bob-Pw-1').status, 403, 'bob is no store administrator')
  assert.equal(ask('127.0.0.2', 'portal', 'wrong').status, 401)
  assert.equal(runTool('msgctl', ['user', 'role', 'bob', 'admin', '-d', dir]).status, 0)
  assert.equal(ask('127.0.0.2', 'bob', 'bob-Pw-1').status, 200, 'the role is read live')
  assert.match(readFileSync(join(dir, 'msgctl.log'), 'utf8'), /proxy authentication refused: 127\.0\.0\.3 is not admitted/)
})

test('certificate login over HTTPS: a mapped client certificate opens a session without a password', async (t) => {
  const pki = makeIssuingCa(t, 'clientca', 'CN=Web Client CA,O=Example')
  const {dir, https} = await webDaemon(t)
  assert.equal(runTool('certutil', ['-A', '-n', 'clientca', '-t', 'T,,', '-a', '-i', pki.caPath, '-d', dir]).status, 0)
  assert.equal(runTool('msgctl', ['reload', '-d', dir]).status, 0)
  addUser(dir, 'alice', 'alice-Pw-1', ['--mail', 'alice@example.test'])
  const alice = pki.issue('alice', '/O=Example/CN=Alice/emailAddress=alice@example.test')
  const stranger = pki.issue('stranger', '/O=Example/CN=Nobody/emailAddress=nobody@example.test')

  const jar = jarIn(dir, 'alice')
  const login = curl(`${https}/login`, {jar, cert: alice})
  assert.equal(login.status, 303)
  assert.equal(login.headers.get('location'), '/inbox')
  assert.equal(curl(`${https}/inbox`, {jar, cert: alice}).status, 200)

  const refused = curl(`${https}/login`, {jar: jarIn(dir, 'stranger'), cert: stranger})
  assert.equal(refused.status, 200)
  assert.match(refused.body, /does not identify a user/)
  assert.match(refused.body, /name="password"/)
  assert.equal(curl(`${https}/inbox`, {jar: jarIn(dir, 'stranger'), cert: stranger}).status, 302)
})
