import {headerValue, parseParameterisedValue, type MimePart} from '../../../core/mime/index.js'
import {charsetDecoder} from './charset.js'
import {decodeHeaderText} from './encoded_words.js'

type Params = ReadonlyArray<readonly [name: string, value: string]>

/**
 * A part's file name: Content-Disposition's filename, else Content-Type's
 * name; RFC 2231 extended and continued values joined and decoded, and
 * RFC 2047 encoded words decoded too (widespread, if not standard). Null
 * when the part has none.
 */
export function partFilename(part: MimePart): string | null {
  const disposition = headerValue(part.header, 'content-disposition')
  const fromDisposition = disposition === null ? null : parameterText(parseParameterisedValue(disposition).params, 'filename')
  const name = fromDisposition ?? parameterText(part.contentType.params, 'name')
  // A file name is one line of text: drop anything that could break a page or a header.
  const clean = name?.replace(/[\x00-\x1f\x7f]+/g, ' ').trim()
  return clean ? clean : null
}

/** A parameter's value with RFC 2231 `name*`, `name*0`, `name*1*` ... forms understood. */
export function parameterText(params: Params, name: string): string | null {
  const lower = name.toLowerCase()
  let plain: string | null = null
  let extended: string | null = null
  const segments = new Map<number, {value: string; encoded: boolean}>()
  for (const [n, v] of params) {
    const key = n.toLowerCase()
    if (key === lower) plain ??= v
    else if (key === `${lower}*`) extended ??= v
    else {
      const m = /^(.+)\*(\d{1,3})(\*?)$/.exec(key)
      if (m !== null && m[1] === lower && !segments.has(Number(m[2]))) segments.set(Number(m[2]), {value: v, encoded: m[3] === '*'})
    }
  }
  if (extended !== null) return joinSegments([{value: extended, encoded: true}])
  if (segments.size > 0) {
    const ordered: Array<{value: string; encoded: boolean}> = []
    for (let i = 0; segments.has(i); i++) ordered.push(segments.get(i)!)
    if (ordered.length > 0) return joinSegments(ordered)
  }
  return plain === null ? null : decodeHeaderText(plain)
}

/** Join continuation segments; the first encoded one may start with `charset'language'`. */
function joinSegments(segments: Array<{value: string; encoded: boolean}>): string {
  let charset: string | null = null
  let binary = ''
  segments.forEach((s, i) => {
    let value = s.value
    if (s.encoded && i === 0) {
      const m = /^([^']*)'[^']*'(.*)$/s.exec(value)
      if (m !== null) {
        charset = m[1]! || null
        value = m[2]!
      }
    }
    binary += s.encoded ? value.replace(/%([0-9A-Fa-f]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16))) : value
  })
  const decoder = charset === null ? null : charsetDecoder(charset)
  if (decoder === null) return decodeHeaderText(binary)
  return decoder.decode(Buffer.from(binary, 'latin1'))
}
