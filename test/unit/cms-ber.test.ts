import assert from 'node:assert/strict'
import {test} from 'node:test'
import {BerStream} from '../../src/core/cms/ber_stream.js'
import {normalizeBer} from '../../src/core/cms/ber_normalize.js'
import {CmsError} from '../../src/core/cms/errors.js'

/** The same bytes cut into pieces of `size` (1 = every byte its own chunk). */
async function* chunks(buf: Buffer, size: number): AsyncGenerator<Buffer> {
  for (let i = 0; i < buf.length; i += size) yield buf.subarray(i, i + size)
}

// SEQUENCE (indefinite) { OID 1.2, [0] (indefinite) { OCTET STRING (constructed, indefinite) { "ab", "cde" } } }
const INDEFINITE = Buffer.from('3080' + '06012a' + 'a080' + '2480' + '04026162' + '0403636465' + '0000' + '0000' + '0000', 'hex')

test('constructed, indefinite OCTET STRING content arrives whole whatever the chunking', async () => {
  for (const size of [1, 2, 3, 7, 100]) {
    const s = new BerStream(chunks(INDEFINITE, size))
    const seq = await s.expect(0x30, 'outer')
    assert.deepEqual((await s.next('oid')).der, Buffer.from('06012a', 'hex'))
    const wrap = await s.expect(0xa0, 'wrapper')
    const parts: Buffer[] = []
    for await (const c of s.octets(await s.header('content'), 'content')) parts.push(Buffer.from(c))
    assert.equal(Buffer.concat(parts).toString(), 'abcde', `chunk size ${size}`)
    await s.close(wrap, 'wrapper')
    await s.close(seq, 'outer')
    assert.equal(await s.atEnd(), true)
  }
})

test('a missing end-of-contents or a short element is SEC_ERROR_BAD_DER, not a hang', async () => {
  for (const cut of [3, 8, INDEFINITE.length - 2]) {
    const s = new BerStream(chunks(INDEFINITE.subarray(0, cut), 4))
    await assert.rejects(
      (async () => {
        const seq = await s.expect(0x30, 'outer')
        await s.skip(seq, 'outer')
      })(),
      (e: unknown) => e instanceof CmsError && e.code === 'SEC_ERROR_BAD_DER' && /truncated/.test(e.message),
    )
  }
})

test('normalizeBer makes lengths definite and keeps DER untouched', () => {
  assert.equal(normalizeBer(INDEFINITE).toString('hex'), '3010' + '06012a' + 'a00b' + '2409' + '04026162' + '0403636465')
  const der = Buffer.from('300506032a0304', 'hex')
  assert.equal(normalizeBer(der), der)
})
