import {charsetDecoder, decodeRawHeaderText} from './charset.js'

/**
 * RFC 2047 encoded words (`=?charset?B|Q?text?=`) in header values.
 */

const ENCODED_WORD = /=\?([^?\s]+)\?([BbQq])\?([^?\s]*)\?=/g

type Piece = {kind: 'text'; text: string} | {kind: 'word'; charset: string; bytes: Buffer; raw: string}

/**
 * Decode the encoded words in a raw header value (a binary string, one char
 * per byte). Words in an unknown charset stay as written. White space
 * between two encoded words is dropped (RFC 2047 §6.2), and adjacent words
 * in one charset are decoded together, so a character split across words
 * (as some senders do) comes out whole.
 */
export function decodeHeaderText(raw: string): string {
  const pieces: Piece[] = []
  let last = 0
  for (const m of raw.matchAll(ENCODED_WORD)) {
    const at = m.index!
    if (at > last) pieces.push({kind: 'text', text: raw.slice(last, at)})
    // RFC 2231 §5 allows a language after "*": "utf-8*en".
    const charset = m[1]!.split('*')[0]!.toLowerCase()
    const bytes = m[2]!.toUpperCase() === 'B' ? decodeBWord(m[3]!) : decodeQWord(m[3]!)
    pieces.push({kind: 'word', charset, bytes, raw: m[0]})
    last = at + m[0].length
  }
  if (last === 0) return decodeRawHeaderText(raw)
  if (last < raw.length) pieces.push({kind: 'text', text: raw.slice(last)})

  let out = ''
  let pending: {charset: string; chunks: Buffer[]} | null = null
  const flush = (): void => {
    if (pending === null) return
    out += charsetDecoder(pending.charset)!.decode(Buffer.concat(pending.chunks))
    pending = null
  }
  for (let i = 0; i < pieces.length; i++) {
    const p = pieces[i]!
    if (p.kind === 'text') {
      const between = /^[ \t\r\n]*$/.test(p.text) && known(pieces[i - 1]) && known(pieces[i + 1])
      if (!between) {
        flush()
        out += decodeRawHeaderText(p.text)
      }
      continue
    }
    if (charsetDecoder(p.charset) === null) {
      flush()
      out += p.raw
      continue
    }
    if (pending !== null && pending.charset !== p.charset) flush()
    if (pending === null) pending = {charset: p.charset, chunks: []}
    pending.chunks.push(p.bytes)
  }
  flush()
  return out
}

function known(p: Piece | undefined): boolean {
  return p !== undefined && p.kind === 'word' && charsetDecoder(p.charset) !== null
}

function decodeBWord(text: string): Buffer {
  return Buffer.from(text.replace(/[^A-Za-z0-9+/]/g, ''), 'base64')
}

function decodeQWord(text: string): Buffer {
  const bytes: number[] = []
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!
    if (c === '_') bytes.push(0x20)
    else if (c === '=' && /^[0-9A-Fa-f]{2}$/.test(text.slice(i + 1, i + 3))) {
      bytes.push(parseInt(text.slice(i + 1, i + 3), 16))
      i += 2
    } else bytes.push(c.charCodeAt(0) & 0xff)
  }
  return Buffer.from(bytes)
}

/** Encoded-word payload per word: 42 bytes is 56 base64 characters, a 68-character word. */
const WORD_BYTES = 42

/**
 * `text` as UTF-8 B encoded words, each at most 68 characters, never
 * splitting a character between two words (RFC 2047 §5 rule 3).
 */
export function encodeWords(text: string): string[] {
  const words: string[] = []
  let chunk: string[] = []
  let size = 0
  const push = (): void => {
    if (chunk.length > 0) words.push(`=?utf-8?B?${Buffer.from(chunk.join(''), 'utf8').toString('base64')}?=`)
    chunk = []
    size = 0
  }
  for (const ch of text) {
    const n = Buffer.byteLength(ch, 'utf8')
    if (size + n > WORD_BYTES) push()
    chunk.push(ch)
    size += n
  }
  push()
  return words
}
