import assert from 'node:assert/strict'
import {test} from 'node:test'
import {checkFilterTemplate, domainFilter, escapeFilterValue, expandFilterTemplate, FilterTemplateError, splitLogin} from '../../src/core/auth/ldap_filter.js'

test('escapeFilterValue: the five RFC 4515 specials, nothing else', () => {
  assert.equal(escapeFilterValue('a*b(c)d\\e\0f'), 'a\\2ab\\28c\\29d\\5ce\\00f')
  assert.equal(escapeFilterValue('*)(uid=*'), '\\2a\\29\\28uid=\\2a')
  assert.equal(escapeFilterValue('jörg.o\'neil+x@example.com'), 'jörg.o\'neil+x@example.com')
  assert.equal(escapeFilterValue(''), '')
})

test('splitLogin: last @ separates user and domain; the domain is lower-cased', () => {
  assert.deepEqual(splitLogin('Bob@Example.COM'), {user: 'Bob', domain: 'example.com', original: 'Bob@Example.COM', domainGiven: true})
  assert.deepEqual(splitLogin('a@b@c.org'), {user: 'a@b', domain: 'c.org', original: 'a@b@c.org', domainGiven: true})
  assert.deepEqual(splitLogin('bob'), {user: 'bob', domain: '', original: 'bob', domainGiven: false})
  assert.deepEqual(splitLogin('bob', 'Default.Org'), {user: 'bob', domain: 'default.org', original: 'bob', domainGiven: false})
  assert.deepEqual(splitLogin('bob@', 'd.org'), {user: 'bob@', domain: 'd.org', original: 'bob@', domainGiven: false}, 'a trailing @ is no domain')
})

test('expandFilterTemplate: %U %V %o, aliases %d %s, %% literal', () => {
  const p = splitLogin('Bob@Example.com')
  assert.equal(expandFilterTemplate('(&(uid=%U)(objectclass=inetmailuser))', p), '(&(uid=Bob)(objectclass=inetmailuser))')
  assert.equal(expandFilterTemplate('(|(mail=%U@%V)(mail=%o))', p), '(|(mail=Bob@example.com)(mail=Bob@Example.com))')
  assert.equal(expandFilterTemplate('(&(uid=%U)(dc=%d)(x=%s))', p), '(&(uid=Bob)(dc=example.com)(x=Bob@Example.com))')
  assert.equal(expandFilterTemplate('(cn=100%%%U)', p), '(cn=100%Bob)')
  assert.equal(expandFilterTemplate('uid=%U', p), '(uid=Bob)', 'a bare filter is wrapped')
})

test('expandFilterTemplate: injection attempts stay one literal value', () => {
  const f = expandFilterTemplate('(&(uid=%U)(objectclass=inetmailuser))', splitLogin('*)(uid=*'))
  assert.equal(f, '(&(uid=\\2a\\29\\28uid=\\2a)(objectclass=inetmailuser))')
  const g = expandFilterTemplate('(&(uid=%U)(objectclass=inetmailuser))', splitLogin('admin)(|(uid=*'))
  assert.equal(g, '(&(uid=admin\\29\\28|\\28uid=\\2a)(objectclass=inetmailuser))')
  // The domain part is escaped too.
  assert.equal(expandFilterTemplate('(mail=%U@%V)', splitLogin('x@*)(a=*')), '(mail=x@\\2a\\29\\28a=\\2a)')
  assert.equal(domainFilter('*'), '(|(sunPreferredDomain=\\2a)(associatedDomain=\\2a))')
  assert.equal(domainFilter('Example.ORG'), '(|(sunPreferredDomain=example.org)(associatedDomain=example.org))')
})

test('checkFilterTemplate: typos are reported with a sentence', () => {
  assert.throws(() => checkFilterTemplate(''), FilterTemplateError)
  assert.throws(() => checkFilterTemplate('(uid=%u)'), /unknown token %u/)
  assert.throws(() => checkFilterTemplate('(uid=%'), /unknown token %/)
  assert.throws(() => checkFilterTemplate('(&(uid=%U)'), /unbalanced/)
  assert.throws(() => checkFilterTemplate('(uid=%U))'), /unbalanced|after its closing/)
  assert.throws(() => checkFilterTemplate('(uid=%U)(cn=x)'), /after its closing parenthesis/)
  assert.equal(checkFilterTemplate(' (uid=%U) '), '(uid=%U)')
})
