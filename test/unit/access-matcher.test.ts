import assert from 'node:assert/strict'
import {test} from 'node:test'
import {
  evaluateAccess,
  evaluateAccessAsync,
  evaluateCompact,
  evaluateCompactAsync,
  parseFilters,
  type AccessDecision,
  type AccessRequest,
  type FilterSet,
} from '../../src/core/access/index.js'

/** A connection as a test describes it; names default to a failed lookup. */
interface Conn {
  service?: string
  client: string
  name?: string
  user?: string
  server?: string
  serverName?: string
}

/** Lookups each getter was asked for, to check laziness. */
type Calls = string[]

function request(c: Conn, calls: Calls = []): AccessRequest {
  const req: AccessRequest = {
    service: c.service ?? 'imap',
    serverAddress: c.server ?? '192.0.2.1',
    clientAddress: c.client,
    clientName: () => {
      calls.push('clientName')
      return c.name ?? 'unknown'
    },
    identUser: () => {
      calls.push('identUser')
      return c.user ?? 'unknown'
    },
  }
  if (c.serverName !== undefined) {
    const serverName = c.serverName
    return {
      ...req,
      serverName: () => {
        calls.push('serverName')
        return serverName
      },
    }
  }
  return req
}

const parse = (text: string | undefined): FilterSet | null => (text === undefined ? null : parseFilters(text))

const GRANT_A0: AccessDecision = {allowed: true, matched: {table: 'allow', rule: 0}}
const DENY_D0: AccessDecision = {allowed: false, matched: {table: 'deny', rule: 0}}
const DEFAULT_GRANT: AccessDecision = {allowed: true}

// daemon-reference.md §2.4, one entry per client of each row.
// A = allow value, D = deny value; a name with no address uses a documentation address.
const rows: Array<{row: string; allow?: string; deny?: string; conn: Conn; expect: AccessDecision}> = [
  {row: 'suffix grants', allow: 'imap: .siroe.com', conn: {client: '192.0.2.10', name: 'a.siroe.com'}, expect: GRANT_A0},
  {row: 'suffix needs an extra char', allow: 'imap: .siroe.com', deny: 'ALL: ALL', conn: {client: '192.0.2.10', name: 'siroe.com'}, expect: DENY_D0},
  {row: 'address prefix matches', allow: 'imap: 192.168.', deny: 'ALL: ALL', conn: {client: '192.168.1.9'}, expect: GRANT_A0},
  {row: 'address prefix anchored at start', allow: 'imap: 192.168.', deny: 'ALL: ALL', conn: {client: '10.192.168.1'}, expect: DENY_D0},
  {row: 'netmask inside', allow: 'ALL: 131.155.72.0/255.255.254.0', deny: 'ALL: ALL', conn: {client: '131.155.73.255'}, expect: GRANT_A0},
  {row: 'netmask outside', allow: 'ALL: 131.155.72.0/255.255.254.0', deny: 'ALL: ALL', conn: {client: '131.155.74.0'}, expect: DENY_D0},
  {row: 'CIDR (extension, as CIDR-patched builds)', allow: 'ALL: 10.0.0.0/8', deny: 'ALL: ALL', conn: {client: '10.1.2.3'}, expect: GRANT_A0},
  {row: 'nested EXCEPT: exception of exception', deny: 'imap: ALL EXCEPT .bad.com EXCEPT ok.bad.com', conn: {client: '192.0.2.10', name: 'ok.bad.com'}, expect: DENY_D0},
  {row: 'nested EXCEPT: exception', deny: 'imap: ALL EXCEPT .bad.com EXCEPT ok.bad.com', conn: {client: '192.0.2.10', name: 'x.bad.com'}, expect: DEFAULT_GRANT},
  {row: 'nested EXCEPT: outside', deny: 'imap: ALL EXCEPT .bad.com EXCEPT ok.bad.com', conn: {client: '192.0.2.10', name: 'y.good.com'}, expect: DENY_D0},
  {row: 'service EXCEPT: pop excepted', deny: 'ALL EXCEPT pop: x.siroe.com', conn: {service: 'pop', client: '192.0.2.10', name: 'x.siroe.com'}, expect: DEFAULT_GRANT},
  {row: 'service EXCEPT: imap denied', deny: 'ALL EXCEPT pop: x.siroe.com', conn: {service: 'imap', client: '192.0.2.10', name: 'x.siroe.com'}, expect: DENY_D0},
  {row: 'LOCAL: dotless name', deny: 'imap: LOCAL', conn: {client: '192.0.2.10', name: 'mailhost'}, expect: DENY_D0},
  {row: 'LOCAL: dotted name', deny: 'imap: LOCAL', conn: {client: '192.0.2.10', name: 'mailhost.siroe.com'}, expect: DEFAULT_GRANT},
  {row: 'LOCAL: unknown name', deny: 'imap: LOCAL', conn: {client: '192.0.2.10', name: 'unknown'}, expect: DEFAULT_GRANT},
  {row: 'UNKNOWN: reverse lookup failed', deny: 'imap: UNKNOWN', conn: {client: '192.0.2.10'}, expect: DENY_D0},
  {row: 'UNKNOWN: verified name', deny: 'imap: UNKNOWN', conn: {client: '192.0.2.10', name: 'a.siroe.com'}, expect: DEFAULT_GRANT},
  {row: 'KNOWN: reverse lookup failed', deny: 'imap: KNOWN', conn: {client: '192.0.2.10'}, expect: DEFAULT_GRANT},
  {row: 'KNOWN: verified name', deny: 'imap: KNOWN', conn: {client: '192.0.2.10', name: 'a.siroe.com'}, expect: DENY_D0},
  {row: 'DNSSPOOFER: name did not verify', deny: 'imap: DNSSPOOFER', conn: {client: '192.0.2.10', name: 'paranoid'}, expect: DENY_D0},
  {row: 'user@host: ident bob', allow: 'imap: bob@ALL', deny: 'imap: ALL', conn: {client: '192.0.2.10', user: 'bob'}, expect: GRANT_A0},
  {row: 'user@host: ident failed', allow: 'imap: bob@ALL', deny: 'imap: ALL', conn: {client: '192.0.2.10'}, expect: DENY_D0},
  {row: 'UNKNOWN@ALL: ident failed', deny: 'imap: UNKNOWN@ALL', conn: {client: '192.0.2.10'}, expect: DENY_D0},
  {row: 'service@host: other server address', allow: 'imap@10.0.0.1: ALL', deny: 'imap: ALL', conn: {client: '192.0.2.10', server: '10.0.0.2'}, expect: DENY_D0},
  {row: 'IPv6 literal', allow: 'imap: [::1] [2001:db8::]/32', deny: 'ALL: ALL', conn: {client: '::1'}, expect: GRANT_A0},
  {row: 'IPv6 prefix inside', allow: 'imap: [::1] [2001:db8::]/32', deny: 'ALL: ALL', conn: {client: '2001:db8::5'}, expect: GRANT_A0},
  {row: 'IPv6 prefix outside', allow: 'imap: [::1] [2001:db8::]/32', deny: 'ALL: ALL', conn: {client: '2001:db9::1'}, expect: DENY_D0},
  {row: 'dual-stack ::ffff: prefix stripped', allow: 'imap: 127.0.0.1', deny: 'ALL: ALL', conn: {client: '::ffff:127.0.0.1'}, expect: GRANT_A0},
  {row: 'no rules', conn: {client: '203.0.113.7', name: 'anything.example'}, expect: DEFAULT_GRANT},
  {row: 'other domain', allow: 'imap: .good.com', deny: 'ALL: ALL', conn: {client: '192.0.2.10', name: 'x.evil.com'}, expect: DENY_D0},
]

for (const r of rows) {
  test(`§2.4 ${r.row}: A=${JSON.stringify(r.allow ?? '')} D=${JSON.stringify(r.deny ?? '')} client ${r.conn.name ?? r.conn.client}`, () => {
    assert.deepEqual(evaluateAccess(parse(r.allow), parse(r.deny), request(r.conn)), r.expect)
  })
}

test('§2.4 CIDR row: the classic dotted-quad mask form of the same network also grants', () => {
  const allow = parseFilters('ALL: 10.0.0.0/255.0.0.0')
  const deny = parseFilters('ALL: ALL')
  assert.deepEqual(evaluateAccess(allow, deny, request({client: '10.1.2.3'})), GRANT_A0)
  assert.deepEqual(evaluateAccess(allow, deny, request({client: '11.1.2.3'})), DENY_D0)
})

test('§2.4 compact attribute with allow rules only denies other services', () => {
  const set = parseFilters('+imap:ALL')
  assert.deepEqual(evaluateCompact(set, request({service: 'pop', client: '192.0.2.10'})), {allowed: false})
  assert.deepEqual(evaluateCompact(set, request({service: 'imap', client: '192.0.2.10'})), GRANT_A0)
})

test('§2.4 compact attribute -imap:*$-pop:*$-http:* denies those services and grants smtp', () => {
  const set = parseFilters('-imap:*$-pop:*$-http:*')
  const decide = (service: string): AccessDecision => evaluateCompact(set, request({service, client: '192.0.2.10'}))
  assert.deepEqual(decide('imap'), {allowed: false, matched: {table: 'deny', rule: 0}})
  assert.deepEqual(decide('pop'), {allowed: false, matched: {table: 'deny', rule: 1}})
  assert.deepEqual(decide('http'), {allowed: false, matched: {table: 'deny', rule: 2}})
  assert.deepEqual(decide('smtp'), {allowed: true})
})

test('compact: allow rules are tried before deny rules; unsigned rules count as allow', () => {
  const set = parseFilters('-ALL:ALL EXCEPT server1.sesta.com$+imap:10.0.0.1')
  assert.deepEqual(evaluateCompact(set, request({client: '10.0.0.1'})), {allowed: true, matched: {table: 'allow', rule: 1}})
  assert.deepEqual(evaluateCompact(set, request({client: '10.0.0.2', name: 'x.sesta.com'})), {allowed: false, matched: {table: 'deny', rule: 0}})
  assert.deepEqual(evaluateCompact(set, request({client: '10.0.0.3', name: 'server1.sesta.com'})), {allowed: true})
  const unsigned = parseFilters('imap: 10.0.0.1')
  assert.deepEqual(evaluateCompact(unsigned, request({client: '10.0.0.2'})), {allowed: false})
  assert.deepEqual(evaluateCompact(null, request({client: '10.0.0.2'})), {allowed: true})
  assert.deepEqual(evaluateCompact(parseFilters(''), request({client: '10.0.0.2'})), {allowed: true})
})

test('the first matching rule of a table wins and is reported by index', () => {
  const allow = parseFilters('pop: ALL\nimap: 10.0.0.0/8\nimap: ALL')
  assert.deepEqual(evaluateAccess(allow, null, request({client: '10.9.9.9'})), {allowed: true, matched: {table: 'allow', rule: 1}})
  assert.deepEqual(evaluateAccess(allow, null, request({client: '11.9.9.9'})), {allowed: true, matched: {table: 'allow', rule: 2}})
  const deny = parseFilters('pop: ALL$imap: 11.')
  assert.deepEqual(evaluateAccess(null, deny, request({client: '11.0.0.1'})), {allowed: false, matched: {table: 'deny', rule: 1}})
})

test('a signed rule inside a table acts by its sign', () => {
  const allow = parseFilters('-imap: 10.0.0.1\n+imap: ALL')
  assert.deepEqual(evaluateAccess(allow, null, request({client: '10.0.0.1'})), {allowed: false, matched: {table: 'allow', rule: 0}})
  assert.deepEqual(evaluateAccess(allow, null, request({client: '10.0.0.2'})), {allowed: true, matched: {table: 'allow', rule: 1}})
  const deny = parseFilters('+imap: 10.0.0.1\nimap: ALL')
  assert.deepEqual(evaluateAccess(null, deny, request({client: '10.0.0.1'})), {allowed: true, matched: {table: 'deny', rule: 0}})
})

test('EXCEPT with several entries on each side: (a or b) and not (c or d)', () => {
  const deny = parseFilters('imap: .a.com .b.com EXCEPT x.a.com, x.b.com')
  const denied = (name: string): boolean => !evaluateAccess(null, deny, request({client: '192.0.2.10', name})).allowed
  assert.equal(denied('y.a.com'), true)
  assert.equal(denied('y.b.com'), true)
  assert.equal(denied('x.a.com'), false)
  assert.equal(denied('x.b.com'), false)
  assert.equal(denied('y.c.com'), false)
})

test('seed virtual domains: @.siroe1.com restricts the server address to that domain', () => {
  const allow = parseFilters('ALL@192.0.2.1: @.siroe1.com\nALL@192.0.2.2: @.siroe2.com')
  const deny = parseFilters('ALL: ALL')
  const decide = (server: string, name: string): boolean => evaluateAccess(allow, deny, request({client: '198.51.100.7', name, server})).allowed
  assert.equal(decide('192.0.2.1', 'pc.siroe1.com'), true)
  assert.equal(decide('192.0.2.1', 'pc.siroe2.com'), false)
  assert.equal(decide('192.0.2.2', 'pc.siroe2.com'), true)
  assert.equal(decide('192.0.2.3', 'pc.siroe1.com'), false)
})

test('service@name matches the server host name; without a server name it is unknown', () => {
  const allow = parseFilters('pop@mailServer1.siroe.com: ALL')
  const deny = parseFilters('ALL: ALL')
  assert.deepEqual(evaluateAccess(allow, deny, request({service: 'pop', client: '192.0.2.10', serverName: 'MAILSERVER1.siroe.com'})), GRANT_A0)
  assert.deepEqual(evaluateAccess(allow, deny, request({service: 'pop', client: '192.0.2.10', serverName: 'mailserver2.siroe.com'})), DENY_D0)
  assert.deepEqual(evaluateAccess(allow, deny, request({service: 'pop', client: '192.0.2.10'})), DENY_D0)
  const unknownServer = parseFilters('imap@UNKNOWN: ALL')
  assert.deepEqual(evaluateAccess(null, unknownServer, request({client: '192.0.2.10'})), DENY_D0)
})

test('@netgroup never matches', () => {
  const deny = parseFilters('ALL: @netgroup1')
  assert.deepEqual(evaluateAccess(null, deny, request({client: '192.0.2.10', name: 'netgroup1'})), DEFAULT_GRANT)
})

test('comparisons are case-insensitive for services, names and users', () => {
  const deny = parseFilters('IMAP: .Siroe.COM Bob@ALL')
  assert.equal(evaluateAccess(null, deny, request({service: 'Imap', client: '192.0.2.10', name: 'A.SIROE.com'})).allowed, false)
  assert.equal(evaluateAccess(null, deny, request({service: 'imap', client: '192.0.2.10', user: 'BOB'})).allowed, false)
  assert.equal(evaluateAccess(null, deny, request({service: 'imap', client: '192.0.2.10', user: 'bobby'})).allowed, true)
})

test('a paranoid host matches DNSSPOOFER only: not UNKNOWN, KNOWN or LOCAL', () => {
  const conn = {client: '192.0.2.10', name: 'paranoid'}
  for (const [pattern, matches] of [['DNSSPOOFER', true], ['PARANOID', true], ['UNKNOWN', false], ['KNOWN', false], ['LOCAL', false]] as const) {
    assert.equal(evaluateAccess(null, parseFilters(`imap: ${pattern}`), request(conn)).allowed, !matches, pattern)
  }
})

test('UNKNOWN and KNOWN also look at the address: an unknown address is UNKNOWN and never KNOWN', () => {
  const conn = {client: 'unknown', name: 'a.siroe.com'}
  assert.equal(evaluateAccess(null, parseFilters('imap: UNKNOWN'), request(conn)).allowed, false)
  assert.equal(evaluateAccess(null, parseFilters('imap: KNOWN'), request(conn)).allowed, true)
  assert.equal(evaluateAccess(null, parseFilters('imap: KNOWN'), request({client: '192.0.2.1', name: 'a.siroe.com'})).allowed, false)
})

test('KNOWN and UNKNOWN in the user part', () => {
  const deny = parseFilters('imap: KNOWN@ALL')
  assert.equal(evaluateAccess(null, deny, request({client: '192.0.2.10', user: 'bob'})).allowed, false)
  assert.equal(evaluateAccess(null, deny, request({client: '192.0.2.10'})).allowed, true)
  const deny2 = parseFilters('imap: UNKNOWN@ALL')
  assert.equal(evaluateAccess(null, deny2, request({client: '192.0.2.10', user: 'bob'})).allowed, true)
})

test('host name prefix (mail.) and exact names', () => {
  const deny = parseFilters('imap: mail. roberts.newyork.siroe.com')
  const denied = (name: string): boolean => !evaluateAccess(null, deny, request({client: '192.0.2.10', name})).allowed
  assert.equal(denied('mail.siroe.com'), true)
  assert.equal(denied('mailhost.siroe.com'), false)
  assert.equal(denied('roberts.newyork.siroe.com'), true)
  assert.equal(denied('roberts.newyork.siroe.com.'), true)
  assert.equal(denied('x.roberts.newyork.siroe.com'), false)
})

test('IPv6: zones, bare literals, v4-mapped clients against IPv6 patterns', () => {
  const denied = (rule: string, client: string): boolean => !evaluateAccess(null, parseFilters(rule), request({client})).allowed
  assert.equal(denied('imap: [fe80::1%eth0]', 'fe80::1%eth0'), true)
  assert.equal(denied('imap: [fe80::1%eth0]', 'fe80::1%eth1'), false)
  assert.equal(denied('imap: [fe80::1]', 'fe80::1%eth1'), true)
  assert.equal(denied('imap: 2001:DB8::1', '2001:db8:0:0:0:0:0:1'), true)
  assert.equal(denied('imap: [2001:db8::]/127', '2001:db8::1'), true)
  assert.equal(denied('imap: [2001:db8::]/127', '2001:db8::2'), false)
  assert.equal(denied('imap: [::ffff:0:0]/96', '10.1.2.3'), true)
  assert.equal(denied('imap: [::ffff:10.1.2.3]', '::ffff:10.1.2.3'), true)
  assert.equal(denied('imap: [::]/0', '192.0.2.1'), true)
  assert.equal(denied('imap: 10.0.0.0/8', '2001:db8::1'), false)
  assert.equal(denied('imap: [::1]', '127.0.0.1'), false)
})

test('::ffff: stripping: IPv4 prefix, netmask and literal patterns see the plain IPv4 address', () => {
  const denied = (rule: string, client: string): boolean => !evaluateAccess(null, parseFilters(rule), request({client})).allowed
  assert.equal(denied('imap: 10.', '::ffff:10.9.8.7'), true)
  assert.equal(denied('imap: 10.', '::FFFF:10.9.8.7'), true)
  assert.equal(denied('imap: 10.0.0.0/255.0.0.0', '::ffff:10.9.8.7'), true)
  assert.equal(denied('imap: 10.9.8.7', '::ffff:a09:807'), true)
  assert.equal(denied('imap: 10.', '::fffe:10.9.8.7'), false)
  assert.equal(denied('imap: 0.0.0.0/0', 'garbage'), false)
})

test('lookups are lazy: address filters never ask for the name, ident only after the host matched', () => {
  let calls: Calls = []
  evaluateAccess(parseFilters('imap: 10.0.0.0/8 192.168.'), parseFilters('ALL: ALL'), request({client: '172.16.0.1'}, calls))
  assert.deepEqual(calls, [])

  calls = []
  evaluateAccess(null, parseFilters('pop: .siroe.com bob@ALL'), request({service: 'imap', client: '10.0.0.1'}, calls))
  assert.deepEqual(calls, [], 'service did not match, so no client lookups')

  calls = []
  evaluateAccess(null, parseFilters('imap: bob@.siroe.com'), request({client: '10.0.0.1', name: 'x.other.com'}, calls))
  assert.deepEqual(calls, ['clientName'], 'host did not match, so no ident')

  calls = []
  evaluateAccess(null, parseFilters('imap: .a.com .b.com bob@.c.com\nimap: x.c.com EXCEPT ALL@.c.com'), request({client: '10.0.0.1', name: 'x.c.com', user: 'eve'}, calls))
  assert.deepEqual(calls, ['clientName', 'identUser'], 'each lookup at most once')

  calls = []
  const d = evaluateAccess(null, parseFilters('imap: ALL@.siroe.com'), request({client: '10.0.0.1', name: 'pc.siroe.com'}, calls))
  assert.deepEqual(d, DENY_D0)
  assert.deepEqual(calls, ['clientName'], 'ALL@host needs no ident answer')
})

test('async evaluation fetches each lookup only when reached and agrees with sync', async () => {
  const calls: string[] = []
  const allow = parseFilters('imap: 10.0.0.0/8\nimap: bob@.siroe.com\nimap@mail.siroe.com: ALL')
  const deny = parseFilters('ALL: ALL')
  const req = {
    service: 'imap',
    serverAddress: '192.0.2.1',
    clientAddress: '::ffff:172.16.0.9',
    clientName: async () => {
      calls.push('clientName')
      return 'pc.siroe.com'
    },
    identUser: () => {
      calls.push('identUser')
      return Promise.resolve('eve')
    },
    serverName: async () => {
      calls.push('serverName')
      return 'mail.siroe.com'
    },
  }
  assert.deepEqual(await evaluateAccessAsync(allow, deny, req), {allowed: true, matched: {table: 'allow', rule: 2}})
  assert.deepEqual(calls, ['clientName', 'identUser', 'serverName'])

  calls.length = 0
  assert.deepEqual(await evaluateAccessAsync(allow, deny, {...req, clientAddress: '10.1.1.1'}), GRANT_A0)
  assert.deepEqual(calls, [], 'an address rule decided: no lookups at all')

  calls.length = 0
  const compact = parseFilters('+imap:KNOWN@.siroe.com')
  assert.deepEqual(await evaluateCompactAsync(compact, req), GRANT_A0)
  assert.deepEqual(calls, ['clientName', 'identUser'])
  assert.deepEqual(await evaluateCompactAsync(compact, {...req, service: 'pop'}), {allowed: false})
})

test('async evaluation without a serverName getter treats the server name as unknown', async () => {
  const allow = parseFilters('imap@UNKNOWN: ALL')
  const req = {service: 'imap', serverAddress: '192.0.2.1', clientAddress: '10.0.0.1', clientName: () => 'unknown', identUser: () => 'unknown'}
  assert.deepEqual(await evaluateAccessAsync(allow, parseFilters('ALL: ALL'), req), GRANT_A0)
})

test('a filter set round-tripped through JSON decides exactly like the original', () => {
  const text = 'imap: .siroe.com 10.0.0.0/8 [2001:db8::]/32 bob@192.168. EXCEPT x.siroe.com 10.9.0.0/16 EXCEPT 10.9.9.9\nALL EXCEPT pop: LOCAL'
  const set = parseFilters(text)
  const copy = JSON.parse(JSON.stringify(set)) as FilterSet
  const conns: Conn[] = [
    {client: '192.0.2.10', name: 'a.siroe.com'},
    {client: '192.0.2.10', name: 'x.siroe.com'},
    {client: '10.9.1.1'},
    {client: '10.9.9.9'},
    {client: '10.1.1.1'},
    {client: '2001:db8::7'},
    {client: '192.168.3.3', user: 'bob'},
    {client: '192.168.3.3', user: 'eve'},
    {client: '192.0.2.10', name: 'mailhost'},
    {service: 'pop', client: '192.0.2.10', name: 'mailhost'},
  ]
  const results = conns.map((c) => evaluateAccess(null, set, request(c)).allowed)
  assert.deepEqual(results, [false, true, true, false, false, false, false, true, false, true])
  assert.deepEqual(conns.map((c) => evaluateAccess(null, copy, request(c)).allowed), results)
})
