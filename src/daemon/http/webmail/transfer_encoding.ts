import {decodeQuotedPrintable} from './quoted_printable.js'

/**
 * Undo a part's Content-Transfer-Encoding (RFC 2045 §6). 7bit, 8bit, binary
 * and unknown encodings pass through unchanged, so the reader at least sees
 * the bytes.
 */
export function decodeTransferEncoding(body: Buffer, encoding: string | null): Buffer {
  switch ((encoding ?? '').trim().toLowerCase()) {
    case 'base64':
      return decodeBase64(body)
    case 'quoted-printable':
      return decodeQuotedPrintable(body)
    default:
      return body
  }
}

/**
 * Lenient base64: characters outside the alphabet (line breaks, stray
 * padding, garbage) are skipped, and a truncated tail decodes as far as it
 * goes. Node's own decoder stops at the first "=", which loses the rest of
 * bodies that concatenate padded chunks.
 */
export function decodeBase64(body: Buffer): Buffer {
  const clean = body.toString('latin1').replace(/[^A-Za-z0-9+/]+/g, '')
  return Buffer.from(clean, 'base64')
}
