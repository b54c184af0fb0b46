import assert from 'node:assert/strict'
import {test} from 'node:test'
import {parseMailbox, parsePathWithParameters} from '../../src/daemon/smtp/address.js'
import {checkMailParameters} from '../../src/daemon/smtp/mail_parameters.js'
import {isSmtpReply} from '../../src/daemon/smtp/reply.js'

const MAIL = {allowNull: true, allowPostmaster: false}
const RCPT = {allowNull: false, allowPostmaster: true}

test('plain paths, with and without a leading space or brackets', () => {
  for (const text of ['<joe@Example.COM>', ' <joe@Example.COM>', 'joe@Example.COM']) {
    const r = parsePathWithParameters(text, MAIL)
    assert.ok(r.ok, text)
    assert.deepEqual(r.mailbox, {localPart: 'joe', domain: 'example.com', address: 'joe@Example.COM'})
    assert.deepEqual(r.params, [])
  }
})

test('null reverse-path only where allowed', () => {
  const r = parsePathWithParameters('<>', MAIL)
  assert.ok(r.ok)
  assert.equal(r.mailbox, null)
  assert.equal(parsePathWithParameters('<>', RCPT).ok, false)
})

test('quoted local parts keep their value and their written form', () => {
  const r = parsePathWithParameters('<"john \\"q\\" smith"@example.com>', MAIL)
  assert.ok(r.ok)
  assert.equal(r.mailbox?.localPart, 'john "q" smith')
  assert.equal(r.mailbox?.address, '"john \\"q\\" smith"@example.com')
  // A ">" inside quotes does not end the path.
  const q = parsePathWithParameters('<"a>b"@x.org> SIZE=1', MAIL)
  assert.ok(q.ok)
  assert.equal(q.mailbox?.localPart, 'a>b')
  assert.deepEqual(q.params, [{keyword: 'SIZE', value: '1'}])
})

test('source routes are accepted and ignored', () => {
  const r = parsePathWithParameters('<@relay1.org,@relay2.org:user@final.org>', RCPT)
  assert.ok(r.ok)
  assert.equal(r.mailbox?.address, 'user@final.org')
})

test('postmaster without a domain only for RCPT', () => {
  const r = parsePathWithParameters('<Postmaster>', RCPT)
  assert.ok(r.ok)
  assert.deepEqual(r.mailbox, {localPart: 'Postmaster', domain: null, address: 'Postmaster'})
  assert.equal(parsePathWithParameters('<postmaster>', MAIL).ok, false)
})

test('address literals', () => {
  assert.equal(parseMailbox('a@[192.0.2.1]') instanceof Object, true)
  assert.equal(typeof parseMailbox('a@[IPv6:2001:db8::1]'), 'object')
  assert.equal(typeof parseMailbox('a@[300'), 'string')
})

test('bad addresses give reasons, never exceptions', () => {
  const bad = ['<joe>', '<@>', '<a..b@x.org>', '<.a@x.org>', '<a@-x.org>', '<a@x..org>', '<a@x.org', '<a@x.org>junk', '<"unterminated@x.org>', '<caf\u00e9@x.org>', '<a\0b@x.org>', `<${'a'.repeat(65)}@x.org>`, `<a@${'b'.repeat(64)}.org>`, '', '<a@b>  SIZE=\u00ff', '<a@b> =1', '<a@b> -X']
  for (const text of bad) {
    const r = parsePathWithParameters(text, MAIL)
    assert.equal(r.ok, false, JSON.stringify(text))
    if (!r.ok) assert.ok(r.reason.length > 0)
  }
})

test('ESMTP parameters: keywords upper-cased, values kept, value-less allowed', () => {
  const r = parsePathWithParameters('<a@b.org> size=1000 BODY=8BITMIME  SMTPUTF8', MAIL)
  assert.ok(r.ok)
  assert.deepEqual(r.params, [
    {keyword: 'SIZE', value: '1000'},
    {keyword: 'BODY', value: '8BITMIME'},
    {keyword: 'SMTPUTF8', value: null},
  ])
})

test('MAIL parameters: SIZE limit, BODY values, unknown and duplicate', () => {
  const ok = checkMailParameters([{keyword: 'SIZE', value: '100'}, {keyword: 'BODY', value: '8bitmime'}], 1000)
  assert.deepEqual(ok, {size: 100, body: '8BITMIME'})
  const big = checkMailParameters([{keyword: 'SIZE', value: '1001'}], 1000)
  assert.ok(isSmtpReply(big))
  assert.equal(big.code, 552)
  assert.equal(big.enhanced, '5.3.4')
  assert.deepEqual(checkMailParameters([{keyword: 'SIZE', value: '99999999'}], 0), {size: 99999999, body: '7BIT'})
  for (const [params, code] of [
    [[{keyword: 'SIZE', value: 'x'}], 501],
    [[{keyword: 'SIZE', value: null}], 501],
    [[{keyword: 'BODY', value: 'BINARYMIME'}], 501],
    [[{keyword: 'SIZE', value: '1'}, {keyword: 'SIZE', value: '1'}], 501],
    [[{keyword: 'NOTIFY', value: 'NEVER'}], 555],
  ] as const) {
    const r = checkMailParameters(params, 1000)
    assert.ok(isSmtpReply(r))
    assert.equal(r.code, code, JSON.stringify(params))
  }
})
