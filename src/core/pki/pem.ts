/**
 * PEM (RFC 7468) text and DER/PEM auto-detection for certutil's `-i`, `-a`
 * and stdin inputs. Decoding tolerates CRLF and any text around the block
 * (openssl `-text` output, certutil `-R -a`'s preamble) and NSS's
 * `NEW CERTIFICATE REQUEST` label.
 */
import {childrenOf, parseDer} from './der.js'
import {PemError} from './errors.js'

export const PEM_LABEL = {
  certificate: 'CERTIFICATE',
  certificateRequest: 'CERTIFICATE REQUEST',
  /** What NSS `certutil -R -a` writes. */
  newCertificateRequest: 'NEW CERTIFICATE REQUEST',
  privateKey: 'PRIVATE KEY',
  encryptedPrivateKey: 'ENCRYPTED PRIVATE KEY',
  publicKey: 'PUBLIC KEY',
} as const

/** Labels accepted for each kind of input. */
export const CERTIFICATE_LABELS: readonly string[] = [PEM_LABEL.certificate, 'X509 CERTIFICATE', 'TRUSTED CERTIFICATE']
export const REQUEST_LABELS: readonly string[] = [PEM_LABEL.certificateRequest, PEM_LABEL.newCertificateRequest]

export interface PemBlock {
  readonly label: string
  readonly der: Buffer
}

/** PEM text: 64-character base64 lines, LF line ends, trailing newline. */
export function pemEncode(label: string, der: Buffer): string {
  const b64 = der.toString('base64')
  const lines: string[] = []
  for (let i = 0; i < b64.length; i += 64) lines.push(b64.slice(i, i + 64))
  return `-----BEGIN ${label}-----\n${lines.join('\n')}${lines.length > 0 ? '\n' : ''}-----END ${label}-----\n`
}

const BLOCK = /-----BEGIN ([A-Z0-9 #]+)-----([\s\S]*?)-----END ([A-Z0-9 #]+)-----/g
const END_LINE = /-----END [A-Z0-9 #]+-----/y
const BASE64_BODY = /^[A-Za-z0-9+/=\s]*$/

function decodeBase64(body: string, label: string): Buffer {
  // RFC 1421 headers (Proc-Type: ...) end at a blank line; keep what follows.
  let text = body
  if (/^\s*[A-Za-z-]+:/.test(text)) {
    const blank = text.search(/\r?\n\s*\r?\n/)
    if (blank < 0) throw new PemError(`PEM block ${label} has headers but no data`)
    text = text.slice(blank)
  }
  if (!BASE64_BODY.test(text)) throw new PemError(`PEM block ${label} contains characters that are not base64`)
  const compact = text.replace(/\s+/g, '')
  if (compact.length === 0) throw new PemError(`PEM block ${label} is empty`)
  if (compact.length % 4 === 1 || /=[^=]/.test(compact)) throw new PemError(`PEM block ${label} has malformed base64`)
  return Buffer.from(compact, 'base64')
}

/** Every PEM block in the text, in order. */
export function pemDecodeAll(input: string | Buffer): PemBlock[] {
  const all = typeof input === 'string' ? input : input.toString('latin1')
  // A BEGIN with no END after it makes the lazy body scan to the end of the text, once per
  // BEGIN (quadratic); no block can end after the last END line, so stop there.
  let end = 0
  for (let at = all.indexOf('-----END '); at !== -1; at = all.indexOf('-----END ', at + 1)) {
    END_LINE.lastIndex = at
    if (END_LINE.test(all)) end = END_LINE.lastIndex
  }
  const text = all.slice(0, end)
  const out: PemBlock[] = []
  for (const m of text.matchAll(BLOCK)) {
    const label = m[1] as string
    if (m[3] !== label) throw new PemError(`PEM block begins with ${label} but ends with ${m[3] as string}`)
    out.push({label, der: decodeBase64(m[2] as string, label)})
  }
  return out
}

/** The first block with one of `labels`; PemError naming what was found otherwise. */
export function pemDecode(input: string | Buffer, labels: readonly string[]): PemBlock {
  const blocks = pemDecodeAll(input)
  const hit = blocks.find((b) => labels.includes(b.label))
  if (hit !== undefined) return hit
  if (blocks.length > 0) {
    throw new PemError(`expected a PEM block labelled ${labels.join(' or ')}, found ${blocks.map((b) => b.label).join(', ')}`)
  }
  throw new PemError(`no "-----BEGIN ${labels[0] ?? ''}-----" block found`)
}

/** True when the bytes are exactly one DER element starting with a SEQUENCE. */
export function looksLikeDer(input: Buffer): boolean {
  if (input.length < 2 || input[0] !== 0x30) return false
  try {
    parseDer(input)
    return true
  } catch {
    return false
  }
}

export interface DecodedInput {
  readonly der: Buffer
  readonly format: 'der' | 'pem' | 'base64'
  /** PEM label, when the input was PEM. */
  readonly label: string | null
}

/**
 * DER from a file or stdin that may hold DER, a PEM block (with text
 * around it), or bare base64 as NSS's ASCII mode also reads. `what` names
 * the expected content for messages (`certificate`, `certificate request`).
 */
export function decodeDerOrPem(input: Buffer, labels: readonly string[], what: string): DecodedInput {
  if (input.length === 0) throw new PemError(`the ${what} input is empty`)
  if (input[0] === 0x30 && looksLikeDer(input)) return {der: input, format: 'der', label: null}
  const text = input.toString('latin1')
  if (text.includes('-----BEGIN ')) {
    const block = pemDecode(text, labels)
    return {der: block.der, format: 'pem', label: block.label}
  }
  const trimmed = text.trim()
  if (trimmed.length > 0 && BASE64_BODY.test(trimmed)) {
    const der = decodeBase64(trimmed, 'base64')
    if (looksLikeDer(der)) return {der, format: 'base64', label: null}
  }
  if (input[0] === 0x30) return {der: input, format: 'der', label: null}
  throw new PemError(`the ${what} input is neither DER nor PEM`)
}

export type DerKind = 'certificate' | 'certificate request' | 'private key' | 'encrypted private key' | 'public key' | 'PKCS #7 / CMS message' | 'PKCS #12 file'

/**
 * A best guess at what a DER blob is, from its outline only; used to say
 * "this is a private key, not a certificate" instead of a bare parse error.
 */
export function identifyDer(der: Buffer): DerKind | null {
  try {
    const top = parseDer(der)
    if (top.tag !== 0x30) return null
    const kids = childrenOf(top)
    const tags = kids.map((k) => k.tag)
    const first = kids[0]
    if (first === undefined) return null
    if (tags.length === 2 && tags[0] === 0x06 && tags[1] === 0xa0) return 'PKCS #7 / CMS message'
    if (tags.length >= 2 && tags[0] === 0x02 && tags[1] === 0x30 && first.content.length === 1 && first.content[0] === 3) return 'PKCS #12 file'
    if (tags.length >= 3 && tags[0] === 0x02 && tags[1] === 0x30 && tags[2] === 0x04) return 'private key'
    if (tags.length === 2 && tags[0] === 0x30 && tags[1] === 0x04) return 'encrypted private key'
    if (tags.length === 2 && tags[0] === 0x30 && tags[1] === 0x03) return 'public key'
    if (tags.length === 3 && tags[0] === 0x30 && tags[1] === 0x30 && tags[2] === 0x03) {
      const inner = childrenOf(first).map((k) => k.tag)
      if (inner[0] === 0xa0 || (inner[0] === 0x02 && inner[1] === 0x30 && inner[2] === 0x30 && inner.length >= 6)) return 'certificate'
      if (inner[0] === 0x02 && inner[1] === 0x30 && inner[2] === 0x30) return 'certificate request'
    }
    return null
  } catch {
    return null
  }
}
