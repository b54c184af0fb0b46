import assert from 'node:assert/strict'
import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {test} from 'node:test'
import {hexDump, PlaintextPhase, renderChunk, TapDecoder, type RenderOptions} from '../../src/core/ssltap/index.js'
import {ROOT} from '../helpers/cli.js'
import {loadSteps} from '../helpers/ssltap_replay.js'

const FIX = join(ROOT, 'test', 'fixtures', 'ssltap')

/** Renders a capture the way the proxy does, with the time masked as NSS output was (`[T]`). */
function render(capture: string, o: RenderOptions): {text: string; certs: Uint8Array[]} {
  const dec = new TapDecoder({full: o.full ?? false})
  const certs: Uint8Array[] = []
  const env = {now: () => 'T', saveCertificate: (der: Uint8Array) => (certs.push(der), {file: `cert.${String(certs.length).padStart(3, '0')}`, ok: true})}
  let text = ''
  for (const s of loadSteps(join(FIX, capture))) {
    const dir = s.dir === 'c' ? 'c2s' : 's2c'
    text += renderChunk(dir, s.bytes, o.ssl ? dec.feed(dir, s.bytes) : null, o, env)
  }
  return {text, certs}
}

/** NSS's output for the same capture, without the lines the proxy (not the renderer) prints. */
function nss(file: string): string {
  const lines = readFileSync(join(FIX, file), 'latin1').split('\n')
  return lines.filter((l) => !l.startsWith('Connected to') && !l.startsWith('Read EOF')).join('\n')
}

test('TLS 1.2 session: -s output is NSS ssltap 3.87 output, byte for byte', () => {
  assert.equal(render('tls12-session.json', {ssl: true}).text, nss('tls12.nss-s.txt'))
})

test('TLS 1.2 session: -sx output (extra hex dumps) matches NSS', () => {
  assert.equal(render('tls12-session.json', {ssl: true, extraHex: true}).text, nss('tls12.nss-sx.txt'))
})

test('TLS 1.3 session: -sx matches NSS (ServerHello, then change_cipher_spec and < encrypted >)', () => {
  assert.equal(render('tls13-session.json', {ssl: true, extraHex: true}).text, nss('tls13.nss-sx.txt'))
})

test('plaintext, records split across reads and handshake messages split across records match NSS', () => {
  assert.equal(render('starttls-split.json', {ssl: true, extraHex: true}).text, nss('starttls-split.nss-sx.txt'))
})

test('the server certificate is handed out as DER, equal to what NSS saved in cert.001', () => {
  const {certs} = render('tls12-session.json', {ssl: true})
  assert.equal(certs.length, 1)
  assert.deepEqual(Buffer.from(certs[0]!), readFileSync(join(FIX, 'tls12-server-cert.der')))
})

test('hex dump layout: offset, groups of four, padded ASCII column, HTML escaping', () => {
  assert.equal(hexDump(Buffer.from([0x16, 3, 1, 0, 0x36])), '   0: 16 03 01 00  36                                     | ....6\n')
  assert.equal(hexDump(Buffer.from('<a&b>')), '   0: 3c 61 26 62  3e                                     | <a&b>\n')
  assert.equal(hexDump(Buffer.from('<a&b>'), true), '   0: 3c 61 26 62  3e                                     | &lt;a&amp;b&gt;\n')
  assert.equal(hexDump(Buffer.alloc(17, 0x7f)).split('\n')[1], '  10: 7f                                                  | \x7f')
})

test('--full names TLS 1.3 suites, groups and versions and marks 1.3 records encrypted', () => {
  const {text} = render('tls13-session.json', {ssl: true, full: true})
  assert.match(text, /\(0x1302\) TLS_AES_256_GCM_SHA384/)
  assert.match(text, /extension type supported_versions \(43\)/)
  assert.match(text, /selected 0x0304 TLS 1\.3/)
  assert.match(text, /0x001d x25519, key_exchange length 32/)
  assert.match(text, /psk_dhe_ke/)
  assert.match(text, /0x0804 rsa_pss_rsae_sha256/)
  assert.doesNotMatch(text, /\?\?\?\?\//)
})

test('SSLv2-compatible ClientHello is decoded', () => {
  const {text} = render('sslv2-hello.json', {ssl: true})
  assert.match(text, /ClientHelloV2 \{\n {11}version = \{0x03, 0x01\}/)
  assert.match(text, /\(0x010080\) SSL2\/RSA\/RC4-128\/MD5/)
  assert.match(text, /challenge = \{ 0x3333 0x3333 0x3333 0x3333 0x3333 0x3333 0x3333 0x3333 \}/)
})

test('HelloRetryRequest and alerts and heartbeat are shown with --full', () => {
  const hrrRandom = Buffer.from('cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c', 'hex')
  const body = Buffer.concat([Buffer.from([3, 3]), hrrRandom, Buffer.from([0, 0x13, 0x01, 0]), Buffer.from([0, 12, 0, 43, 0, 2, 3, 4, 0, 51, 0, 2, 0, 0x17])])
  const hs = Buffer.concat([Buffer.from([2, 0, 0, body.length]), body])
  const rec = (t: number, b: Buffer): Buffer => Buffer.concat([Buffer.from([t, 3, 3, b.length >> 8, b.length & 255]), b])
  const dec = new TapDecoder({full: true})
  const env = {now: () => 'T', saveCertificate: () => ({file: 'x', ok: true})}
  const text = renderChunk('s2c', Buffer.concat([rec(22, hs), rec(21, Buffer.from([2, 116])), rec(24, Buffer.from([1, 0, 3, 1, 2, 3]))]), null, {}, env) +
    renderChunk('s2c', Buffer.concat([rec(22, hs), rec(21, Buffer.from([2, 116])), rec(24, Buffer.from([1, 0, 3, 1, 2, 3]))]), dec.feed('s2c', Buffer.concat([rec(22, hs), rec(21, Buffer.from([2, 116])), rec(24, Buffer.from([1, 0, 3, 1, 2, 3]))])), {ssl: true, full: true}, env)
  assert.match(text, /HelloRetryRequest \{/)
  assert.match(text, /selected_group 0x0017 secp256r1/)
  assert.match(text, /fatal: certificate_required/)
  assert.match(text, /heartbeat_request, payload_length = 3/)
  assert.equal(dec.tls13, false, 'an HRR does not conclude the negotiation')
})

test('STARTTLS plaintext phase: lines, masked secrets, TLS from the ClientHello on', () => {
  const p = new PlaintextPhase('auto')
  const c = (s: string | Buffer) => p.feed('c2s', typeof s === 'string' ? Buffer.from(s) : s)
  assert.deepEqual(p.feed('s2c', Buffer.from('* OK IMAP ready\r\n')).lines, ['* OK IMAP ready'])
  assert.deepEqual(c('a1 LOGIN alice s3cret\r\n').lines, ['a1 LOGIN alice ****'])
  assert.deepEqual(c('a2 AUTHENTICATE PLAIN\r\n').lines, ['a2 AUTHENTICATE PLAIN'])
  p.feed('s2c', Buffer.from('+ \r\n'))
  assert.deepEqual(c('AGFsaWNlAHMzY3JldA==\r\n').lines, ['****'])
  p.feed('s2c', Buffer.from('a2 OK done\r\n'))
  assert.deepEqual(c('a3 STARTTLS\r\n').lines, ['a3 STARTTLS'])
  assert.equal(c(Buffer.from([0x16, 3, 1, 0, 5])).tlsAt, 0)
  const smtp = new PlaintextPhase('smtp')
  assert.deepEqual(smtp.feed('c2s', Buffer.from('AUTH PLAIN AGFsaWNl\r\n')).lines, ['AUTH PLAIN ****'])
  const pop = new PlaintextPhase('pop3')
  assert.deepEqual(pop.feed('c2s', Buffer.from('USER bob\r\nPASS hunter2\r\n')).lines, ['USER bob', 'PASS ****'])
  const long = pop.feed('s2c', Buffer.alloc(10_000, 0x41))
  assert.equal(long.lines.length, 1, 'an endless line is cut, not buffered')
})
