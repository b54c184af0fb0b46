import assert from 'node:assert/strict'
import {test} from 'node:test'
import {Certificate, DnSyntaxError, decodeName, der, dnAttribute, dnEmail, parseDn} from '../../src/core/pki/index.js'
import {NSS, b64} from './pki-helpers.js'

const name = (i: number): {der: Buffer; text: string} => {
  const entry = NSS.names[i] as readonly [string, string]
  return {der: b64(entry[0]), text: entry[1]}
}

test('-s text is kept most-specific-first while DER holds the reverse, byte-identical to NSS', () => {
  const dn = parseDn('CN=x,O=y,C=US')
  assert.deepEqual(dn.rdns.map((r) => r.map((a) => `${a.keyword}=${a.value ?? ''}`).join('+')), ['CN=x', 'O=y', 'C=US'])
  assert.equal(dn.text, 'CN=x,O=y,C=US')
  // NSS wrote this subject for `certutil -S -s "CN=x,O=y,C=US"`.
  assert.ok(dn.der.equals(Certificate.fromDer(NSS.rsa.der).subject.der))
  const outer = der.childrenOf(der.parseDer(dn.der))
  const firstAva = der.childrenOf(der.childrenOf(outer[0] as der.DerNode)[0] as der.DerNode)
  assert.equal(der.decodeOid(firstAva[0] as der.DerNode), '2.5.4.6', 'first RDN in DER is C')
})

test('value encodings match what NSS writes for the same -s strings', () => {
  const cases: Array<[string, number]> = [
    ['CN=Ünï_c@de', 0], // not PrintableString -> UTF8String
    ['OU=u2+OU=u1,CN=x', 1], // multi-valued RDN in typed order
    ['CN=x+OU=a', 2],
    ['CN=a  b', 3],
    ['E=bad\\@', 4], // IA5String, escape of an ordinary character
    ['O=\\"q\\"', 5],
    ['E=a@b.c,CN=x', 6],
    ['CN=#04026abc,O=#0C03616263', 15], // #hex gives the value DER
    ['CN=a\\+b', 16],
    ['CN=tab\tx', 17],
    ['CN="a\\"b"', 18],
  ]
  for (const [input, i] of cases) {
    const expected = name(i)
    assert.equal(parseDn(input).der.toString('hex'), expected.der.toString('hex'), input)
  }
})

test('DER names display exactly as NSS displays them', () => {
  for (let i = 0; i < NSS.names.length; i++) {
    const {der: d, text} = name(i)
    assert.equal(decodeName(d).text, text)
  }
})

test('display strings parse back to the same display', () => {
  for (let i = 0; i < NSS.names.length; i++) {
    const {text} = name(i)
    assert.equal(parseDn(text).text, text, text)
  }
})

test('separators, spaces, case, quoting, escapes and OIDs', () => {
  const table: Array<[string, string]> = [
    ['CN = x , O = y', 'CN=x,O=y'],
    ['  CN=x', 'CN=x'],
    ['CN=x;O=y', 'CN=x,O=y'],
    ['CN=x,', 'CN=x'],
    ['cn=lower,c=us', 'CN=lower,C=us'],
    ['SERIALNUMBER=123', 'serialNumber=123'],
    ['MAIL=m@x.y,UID=jdoe,DC=ex,DC=com', 'MAIL=m@x.y,UID=jdoe,DC=ex,DC=com'],
    ['O="Quoted, Inc",C=US', 'O="Quoted, Inc",C=US'],
    ['CN=a\\,b', 'CN="a,b"'],
    ['CN=a\\2Cb', 'CN="a,b"'],
    ['CN=a\\=b', 'CN="a=b"'],
    ['CN=\\ lead', 'CN=" lead"'],
    ['CN=a\\\\b', 'CN=a\\\\b'],
    ['CN=\\C3\\A9t\\C3\\A9', 'CN=été'],
    ['OID.2.5.4.3=val', 'CN=val'],
    ['2.5.4.10=val', 'O=val'],
    ['1.2.3.4=foo', 'OID.1.2.3.4=foo'],
    ['oid.1.2.3.4=foo+CN=x', 'OID.1.2.3.4=foo+CN=x'],
    ['L=Town,ST=State,STREET=1 Main St,postalCode=12345,title=Dr,givenName=G,SN=S', 'L=Town,ST=State,STREET=1 Main St,postalCode=12345,title=Dr,givenName=G,SN=S'],
  ]
  for (const [input, display] of table) assert.equal(parseDn(input).text, display, input)
})

test('string types: PrintableString when possible, else UTF8String; E, MAIL and DC are IA5String', () => {
  const tagOf = (s: string): number => ((parseDn(s).rdns[0] as readonly {valueTag: number}[])[0] as {valueTag: number}).valueTag
  assert.equal(tagOf('CN=abc'), der.Tag.PRINTABLE_STRING)
  assert.equal(tagOf('CN=a*b'), der.Tag.UTF8_STRING)
  assert.equal(tagOf('O=a@b'), der.Tag.UTF8_STRING)
  assert.equal(tagOf('E=a@b.c'), der.Tag.IA5_STRING)
  assert.equal(tagOf('MAIL=a@b.c'), der.Tag.IA5_STRING)
  assert.equal(tagOf('DC=com'), der.Tag.IA5_STRING)
  assert.equal(tagOf('C=US'), der.Tag.PRINTABLE_STRING)
})

test('strings NSS refuses throw DnSyntaxError quoting the input', () => {
  const bad = [
    '', '   ', 'CN=', 'garbage', 'CN=x,,O=y', 'C=USA', 'CN=a+b', 'CN=a"b', 'CN=a=b', 'CN=a<b', 'CN=a#b', 'CN=#x', 'CN=x/O=y',
    'FOO=bar', 'EMAIL=a@b.c', 'CN="open', 'CN=x y"', 'E=ü@x', 'CN=a\\', `DC=${'a'.repeat(129)}`, `serialNumber=${'1'.repeat(65)}`,
    '=x', 'CN=#0403', 'CN=#123',
  ]
  for (const input of bad) {
    assert.throws(() => parseDn(input), (e: unknown) => {
      assert.ok(e instanceof DnSyntaxError, `DnSyntaxError for ${JSON.stringify(input)}`)
      assert.ok(e.message.startsWith(`improperly formatted name: "${input}" (`), e.message)
      assert.equal(e.input, input)
      assert.equal(e.exitCode, 255)
      assert.ok(!e.message.includes('\n'))
      return true
    })
  }
  // The longest values NSS accepts still parse.
  parseDn(`CN=${'a'.repeat(640)}`)
  parseDn(`DC=${'a'.repeat(128)}`)
})

test('attribute lookup by keyword or OID, most specific first', () => {
  const dn = parseDn('E=a@b.c,CN=x,OU=one,OU=two,O=Example Corp,C=US')
  assert.equal(dnAttribute(dn, 'CN'), 'x')
  assert.equal(dnAttribute(dn, 'ou'), 'one')
  assert.equal(dnAttribute(dn, '2.5.4.10'), 'Example Corp')
  assert.equal(dnAttribute(dn, 'ST'), null)
  assert.equal(dnEmail(dn), 'a@b.c')
  assert.equal(dnEmail(parseDn('MAIL=m@x.y,CN=x')), 'm@x.y')
  assert.equal(dnEmail(parseDn('CN=x')), null)
})

test('decodeName rejects what is not a Name', () => {
  assert.throws(() => decodeName(Buffer.from('3003020101', 'hex')), der.DerError)
  assert.throws(() => decodeName(Buffer.from('30023100', 'hex')), der.DerError)
  assert.equal(decodeName(Buffer.from('3000', 'hex')).text, '')
})
