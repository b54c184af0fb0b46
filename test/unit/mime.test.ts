import assert from 'node:assert/strict'
import {test} from 'node:test'
import {buildBodyStructure, buildEnvelope, parseAddressList, parseContentType, parseHeader, parseMessage, type SinglePartStructure} from '../../src/core/mime/index.js'

const crlf = (lines: string[]): Buffer => Buffer.from(lines.join('\r\n'), 'latin1')

test('header: folded fields unfold, raw offsets cover the field lines, blank line ends it', () => {
  const msg = crlf(['Subject: a long', '\tsubject', 'From : x@y', '', 'body'])
  const h = parseHeader(msg, 0, msg.length)
  assert.deepEqual(
    h.fields.map((f) => [f.name, f.value]),
    [
      ['Subject', 'a long\tsubject'],
      ['From', 'x@y'],
    ],
  )
  assert.equal(msg.toString('latin1', h.fields[0]!.start, h.fields[0]!.end), 'Subject: a long\r\n\tsubject\r\n')
  assert.equal(msg.toString('latin1', h.end), 'body')
})

test('header: LF-only, missing separator and a body without header are tolerated', () => {
  const lf = Buffer.from('A: 1\nB: 2\n\nbody\n')
  const h1 = parseHeader(lf, 0, lf.length)
  assert.equal(h1.fields.length, 2)
  assert.equal(lf.toString('latin1', h1.end), 'body\n')
  const noSep = Buffer.from('A: 1\r\nB: 2\r\n')
  const h2 = parseHeader(noSep, 0, noSep.length)
  assert.equal(h2.fields.length, 2)
  assert.equal(h2.end, noSep.length)
  const noHeader = Buffer.from('just text\r\nmore\r\n')
  const h3 = parseHeader(noHeader, 0, noHeader.length)
  assert.equal(h3.fields.length, 0)
  assert.equal(h3.end, 0)
})

test('content-type: parameters, quoting, comments, bad values fall back', () => {
  const ct = parseContentType('Multipart/Mixed; boundary="a;b \\"c\\""; (note) charset=UTF-8')
  assert.equal(ct.type, 'multipart')
  assert.equal(ct.subtype, 'mixed')
  assert.deepEqual(ct.params, [
    ['boundary', 'a;b "c"'],
    ['charset', 'UTF-8'],
  ])
  assert.equal(parseContentType('text').defaulted, true)
  assert.equal(parseContentType(null).subtype, 'plain')
})

test('addresses: display names, quoted names, comments, groups, routes', () => {
  const list = parseAddressList('"Doe, John" <john@example.com>, jane.roe@example.org (Jane Roe), Team: a@x, B <b@y>;, <@r1,@r2:c@z>, John Q. Public <jqp@ex.com>, nohost')
  assert.deepEqual(list, [
    {kind: 'mailbox', name: 'Doe, John', route: null, localPart: 'john', domain: 'example.com'},
    {kind: 'mailbox', name: 'Jane Roe', route: null, localPart: 'jane.roe', domain: 'example.org'},
    {
      kind: 'group',
      name: 'Team',
      members: [
        {kind: 'mailbox', name: null, route: null, localPart: 'a', domain: 'x'},
        {kind: 'mailbox', name: 'B', route: null, localPart: 'b', domain: 'y'},
      ],
    },
    {kind: 'mailbox', name: null, route: '@r1,@r2', localPart: 'c', domain: 'z'},
    {kind: 'mailbox', name: 'John Q. Public', route: null, localPart: 'jqp', domain: 'ex.com'},
    {kind: 'mailbox', name: null, route: null, localPart: 'nohost', domain: null},
  ])
  assert.deepEqual(parseAddressList('undisclosed-recipients:;'), [{kind: 'group', name: 'undisclosed-recipients', members: []}])
  assert.deepEqual(parseAddressList(''), [])
  assert.deepEqual(parseAddressList('<<<>>>,,;:@'), parseAddressList('<<<>>>,,;:@')) // no throw
})

// RFC 3501 §8's sample message shape.
const simple = crlf([
  'Date: Wed, 17 Jul 1996 02:23:25 -0700 (PDT)',
  'From: Terry Gray <gray@cac.washington.edu>',
  'Subject: IMAP4rev1 WG mtg summary and minutes',
  'To: imap@cac.washington.edu',
  'cc: minutes@CNRI.Reston.VA.US, John Klensin <KLENSIN@MIT.EDU>',
  'Message-Id: <B27397-0100000@cac.washington.edu>',
  'MIME-Version: 1.0',
  'Content-Type: TEXT/PLAIN; CHARSET=US-ASCII',
  '',
  'line one',
  'line two',
  '',
])

test('envelope of the RFC 3501 example message', () => {
  const env = buildEnvelope(parseMessage(simple).header)
  const gray = [{name: 'Terry Gray', adl: null, mailbox: 'gray', host: 'cac.washington.edu'}]
  assert.deepEqual(env, {
    date: 'Wed, 17 Jul 1996 02:23:25 -0700 (PDT)',
    subject: 'IMAP4rev1 WG mtg summary and minutes',
    from: gray,
    sender: gray,
    replyTo: gray,
    to: [{name: null, adl: null, mailbox: 'imap', host: 'cac.washington.edu'}],
    cc: [
      {name: null, adl: null, mailbox: 'minutes', host: 'CNRI.Reston.VA.US'},
      {name: 'John Klensin', adl: null, mailbox: 'KLENSIN', host: 'MIT.EDU'},
    ],
    bcc: null,
    inReplyTo: null,
    messageId: '<B27397-0100000@cac.washington.edu>',
  })
})

test('envelope: groups flatten with start and end markers; encoded words stay raw', () => {
  const m = crlf(['From: =?utf-8?q?J=C3=B6rg?= <j@x>', 'To: Team: a@x;', 'Subject: =?utf-8?b?w6Q=?=', '', ''])
  const env = buildEnvelope(parseMessage(m).header)
  assert.equal(env.subject, '=?utf-8?b?w6Q=?=')
  assert.equal(env.from![0]!.name, '=?utf-8?q?J=C3=B6rg?=')
  assert.deepEqual(env.to, [
    {name: null, adl: null, mailbox: 'Team', host: null},
    {name: null, adl: null, mailbox: 'a', host: 'x'},
    {name: null, adl: null, mailbox: null, host: null},
  ])
})

test('bodystructure of a simple text message: size and lines of the body', () => {
  const bs = buildBodyStructure(parseMessage(simple)) as SinglePartStructure
  assert.equal(bs.kind, 'single')
  assert.equal(bs.type, 'TEXT')
  assert.equal(bs.subtype, 'PLAIN')
  assert.deepEqual(bs.params, [['CHARSET', 'US-ASCII']])
  assert.equal(bs.encoding, '7BIT')
  assert.equal(bs.size, 'line one\r\nline two\r\n'.length)
  assert.equal(bs.lines, 2)
})

const alternative = crlf([
  'From: a@b',
  'Content-Type: multipart/alternative; boundary="XX"',
  '',
  'preamble',
  '--XX',
  'Content-Type: text/plain; charset=utf-8',
  '',
  'plain',
  '--XX',
  'Content-Type: text/html; charset=utf-8',
  'Content-Transfer-Encoding: quoted-printable',
  '',
  '<p>html</p>',
  'two',
  '--XX--',
  'epilogue',
])

test('multipart/alternative: parts end before the line break of the delimiter', () => {
  const root = parseMessage(alternative)
  assert.equal(root.children.length, 2)
  assert.equal(root.children[0]!.body().toString(), 'plain')
  assert.equal(root.children[1]!.body().toString(), '<p>html</p>\r\ntwo')
  const bs = buildBodyStructure(root)
  assert.equal(bs.kind, 'multipart')
  if (bs.kind !== 'multipart') return
  assert.equal(bs.subtype, 'ALTERNATIVE')
  const [plain, html] = bs.parts as SinglePartStructure[]
  assert.deepEqual([plain!.subtype, plain!.size, plain!.lines, plain!.encoding], ['PLAIN', 5, 1, '7BIT'])
  assert.deepEqual([html!.subtype, html!.size, html!.lines, html!.encoding], ['HTML', 16, 2, 'QUOTED-PRINTABLE'])
  assert.deepEqual(bs.params, [['boundary', 'XX']])
})

const nested = crlf([
  'Subject: nested',
  'Content-Type: multipart/mixed; boundary=outer',
  '',
  '--outer',
  'Content-Type: multipart/alternative; boundary=inner',
  '',
  '--inner',
  '',
  'default text',
  '--inner',
  'Content-Type: text/html',
  '',
  '<b>x</b>',
  '--inner--',
  '--outer',
  'Content-Type: application/pdf; name="a.pdf"',
  'Content-Disposition: attachment; filename="a.pdf"',
  'Content-Transfer-Encoding: base64',
  'Content-ID: <pdf1>',
  '',
  'JVBERi0xLjQK',
  '--outer',
  'Content-Type: message/rfc822',
  '',
  'From: Inner <inner@x>',
  'Subject: inside',
  '',
  'inner body',
  '--outer--',
  '',
])

test('nested multipart/mixed with attachment and message/rfc822', () => {
  const root = parseMessage(nested)
  assert.equal(root.children.length, 3)
  const [alt, pdf, msg] = root.children
  assert.equal(alt!.children.length, 2)
  assert.equal(alt!.children[0]!.contentType.defaulted, true)
  assert.equal(alt!.children[0]!.body().toString(), 'default text')
  assert.equal(pdf!.body().toString(), 'JVBERi0xLjQK')
  assert.equal(msg!.message!.body().toString(), 'inner body')
  const bs = buildBodyStructure(root)
  if (bs.kind !== 'multipart') return assert.fail('multipart expected')
  const attachment = bs.parts[1] as SinglePartStructure
  assert.equal(attachment.type, 'APPLICATION')
  assert.equal(attachment.id, '<pdf1>')
  assert.equal(attachment.encoding, 'BASE64')
  assert.equal(attachment.lines, null)
  assert.deepEqual(attachment.extension.disposition, {type: 'attachment', params: [['filename', 'a.pdf']]})
  const rfc822 = bs.parts[2] as SinglePartStructure
  assert.equal(rfc822.type, 'MESSAGE')
  assert.equal(rfc822.message!.envelope.subject, 'inside')
  assert.equal(rfc822.message!.envelope.from![0]!.mailbox, 'inner')
  assert.equal((rfc822.message!.body as SinglePartStructure).size, 'inner body'.length)
  assert.equal(rfc822.lines, 4)
})

test('malformed: missing final boundary, LF-only, no separator, no boundary parameter', () => {
  const open = Buffer.from('Content-Type: multipart/mixed; boundary=b\n\n--b\n\none\n--b\n\ntwo\n')
  const root = parseMessage(open)
  assert.deepEqual(
    root.children.map((c) => c.body().toString()),
    ['one', 'two\n'],
  )
  const noBoundary = parseMessage(Buffer.from('Content-Type: multipart/mixed\r\n\r\nhello\r\n'))
  assert.equal(noBoundary.children.length, 0)
  assert.equal(buildBodyStructure(noBoundary).kind, 'single')
  const headerOnly = parseMessage(Buffer.from('Subject: x'))
  assert.equal(headerOnly.bodySize, 0)
  assert.equal(buildBodyStructure(headerOnly).kind, 'single')
  // A delimiter-like line that is longer than the boundary is text.
  const lookalike = parseMessage(Buffer.from('Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n\r\n--bx\r\n--b--\r\n'))
  assert.equal(lookalike.children.length, 1)
  assert.equal(lookalike.children[0]!.body().toString(), '--bx')
})

test('deep nesting is cut off instead of exhausting the stack', () => {
  let msg = 'X: y\r\n\r\nleaf'
  for (let i = 0; i < 5000; i++) msg = `Content-Type: message/rfc822\r\n\r\n${msg}`
  const root = parseMessage(Buffer.from(msg))
  assert.ok(buildBodyStructure(root))
})

test('bodies are views into the source, not copies', () => {
  const big = Buffer.concat([Buffer.from('Content-Type: application/octet-stream\r\n\r\n'), Buffer.alloc(1 << 20, 0x41)])
  const root = parseMessage(big)
  assert.equal(root.body().buffer, big.buffer)
  assert.equal(root.bodySize, 1 << 20)
})
