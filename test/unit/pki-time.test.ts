import assert from 'node:assert/strict'
import {test} from 'node:test'
import {InvalidTimeError, formatNssDate, parseNssTime} from '../../src/core/pki/index.js'

test('NSS display dates: UTC, zero-padded day, no zone', () => {
  assert.equal(formatNssDate(new Date(Date.UTC(2026, 10, 28, 20, 9, 10))), 'Sat Nov 28 20:09:10 2026')
  assert.equal(formatNssDate(new Date(Date.UTC(2027, 2, 1, 1, 17, 36))), 'Mon Mar 01 01:17:36 2027')
  assert.equal(formatNssDate(new Date(Date.UTC(2050, 0, 1, 0, 0, 0, 999))), 'Sat Jan 01 00:00:00 2050')
})

test('-b times: Z or an offset, seconds optional, two-digit years pivot at 50', () => {
  const table: Array<[string, string]> = [
    ['400101000000Z', '2040-01-01T00:00:00.000Z'],
    ['4001010000Z', '2040-01-01T00:00:00.000Z'],
    ['500101000000Z', '1950-01-01T00:00:00.000Z'],
    ['991231235959Z', '1999-12-31T23:59:59.000Z'],
    ['261201000000Z', '2026-12-01T00:00:00.000Z'],
    // Offsets are local time minus UTC (2703010214+0100 is 01:14Z; observed against a notAfter of 01:14:07Z).
    ['2703010214+0100', '2027-03-01T01:14:00.000Z'],
    ['2703010014-0100', '2027-03-01T01:14:00.000Z'],
    ['2612010000-0130', '2026-12-01T01:30:00.000Z'],
    ['240229120000Z', '2024-02-29T12:00:00.000Z'],
  ]
  for (const [input, isoTime] of table) assert.equal(parseNssTime(input).toISOString(), isoTime, input)
})

test('malformed -b times are refused with NSS text', () => {
  const bad = [
    '400101000000', '26120100000Z', '2612010000005Z', '991301000000Z', '261232000000Z', '261201240000Z', '261201236000Z', '261201235960Z',
    '261201000000+2400', '261201000000+0060', 'abc', '261201000000z', '20261201000000Z', '261201000000+01', '230229000000Z', '', '261201000000Z0',
  ]
  for (const input of bad) {
    assert.throws(() => parseNssTime(input), (e: unknown) => {
      assert.ok(e instanceof InvalidTimeError, input)
      assert.equal(e.message, 'invalid input date: SEC_ERROR_INVALID_TIME: Improperly formatted time string.')
      assert.equal(e.input, input)
      return true
    })
  }
})
