/**
 * Client access filters (service.*.domainallowed / domainnotallowed and the
 * LDAP compact form) come from configuration and from directory entries.
 * Property: parseFilters returns a FilterSet or throws FilterSyntaxError
 * with a one-line "column N: ..." message, within the time limit; a set it
 * returns can be evaluated for any client (address, host name, ident user)
 * without throwing.
 */
import assert from 'node:assert/strict'
import {test} from 'node:test'
import fc from 'fast-check'
import {evaluateAccess, evaluateCompact, FilterSyntaxError, parseFilters, type AccessRequest} from '../../../src/core/access/index.js'
import {anyText, expectTyped, fuzzParams, MemoryWatch, outcomeOf, textInput} from './fuzz_config.js'

const SAMPLES = [
  'imap: roberts.newyork.siroe.com',
  'pop@mailServer1.siroe.com: ALL',
  'imap: srashad@xyz.europe.siroe.com',
  'pop, imap, http: .europe.siroe.com .newyork.siroe.com',
  '+imap,pop,http:*',
  'ALL: ALL EXCEPT isserver.siroe.com',
  'ALL EXCEPT pop: contractor.siroe1.com, .siroe.com',
  'ALL: LOCAL @netgroup1\r\n\r\n# siroe hosts\r\nALL: .siroe.com EXCEPT externalserver.siroe.com\r\n',
  'ALL@msgServer.siroe1.com: @.siroe1.com',
  '+imaps,pops:*$+imap,pop:192.0.2.10$-http:10.0.0.0/255.0.0.0',
  'imap: [2001:db8::1]/64 192.0.2.0/24 KNOWN UNKNOWN PARANOID',
  'http: *@.example.com EXCEPT bad@host.example.com',
]
const TOKENS = ['ALL', 'LOCAL', 'KNOWN', 'UNKNOWN', 'PARANOID', 'DNSSPOOFER', 'EXCEPT', ' EXCEPT ', 'imap', 'pop', 'http', 'smtp', ':', ',', ' ', '$', '+', '-', '@', '.', '[', ']', '/', '::', '*', '?', '\n', '\\\n', '#', '192.0.2.', '255', '10.0.0.0/8', '.siroe.com', 'host']

const request = (client: string, name: string, user: string): AccessRequest => ({
  service: 'imap',
  serverAddress: '127.0.0.1',
  clientAddress: client,
  clientName: () => name,
  identUser: () => user,
  serverName: () => 'mail.example.test',
})

const clientAddress = fc.oneof(fc.ipV4(), fc.ipV6(), fc.constant('::ffff:192.0.2.10'), anyText(40))

test('parseFilters: any text gives a FilterSet or a FilterSyntaxError "column N: ..." on one line; a parsed set evaluates for any client', () => {
  const memory = new MemoryWatch()
  fc.assert(
    fc.property(textInput(SAMPLES, TOKENS), clientAddress, anyText(30), anyText(12), (text, client, name, user) => {
      const parsed = outcomeOf('parseFilters', text, () => parseFilters(text), [FilterSyntaxError])
      if (!parsed.ok) return void assert.match(parsed.error.message, /^column \d+: /, 'the message starts with its column')
      const set = parsed.value
      expectTyped('evaluateAccess', {text, client, name, user}, () => evaluateAccess(set, set, request(client, name, user)), [])
      expectTyped('evaluateCompact', {text, client, name, user}, () => evaluateCompact(set, request(client, name, user)), [])
      memory.check('parseFilters')
    }),
    fuzzParams(6),
  )
})
