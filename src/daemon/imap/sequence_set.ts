import type {ArgumentCursor} from './argument_cursor.js'

/**
 * A sequence set (RFC 3501 §9 sequence-set): `1`, `2:4`, `*`, `5:*`,
 * `1,3:5`. `*` is the largest number in use: the last sequence number, or
 * the highest UID of the mailbox. `a:b` is the same range as `b:a`.
 */
export type SequenceNumber = number | '*'
export type SequenceSet = ReadonlyArray<readonly [SequenceNumber, SequenceNumber]>

export function parseSequenceSet(cursor: ArgumentCursor): SequenceSet {
  const text = cursor.takeWhile((b) => (b >= 0x30 && b <= 0x39) || b === 0x2a || b === 0x3a || b === 0x2c, 'a sequence set')
  return sequenceSetFromText(text, (m) => cursor.fail(m))
}

export function sequenceSetFromText(text: string, fail: (message: string) => never): SequenceSet {
  const ranges: Array<[SequenceNumber, SequenceNumber]> = []
  for (const item of text.split(',')) {
    const ends = item.split(':')
    if (ends.length > 2) fail(`Invalid sequence set: ${text}`)
    const values = ends.map((e) => {
      if (e === '*') return '*' as const
      if (!/^[1-9]\d{0,9}$/.test(e) || Number(e) > 0xffffffff) fail(`Invalid sequence set: ${text}`)
      return Number(e)
    })
    ranges.push([values[0]!, values[values.length - 1]!])
  }
  return ranges
}

/** Whether `n` is in the set, `*` standing for `largest`. */
export function inSequenceSet(set: SequenceSet, n: number, largest: number): boolean {
  for (const [a, b] of set) {
    const x = a === '*' ? largest : a
    const y = b === '*' ? largest : b
    if (n >= Math.min(x, y) && n <= Math.max(x, y)) return true
  }
  return false
}

/** Compact text of ascending numbers: [1,2,3,7] → "1:3,7" (COPYUID, APPENDUID, SEARCH-free uses). */
export function formatSequence(numbers: readonly number[]): string {
  const out: string[] = []
  let i = 0
  while (i < numbers.length) {
    let j = i
    while (j + 1 < numbers.length && numbers[j + 1] === numbers[j]! + 1) j++
    out.push(j === i ? String(numbers[i]) : `${numbers[i]}:${numbers[j]}`)
    i = j + 1
  }
  return out.join(',')
}
