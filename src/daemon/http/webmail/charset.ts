import {TextDecoder} from 'node:util'

/**
 * Bytes in a declared charset to text. TextDecoder knows the WHATWG
 * encodings (utf-8, the ISO-8859 family, windows-125x, koi8, ...); it maps
 * "iso-8859-1" and "us-ascii" to windows-1252, which is what senders mean
 * in practice.
 */

/** What turns bytes into text; TextDecoder is one. */
export interface Decoder {
  decode(bytes: Uint8Array): string
}

// One decoder per label: building them is not free and the inbox decodes many headers.
const decoders = new Map<string, Decoder | null>()

/** A decoder for `label`, or null when the charset is unknown. */
export function charsetDecoder(label: string): Decoder | null {
  const key = label.trim().toLowerCase()
  let decoder = decoders.get(key)
  if (decoder === undefined) {
    try {
      const native = new TextDecoder(key)
      decoder = native.encoding === 'windows-1252' ? windows1252 : native
    } catch {
      decoder = null
    }
    // Labels come from mail: do not let a hostile sender grow the cache without bound.
    if (decoders.size < 200) decoders.set(key, decoder)
  }
  return decoder
}

/**
 * windows-1252 (also what "iso-8859-1" and "us-ascii" mean on the web):
 * latin1 except 0x80-0x9F, which hold typographic characters. Done by hand
 * because Node 20's TextDecoder decodes that range as C1 controls.
 */
const CP1252_HIGH = [
  0x20ac, 0x81, 0x201a, 0x192, 0x201e, 0x2026, 0x2020, 0x2021, 0x2c6, 0x2030, 0x160, 0x2039, 0x152, 0x8d, 0x17d, 0x8f,
  0x90, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x2dc, 0x2122, 0x161, 0x203a, 0x153, 0x9d, 0x17e, 0x178,
]
const windows1252: Decoder = {
  decode(bytes: Uint8Array): string {
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
      .toString('latin1')
      .replace(/[\x80-\x9f]/g, (c) => String.fromCharCode(CP1252_HIGH[c.charCodeAt(0) - 0x80]!))
  },
}

const utf8 = new TextDecoder('utf-8')

/** Decode `bytes` in `charset`; unknown or missing charsets read as UTF-8 with replacement characters. */
export function decodeCharset(bytes: Uint8Array, charset: string | null): string {
  const decoder = (charset === null ? null : charsetDecoder(charset)) ?? utf8
  return decoder.decode(bytes)
}

const strictUtf8 = new TextDecoder('utf-8', {fatal: true})

/**
 * Raw 8-bit header text (one char per byte) as text: UTF-8 when it is
 * valid UTF-8 (RFC 6532 headers), otherwise latin1 as it stands.
 */
export function decodeRawHeaderText(binary: string): string {
  if (!/[\x80-\xff]/.test(binary)) return binary
  try {
    return strictUtf8.decode(Buffer.from(binary, 'latin1'))
  } catch {
    return binary
  }
}
