/**
 * SASLprep-lite (after RFC 4013): non-ASCII spaces become U+0020, the
 * "commonly mapped to nothing" characters vanish, NFKC normalises, and
 * control, private-use, surrogate and non-character code points are
 * refused (null). Bidi and unassigned-code-point checks are left out: they
 * need Unicode tables, and their absence only admits odd names, never
 * lets a wrong password match.
 */
const NON_ASCII_SPACE = /[\u00A0\u1680\u2000-\u200B\u202F\u205F\u3000]/gu
const MAPPED_TO_NOTHING = /[\u00AD\u034F\u1806\u180B-\u180D\u200C\u200D\u2060\uFE00-\uFE0F\uFEFF]/gu
const PROHIBITED = /[\u0000-\u001F\u007F-\u009F\u06DD\u070F\u180E\u200E\u200F\u2028\u2029\u202A-\u202E\u2061-\u2064\u206A-\u206F\uD800-\uDFFF\uE000-\uF8FF\uFFF9-\uFFFF]|[\u{F0000}-\u{10FFFF}]|[\u{1FFFE}\u{1FFFF}\u{E0001}\u{E0020}-\u{E007F}]/u

export function saslprep(input: string): string | null {
  // isWellFormed is not in Node 20's lib typings; a lone surrogate is caught by PROHIBITED below.
  const out = input.replace(NON_ASCII_SPACE, ' ').replace(MAPPED_TO_NOTHING, '').normalize('NFKC')
  return PROHIBITED.test(out) ? null : out
}
