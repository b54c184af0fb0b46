import assert from 'node:assert/strict'
import {isIPv6} from 'node:net'
import {test} from 'node:test'
import {FilterSyntaxError, parseFilters, type ClientPattern, type FilterSet, type HostPattern, type PatternList, type ServicePattern} from '../../src/core/access/index.js'
import {ConfigError} from '../../src/core/errors.js'

// Shorthands for expected trees.
const list = <T>(include: T[], except: PatternList<T> | null = null): PatternList<T> => ({include, except})
const svc = (service: ServicePattern['service'], host: HostPattern | null = null): ServicePattern => ({service, host})
const cli = (host: HostPattern, user: ClientPattern['user'] = null): ClientPattern => ({host, user})
const ALL: HostPattern = {kind: 'all'}
const name = (n: string): HostPattern => ({kind: 'name', name: n})
const domain = (suffix: string): HostPattern => ({kind: 'domain', suffix})
const ip4 = (a: number, b: number, c: number, d: number): number => ((a << 24) >>> 0) + (b << 16) + (c << 8) + d

/** The single rule of a one-rule value, without its position fields. */
function only(text: string): {services: PatternList<ServicePattern>; clients: PatternList<ClientPattern>; action: string | null} {
  const set = parseFilters(text)
  assert.equal(set.rules.length, 1, `one rule in ${text}`)
  const r = set.rules[0]!
  return {services: r.services, clients: r.clients, action: r.action}
}

/** Assert parseFilters(text) throws a FilterSyntaxError at `column` whose message matches. */
function fails(text: string, column: number, message: RegExp): void {
  assert.throws(
    () => parseFilters(text),
    (e: unknown) => {
      assert.ok(e instanceof FilterSyntaxError, `FilterSyntaxError for ${JSON.stringify(text)}, got ${String(e)}`)
      assert.equal(e.column, column, `column for ${JSON.stringify(text)}: ${e.message}`)
      assert.match(e.message, new RegExp(`^column ${column}: `))
      assert.match(e.message, message)
      return true
    },
  )
}

// Every filter example of the seed chapter, with the tree it must give.
const seedExamples: Array<[string, FilterSet['rules'][number]['services'], FilterSet['rules'][number]['clients']]> = [
  ['imap: roberts.newyork.siroe.com', list([svc('imap')]), list([cli(name('roberts.newyork.siroe.com'))])],
  ['pop: ALL', list([svc('pop')]), list([cli(ALL)])],
  ['http: ALL', list([svc('http')]), list([cli(ALL)])],
  ['pop@mailServer1.siroe.com: ALL', list([svc('pop', name('mailserver1.siroe.com'))]), list([cli(ALL)])],
  ['imap: srashad@xyz.europe.siroe.com', list([svc('imap')]), list([cli(name('xyz.europe.siroe.com'), {kind: 'exact', name: 'srashad'})])],
  ['pop, imap, http: .europe.siroe.com .newyork.siroe.com', list([svc('pop'), svc('imap'), svc('http')]), list([cli(domain('.europe.siroe.com')), cli(domain('.newyork.siroe.com'))])],
  ['+imap,pop,http:*', list([svc('imap'), svc('pop'), svc('http')]), list([cli(ALL)])],
  ['ALL: ALL EXCEPT isserver.siroe.com', list([svc('all')]), list([cli(ALL)], list([cli(name('isserver.siroe.com'))]))],
  ['ALL: ALL', list([svc('all')]), list([cli(ALL)])],
  ['ALL: LOCAL @netgroup1', list([svc('all')]), list([cli({kind: 'local'}), cli({kind: 'netgroup', name: 'netgroup1'})])],
  ['ALL: .siroe.com EXCEPT externalserver.siroe.com', list([svc('all')]), list([cli(domain('.siroe.com'))], list([cli(name('externalserver.siroe.com'))]))],
  ['ALL: externalserver.siroe1.com, .siroe.asia.com', list([svc('all')]), list([cli(name('externalserver.siroe1.com')), cli(domain('.siroe.asia.com'))])],
  ['ALL EXCEPT pop: contractor.siroe1.com, .siroe.com', list([svc('all')], list([svc('pop')])), list([cli(name('contractor.siroe1.com')), cli(domain('.siroe.com'))])],
  ['ALL: DNSSPOOFER', list([svc('all')]), list([cli({kind: 'paranoid'})])],
  ['ALL@msgServer.siroe1.com: @.siroe1.com', list([svc('all', name('msgserver.siroe1.com'))]), list([cli(domain('.siroe1.com'))])],
  ['ALL@msgServer.siroe2.com: @.siroe2.com', list([svc('all', name('msgserver.siroe2.com'))]), list([cli(domain('.siroe2.com'))])],
  // configutil example (cli-reference) and the Sun schema's attribute examples
  ['imap: .siroe.com EXCEPT externalserver.siroe.com', list([svc('imap')]), list([cli(domain('.siroe.com'))], list([cli(name('externalserver.siroe.com'))]))],
  ['-ALL:ALL EXCEPT server1.sesta.com', list([svc('all')]), list([cli(ALL)], list([cli(name('server1.sesta.com'))]))],
]

for (const [text, services, clients] of seedExamples) {
  test(`seed example parses: ${text}`, () => {
    const r = only(text)
    assert.deepEqual(r.services, services)
    assert.deepEqual(r.clients, clients)
  })
}

test('seed multi-rule compact examples give one signed rule per $-separated part', () => {
  const allow = parseFilters('+imap:ALL$+pop:ALL$+http:ALL')
  assert.deepEqual(
    allow.rules.map((r) => [r.action, r.column, r.text, r.services.include[0]?.service]),
    [['allow', 1, '+imap:ALL', 'imap'], ['allow', 11, '+pop:ALL', 'pop'], ['allow', 20, '+http:ALL', 'http']],
  )
  const deny = parseFilters('-imap:*$-pop:*$-http:*')
  assert.deepEqual(deny.rules.map((r) => [r.action, r.text]), [['deny', '-imap:*'], ['deny', '-pop:*'], ['deny', '-http:*']])
  assert.deepEqual(deny.rules[2]!.clients, list([cli(ALL)]))
  const schema = parseFilters('+imaps,pops:*$+imap,pop:192.0.2.10')
  assert.deepEqual(schema.rules[0]!.services, list([svc('imaps'), svc('pops')]))
  assert.deepEqual(schema.rules[1]!.clients, list([cli({kind: 'ipv4', address: ip4(192, 0, 2, 10)})]))
})

test('a multi-line value is one rule per line; blank and # lines are skipped; CRLF is fine', () => {
  const set = parseFilters('ALL: LOCAL @netgroup1\r\n\r\n# siroe hosts\r\nALL: .siroe.com EXCEPT externalserver.siroe.com\r\n')
  assert.equal(set.rules.length, 2)
  assert.equal(set.rules[0]!.text, 'ALL: LOCAL @netgroup1')
  assert.equal(set.rules[1]!.column, 41)
  assert.deepEqual(set.rules[1]!.clients.except, list([cli(name('externalserver.siroe.com'))]))
})

test('an empty or blank value is an empty set', () => {
  assert.deepEqual(parseFilters(''), {rules: [], warnings: []})
  assert.deepEqual(parseFilters('  \n\t\n'), {rules: [], warnings: []})
})

test('EXCEPT nests to the right and is case-insensitive', () => {
  const r = only('imap: a.x EXCEPT b.x except c.x Except d.x')
  assert.deepEqual(r.clients, list([cli(name('a.x'))], list([cli(name('b.x'))], list([cli(name('c.x'))], list([cli(name('d.x'))])))))
  // Several entries on each side: (a or b) and not (c or d).
  const r2 = only('imap: a.x, b.x EXCEPT c.x d.x')
  assert.deepEqual(r2.clients, list([cli(name('a.x')), cli(name('b.x'))], list([cli(name('c.x')), cli(name('d.x'))])))
})

test('keywords are case-insensitive; PARANOID aliases DNSSPOOFER and * aliases ALL', () => {
  const r = only('Imap, ALL, all, *: all Local known UNKNOWN paranoid dnsspoofer *')
  assert.deepEqual(r.services, list([svc('imap'), svc('all'), svc('all'), svc('all')]))
  assert.deepEqual(
    r.clients.include.map((c) => c.host.kind),
    ['all', 'local', 'known', 'unknown', 'paranoid', 'paranoid', 'all'],
  )
})

test('every service name of the seed and the Sun schema is accepted', () => {
  const r = only('imap imaps pop pops http smtp smtps submit smime: ALL')
  assert.deepEqual(r.services.include.map((s) => s.service), ['imap', 'imaps', 'pop', 'pops', 'http', 'smtp', 'smtps', 'submit', 'smime'])
})

test('user@host: split at the first @ after the first character', () => {
  const r = only('imap: bob@ALL UNKNOWN@.siroe.com KNOWN@192.168. *@[::1] x@@ng .staff@h.x ops.@h.x')
  assert.deepEqual(r.clients.include, [
    cli(ALL, {kind: 'exact', name: 'bob'}),
    cli(domain('.siroe.com'), {kind: 'exact', name: 'unknown'}),
    cli({kind: 'addressPrefix', prefix: '192.168.'}, {kind: 'known'}),
    cli({kind: 'ipv6', words: [0, 0, 0, 0, 0, 0, 0, 1], zone: null}, {kind: 'all'}),
    cli({kind: 'netgroup', name: 'ng'}, {kind: 'exact', name: 'x'}),
    cli(name('h.x'), {kind: 'suffix', suffix: '.staff'}),
    cli(name('h.x'), {kind: 'prefix', prefix: 'ops.'}),
  ])
})

test('service@host takes any host pattern, IPv6 in brackets', () => {
  const r = only('imap@10.0.0.1 pop@[2001:db8::1] http@.siroe.com smtp@192.168.1.0/255.255.255.0: ALL')
  assert.deepEqual(r.services.include, [
    svc('imap', {kind: 'ipv4', address: ip4(10, 0, 0, 1)}),
    svc('pop', {kind: 'ipv6', words: [0x2001, 0xdb8, 0, 0, 0, 0, 0, 1], zone: null}),
    svc('http', domain('.siroe.com')),
    svc('smtp', {kind: 'ipv4Net', network: ip4(192, 168, 1, 0), mask: ip4(255, 255, 255, 0)}),
  ])
})

test('address patterns: literal, prefix, netmask, CIDR, name prefix', () => {
  const r = only('imap: 131.155.72.0/255.255.254.0 10.0.0.0/8 0.0.0.0/0 192.168. 10. 127.0.0.1 mail.')
  assert.deepEqual(r.clients.include.map((c) => c.host), [
    {kind: 'ipv4Net', network: ip4(131, 155, 72, 0), mask: ip4(255, 255, 254, 0)},
    {kind: 'ipv4Net', network: ip4(10, 0, 0, 0), mask: ip4(255, 0, 0, 0)},
    {kind: 'ipv4Net', network: 0, mask: 0},
    {kind: 'addressPrefix', prefix: '192.168.'},
    {kind: 'addressPrefix', prefix: '10.'},
    {kind: 'ipv4', address: ip4(127, 0, 0, 1)},
    {kind: 'namePrefix', prefix: 'mail.'},
  ])
})

test('IPv6 patterns: bracketed, bare, zone, prefix, embedded IPv4', () => {
  const r = only('imap: [::1] ::1 [2001:db8::]/32 2001:db8:1::/48 [fe80::1%ETH0] [::ffff:10.0.0.1] [1:2:3:4:5:6:7:8]')
  assert.deepEqual(r.clients.include.map((c) => c.host), [
    {kind: 'ipv6', words: [0, 0, 0, 0, 0, 0, 0, 1], zone: null},
    {kind: 'ipv6', words: [0, 0, 0, 0, 0, 0, 0, 1], zone: null},
    {kind: 'ipv6Net', words: [0x2001, 0xdb8, 0, 0, 0, 0, 0, 0], prefixLength: 32},
    {kind: 'ipv6Net', words: [0x2001, 0xdb8, 1, 0, 0, 0, 0, 0], prefixLength: 48},
    {kind: 'ipv6', words: [0xfe80, 0, 0, 0, 0, 0, 0, 1], zone: 'eth0'},
    {kind: 'ipv6', words: [0, 0, 0, 0, 0, 0xffff, 0x0a00, 0x0001], zone: null},
    {kind: 'ipv6', words: [1, 2, 3, 4, 5, 6, 7, 8], zone: null},
  ])
})

test('@.domain is read as .domain with a warning; @netgroup parses with a warning', () => {
  const set = parseFilters('ALL@msgServer.siroe1.com: @.siroe1.com\nALL: LOCAL @netgroup1')
  assert.deepEqual(set.rules[0]!.clients, list([cli(domain('.siroe1.com'))]))
  assert.deepEqual(set.rules[0]!.clients, parseFilters('ALL@msgServer.siroe1.com: .siroe1.com').rules[0]!.clients)
  assert.equal(set.warnings.length, 2)
  assert.equal(set.warnings[0]!.column, 27)
  assert.match(set.warnings[0]!.message, /"@\.siroe1\.com" is read as "\.siroe1\.com"/)
  assert.equal(set.warnings[1]!.column, 51)
  assert.match(set.warnings[1]!.message, /netgroup.*never matches/)
  assert.deepEqual(parseFilters('imap: ALL').warnings, [])
})

test('the parse tree is plain data: it round-trips through JSON', () => {
  const text = [
    '+imap,pop@[2001:db8::1]:bob@.siroe.com EXCEPT 10.0.0.0/255.0.0.0 EXCEPT [fe80::1%eth0]',
    '-ALL EXCEPT pop: LOCAL KNOWN UNKNOWN DNSSPOOFER @ng 192.168. [2001:db8::]/32 mail. x.y',
    'ALL@msgServer.siroe1.com: @.siroe1.com',
  ].join('\n')
  const set = parseFilters(text)
  const copy: unknown = JSON.parse(JSON.stringify(set))
  assert.deepEqual(copy, set)
  assert.equal(set.rules.length, 3)
  assert.equal(set.warnings.length, 2)
})

test('FilterSyntaxError is a ConfigError (and an Error) carrying the column', () => {
  try {
    parseFilters('imap: ALL EXCEPT')
    assert.fail('expected a FilterSyntaxError')
  } catch (e) {
    assert.ok(e instanceof FilterSyntaxError)
    assert.ok(e instanceof ConfigError)
    assert.ok(e instanceof Error)
    assert.equal(e.name, 'FilterSyntaxError')
    assert.equal(e.column, 11)
    assert.equal(e.message, 'column 11: EXCEPT needs a list after it')
  }
})

const errorCases: Array<[string, number, RegExp]> = [
  ['imap: ALL EXCEPT', 11, /EXCEPT needs a list after it/],
  ['imap,pop: ALL except', 15, /EXCEPT needs a list after it/],
  ['imap: EXCEPT .siroe.com', 7, /EXCEPT needs a list before it/],
  ['EXCEPT pop: ALL', 1, /EXCEPT needs a list before it/],
  ['imap: a.x EXCEPT EXCEPT b.x', 11, /EXCEPT needs a list after it, not another EXCEPT/],
  ['ALL EXCEPT: ALL', 5, /EXCEPT needs a list after it/],
  ['imap ALL', 1, /missing ':' between the service list and the client list/],
  ['imap: ALL\npop ALL', 11, /missing ':'/],
  ['+imap', 1, /missing ':'/],
  ['imapx: ALL', 1, /unknown service "imapx" \(use imap, pop, http, smtp or ALL\)/],
  ['imap, imapx: ALL', 7, /unknown service "imapx"/],
  ['pop3@10.0.0.1: ALL', 1, /unknown service "pop3"/],
  ['@host: ALL', 1, /no service name before '@'/],
  ['imap@: ALL', 5, /needs a server host after '@'/],
  ['imap@::1: ALL', 5, /needs a server host after '@'.*brackets/],
  [': ALL', 1, /empty service list/],
  ['+ : ALL', 3, /empty service list/],
  ['imap:', 5, /empty client list/],
  ['imap: , ,', 5, /empty client list/],
  ['+imap:ALL$$+pop:ALL', 11, /empty rule next to '\$'/],
  ['$+imap:ALL', 1, /empty rule next to '\$'/],
  ['+imap:ALL$', 10, /empty rule next to '\$'/],
  ['+imap:ALL$ $+pop:ALL', 12, /empty rule/],
  ['imap: 10.0.0.0/255.0.300.0', 16, /bad netmask "255\.0\.300\.0"/],
  ['imap: 10.0.0.0/255.255', 16, /bad netmask "255\.255"/],
  ['imap: 10.0.0/255.0.0.0', 7, /bad network address "10\.0\.0"/],
  ['imap: 10.0.0.0/33', 16, /bad prefix length "\/33" \(use 0 to 32\)/],
  ['imap: 10.0.0.1/255.0.0.0', 7, /bits outside the mask.*write 10\.0\.0\.0\/255\.0\.0\.0/],
  ['imap: 10.1.0.0/8', 7, /write 10\.0\.0\.0\/8/],
  ['imap: 300.1.1.1', 7, /bad IPv4 address "300\.1\.1\.1"/],
  ['imap: 1.2.3', 7, /bad IPv4 address "1\.2\.3"/],
  ['imap: 010.0.0.1', 7, /bad IPv4 address/],
  ['imap: 256.', 7, /bad address prefix "256\."/],
  ['imap: 1.2.3.4.', 7, /bad address prefix/],
  ['imap: .10', 7, /is not a domain/],
  ['imap: [2001:db8::1', 7, /'\[' is never closed/],
  ['imap: [2001:db8::g]', 7, /bad IPv6 address "\[2001:db8::g\]"/],
  ['imap: [1:2:3:4:5:6:7:8:9]', 7, /bad IPv6 address/],
  ['imap: [::1]x', 12, /unexpected "x" after "\]"/],
  ['imap: [2001:db8::]/129', 20, /bad IPv6 prefix length "\/129"/],
  ['imap: [2001:db8::1]/32', 7, /bits outside the \/32 prefix/],
  ['imap: 1:2:3', 7, /bad IPv6 address "1:2:3"/],
  ['imap: ALL: allow', 10, /unexpected ':' in "ALL:"/],
  ['imap: ALL : deny', 11, /unexpected ':'/],
  ['imap: *.siroe.com', 7, /wildcard "\*" inside "\*\.siroe\.com" is not supported/],
  ['imap: host?.siroe.com', 11, /wildcard "\?"/],
  ['imap: foo!bar.com', 10, /unexpected character "!" in host pattern "foo!bar\.com"/],
  ['imap: bob@', 10, /needs a host after '@'.*bob@ALL/],
  ['imap: @', 7, /'@' needs a netgroup name/],
  ['imap: /etc/hosts.allow', 7, /file patterns are not supported/],
  ['imap: .', 7, /bad IPv4|not a domain/],
]

for (const [text, column, message] of errorCases) {
  test(`syntax error at column ${column}: ${JSON.stringify(text)}`, () => fails(text, column, message))
}

test('columns count from the start of the whole value, across lines and $', () => {
  fails('imap: ALL\npop: ALL EXCEPT', 20, /EXCEPT needs a list after it/)
  fails('+imap:ALL$-pop:10.0.0.0/255.0.300.0', 25, /bad netmask/)
  fails('  imapx: ALL', 3, /unknown service "imapx"/)
})

test('bracketed IPv6 literals are accepted exactly when node:net accepts them', () => {
  const candidates = [
    '::', '::1', '1::', '1:2:3:4:5:6:7:8', '1:2:3:4:5:6:7::', '::2:3:4:5:6:7:8', '1:2:3:4:5:6:7::8', '1:2:3:4:5:6:7:8:9',
    '1::2::3', ':1:2:3:4:5:6:7', '1:2:3:4:5:6:7:', '12345::', 'g::1', '::ffff:10.0.0.1', '::10.0.0.1', '1:2:3:4:5:6:1.2.3.4',
    '1:2:3:4:5:6:7:1.2.3.4', '::1.2.3', '::256.1.1.1', '1.2.3.4::', 'fe80::1%eth0', 'fe80::1%', '::ffff:01.2.3.4', ':::',
  ]
  for (const c of candidates) {
    let accepted = true
    try {
      parseFilters(`imap: [${c}]`)
    } catch (e) {
      assert.ok(e instanceof FilterSyntaxError)
      accepted = false
    }
    assert.equal(accepted, isIPv6(c), c)
  }
})
