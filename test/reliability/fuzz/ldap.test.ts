/**
 * What the daemon does with LDAP results and logins it turns into LDAP
 * searches (the pure functions behind LdapDirectory; certmap entries are in
 * certmap.test.ts).
 *
 * Properties:
 *  - verifyUserPassword over any stored userPassword value ({SSHA}, {SHA*},
 *    {SMD5}, {CRYPT}$1$/$5$/$6$, {CLEARTEXT}, bare, garbage, random bytes)
 *    and any password the client sends never throws and returns a boolean
 *    within the time limit; the limit grows only with the rounds= the
 *    stored value itself asks for (capped at 1,000,000 by design), never
 *    with the length of the client's password.
 *  - checkFilterTemplate (sasl.default.ldap.searchfilter and a domain
 *    entry's inetDomainSearchFilter) returns the template or throws
 *    FilterTemplateError on one line; a template it accepts expands for any
 *    login without throwing, and the login cannot change the filter's
 *    structure: parentheses and wildcards are the template's own.
 *  - escapeFilterValue and domainFilter give values and filters in which
 *    nothing from the input is structure.
 */
import assert from 'node:assert/strict'
import {test} from 'node:test'
import fc from 'fast-check'
import {checkFilterTemplate, domainFilter, escapeFilterValue, expandFilterTemplate, FilterTemplateError, splitLogin} from '../../../src/core/auth/ldap_filter.js'
import {cleartextOf, hashSsha512, parseStoredPassword, sha512Crypt, verifyUserPassword} from '../../../src/core/auth/password_schemes.js'
import {anyBytes, anyText, expectTyped, filterProblem, fuzzParams, MAX_CALL_MS, mutatedText, outcomeOf, textInput} from './fuzz_config.js'

const PASSWORD = 'sécret pw'
const STORED = [
  hashSsha512(PASSWORD, Buffer.from('0123456789abcdef')),
  '{SSHA}' + Buffer.concat([Buffer.alloc(20, 1), Buffer.from('salt')]).toString('base64'),
  '{SHA256}' + Buffer.alloc(32, 2).toString('base64'),
  '{SMD5}' + Buffer.alloc(20, 3).toString('base64'),
  '{CRYPT}' + sha512Crypt(PASSWORD, 'saltsalt'),
  '{CRYPT}' + sha512Crypt(PASSWORD, 'rounded', 1000),
  '{crypt}$5$rounds=1000$abc$' + 'x'.repeat(43),
  '{CRYPT}$1$saltsalt$' + 'a'.repeat(22),
  '{CLEARTEXT}' + PASSWORD,
  PASSWORD,
  '{UNKNOWN}zzz',
]

/** Work the stored value itself asks for: sha-crypt rounds (≈4 µs each here), allowed on top of the base limit. */
function allowance(stored: string): number {
  const rounds = /\$rounds=(\d{1,10})\$/.exec(stored)
  return rounds === null ? 0 : Math.min(Number(rounds[1]), 1_000_000) * 0.01
}

/** Passwords a client can send: short text, and long ones (an IMAP literal may carry megabytes). */
const password = fc.oneof({weight: 4, arbitrary: anyText(40)}, {weight: 1, arbitrary: fc.tuple(fc.string({minLength: 1, maxLength: 8}), fc.integer({min: 4096, max: 65536})).map(([s, n]) => s.repeat(Math.ceil(n / s.length)).slice(0, n))})

test('verifyUserPassword: any stored value and any client password give a boolean, in time bounded by the stored rounds only', () => {
  // A 64 KiB password (an IMAP LOGIN literal) against a {CRYPT}$6$ value: sha-crypt's per-byte loop is quadratic.
  const examples: [string, string][] = [[STORED[4]!, 'x'.repeat(65536)], [STORED[7]!, 'y'.repeat(65536)]]
  fc.assert(
    fc.property(fc.oneof(textInput(STORED, ['{', '}', '$', 'rounds=', 'CRYPT', 'SSHA', '$6$', '$1$', '='], 80), anyBytes(80)), password, (stored, pw) => {
      const text = typeof stored === 'string' ? stored : stored.toString('utf8')
      const ok = expectTyped('verifyUserPassword', {stored, passwordLength: pw.length}, () => verifyUserPassword(pw, stored), [], MAX_CALL_MS + allowance(text))
      assert.equal(typeof ok, 'boolean')
      expectTyped('parseStoredPassword', stored, () => parseStoredPassword(text), [])
      expectTyped('cleartextOf', stored, () => cleartextOf(text), [])
    }),
    {...fuzzParams(5), examples},
  )
})

test('verifyUserPassword: the samples accept the right password (the fuzz starts from readable values)', () => {
  for (const s of [STORED[0]!, STORED[4]!, STORED[5]!, STORED[8]!, STORED[9]!]) assert.equal(verifyUserPassword(PASSWORD, s), true, s)
})

const TEMPLATES = ['(&(uid=%U)(objectclass=inetmailuser))', 'uid=%U', '(|(mail=%o)(mailAlternateAddress=%o))', '(&(uid=%U)(|(ou=%V)(dc=%d)))', '(cn=100%%)', '(&(uid=%s)(!(inetUserStatus=inactive)))']
const TEMPLATE_TOKENS = ['(', ')', '&', '|', '!', '=', '*', '%U', '%V', '%o', '%d', '%s', '%%', '%', 'uid', 'mail', '\\']

/** Unescaped "(", ")" and "*" in order: the structure of a filter (a value's "\XX" is skipped). */
function structure(filter: string): string {
  let out = ''
  for (let i = 0; i < filter.length; i++) {
    const c = filter[i]!
    if (c === '\\') i += 2
    else if (c === '(' || c === ')' || c === '*') out += c
  }
  return out
}

const login = fc.oneof(anyText(40), fc.constantFrom('*)(uid=*', 'ann@example.test', 'a@b@c', '@', 'x\\', '\0', ')(|(uid=*', '%U'), fc.array(fc.constantFrom('*', '(', ')', '\\', '\0', '@', 'a', '%'), {maxLength: 12}).map((a) => a.join('')))

test('checkFilterTemplate / expandFilterTemplate: a template is accepted or refused on one line; a login never changes an accepted filter\'s structure', () => {
  fc.assert(
    fc.property(fc.oneof(textInput(TEMPLATES, TEMPLATE_TOKENS, 60), mutatedText(TEMPLATES)), login, anyText(12), (template, user, defaultDomain) => {
      const checked = outcomeOf('checkFilterTemplate', template, () => checkFilterTemplate(template), [FilterTemplateError])
      if (!checked.ok) return
      const expanded = expectTyped('expandFilterTemplate', {template, user}, () => expandFilterTemplate(template, splitLogin(user, defaultDomain)), [])!
      const neutral = expandFilterTemplate(template, splitLogin('x@y', 'y'))
      // A backslash of the template's own may swallow a substituted character; only clean templates are compared.
      if (!template.includes('\\')) assert.equal(structure(expanded), structure(neutral), `login ${JSON.stringify(user)} changed ${JSON.stringify(template)} into ${JSON.stringify(expanded)}`)
    }),
    fuzzParams(10),
  )
})

test('escapeFilterValue and domainFilter: nothing from the value is filter structure', () => {
  fc.assert(
    fc.property(login, (value) => {
      const escaped = expectTyped('escapeFilterValue', value, () => escapeFilterValue(value), [])!
      assert.equal(structure(escaped), '', `escaped value ${JSON.stringify(escaped)} has structure`)
      assert.ok(!escaped.includes('\0'), 'NUL survives escaping')
      const filter = expectTyped('domainFilter', value, () => domainFilter(value), [])!
      assert.equal(filterProblem(filter), null, `domain filter ${JSON.stringify(filter)}: ${filterProblem(filter)}`)
    }),
    fuzzParams(5),
  )
})
