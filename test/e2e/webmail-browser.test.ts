import assert from 'node:assert/strict'
import {spawnSync} from 'node:child_process'
import {existsSync, mkdirSync} from 'node:fs'
import {join} from 'node:path'
import {test} from 'node:test'
import {ROOT, runTool} from '../helpers/cli.js'
import {daemonForTest} from '../helpers/daemon.js'

/*
 * A person's path through web mail, in Debian's headless Chromium driven by
 * playwright-core: log in, read a message that arrived by SMTP (sent by
 * Python's smtplib), send one (read back by Python's imaplib), log out.
 * The inbox screenshot is kept in build/test-artifacts/.
 */

const CHROMIUM = '/usr/bin/chromium'
const SCREENSHOT = join(ROOT, 'build', 'test-artifacts', 'webmail-inbox.png')

const INCOMING = [
  'From: Carol Example <carol@example.com>',
  'To: alice@localhost',
  'Subject: =?utf-8?B?UXVhcnRlcmx5IHJlcG9ydCDigJQgZHJhZnQ=?=',
  'MIME-Version: 1.0',
  'Content-Type: multipart/alternative; boundary="b1"',
  '',
  '--b1',
  'Content-Type: text/plain; charset=utf-8',
  '',
  'The plain version.',
  '--b1',
  'Content-Type: text/html; charset=utf-8',
  '',
  '<p id="greeting">Hello <b>Alice</b></p><script>document.getElementById("greeting").textContent = "script ran"</script>',
  '--b1--',
  '',
].join('\r\n')

function python(script: string, args: string[]): string {
  const r = spawnSync('python3', ['-c', script, ...args], {encoding: 'utf8', timeout: 60_000})
  assert.equal(r.status, 0, r.stderr)
  return r.stdout
}

test('web mail in Chromium: log in, read a message delivered by SMTP, send one, log out', {timeout: 180_000}, async (t) => {
  if (!existsSync(CHROMIUM)) {
    if (process.env.CI) throw new Error(`${CHROMIUM} is missing; .ci/run must install Debian's chromium`)
    process.stderr.write('\n*** SKIPPED: /usr/bin/chromium is not installed (apt-get install chromium) ***\n')
    return t.skip('chromium is not installed')
  }
  const {chromium} = await import('playwright-core')
  const {dir, ports} = await daemonForTest(t, 'msgctl-webmail-', [], {}, {web: true})
  for (const [name, pw] of [['alice', 'alice-Pw-1'], ['bob', 'bob-Pw-1']]) {
    assert.equal(runTool('msgctl', ['user', 'add', name!, '-d', dir, '--password-stdin'], {input: `${pw}\n`}).status, 0)
  }
  python('import smtplib,sys\ns=smtplib.SMTP("127.0.0.1", int(sys.argv[1]), timeout=30)\ns.sendmail("carol@example.com", ["alice@localhost"], sys.argv[2].encode())\ns.quit()', [String(ports.smtp), INCOMING])

  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  })
  t.after(() => browser.close())
  // The daemon's certificate comes from its own new local CA.
  const context = await browser.newContext({ignoreHTTPSErrors: true})
  const page = await context.newPage()
  const base = `https://127.0.0.1:${ports.https}`

  await page.goto(`${base}/`)
  assert.match(page.url(), /\/login$/)
  await page.fill('#user', 'alice')
  await page.fill('#password', 'alice-Pw-1')
  await Promise.all([page.waitForURL(/\/inbox$/), page.click('#login')])
  const row = page.locator('#messages tbody tr', {hasText: 'Quarterly report — draft'})
  assert.equal(await row.count(), 1, await page.content())
  assert.match((await row.getAttribute('class')) ?? '', /unseen/)
  mkdirSync(join(ROOT, 'build', 'test-artifacts'), {recursive: true})
  await page.screenshot({path: SCREENSHOT, fullPage: true})
  assert.ok(existsSync(SCREENSHOT))

  // Read it: the HTML part renders in its sandbox, and its script does not run.
  await Promise.all([page.waitForURL(/\/message\/\d+$/), row.locator('a').click()])
  assert.equal(await page.textContent('#subject'), 'Quarterly report — draft')
  const frame = page.frameLocator('#html-part')
  assert.equal(await frame.locator('#greeting').textContent(), 'Hello Alice')
  assert.equal(await page.getAttribute('#html-part', 'sandbox'), '')

  // Write one to bob; bob reads it with Python's IMAP client.
  await Promise.all([page.waitForURL(/\/compose$/), page.click('a[href="/compose"]')])
  await page.fill('#to', 'bob@localhost')
  await page.fill('#subject', 'Lunch on Friday?')
  await page.fill('#body', 'Shall we meet at noon?\nAlice')
  await Promise.all([page.waitForURL(/\/inbox\?notice=sent$/), page.click('#send')])
  assert.match((await page.textContent('[role="status"]')) ?? '', /Message sent/)
  const seenByBob = python(
    'import imaplib,sys,email\nm=imaplib.IMAP4("127.0.0.1", int(sys.argv[1]))\nm.login("bob","bob-Pw-1")\nm.select("INBOX")\nt,d=m.fetch("1","(RFC822)")\nmsg=email.message_from_bytes(d[0][1])\nprint(msg["Subject"]);print(msg["From"]);print(msg.get_payload(decode=True).decode().strip())\nm.logout()',
    [String(ports.imap)],
  )
  assert.equal(seenByBob.replace(/\r/g, ''), 'Lunch on Friday?\n<alice@localhost>\nShall we meet at noon?\nAlice\n')

  // Log out: the inbox is gone until the next login.
  await Promise.all([page.waitForURL(/\/login\?notice=logged-out$/), page.click('header button')])
  await page.goto(`${base}/inbox`)
  assert.match(page.url(), /\/login$/)
})
