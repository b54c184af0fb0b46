import type {BinaryString} from './header.js'
import {parameter, parseParameterisedValue} from './header_parameters.js'

/** A part's media type (RFC 2045 §5), with defaults already applied. */
export interface ContentType {
  /** Lower case, e.g. "text", "multipart", "message". */
  readonly type: string
  readonly subtype: string
  readonly params: ReadonlyArray<readonly [name: string, value: BinaryString]>
  /** True when the header was missing or unusable and the default was taken. */
  readonly defaulted: boolean
}

/** RFC 2045 default: text/plain; charset=us-ascii. */
export const DEFAULT_CONTENT_TYPE: ContentType = {type: 'text', subtype: 'plain', params: [['charset', 'us-ascii']], defaulted: true}
/** RFC 2046 §5.1.5: the default inside multipart/digest. */
export const DIGEST_DEFAULT_CONTENT_TYPE: ContentType = {type: 'message', subtype: 'rfc822', params: [], defaulted: true}

const TOKEN = /^[^()<>@,;:\\"/[\]?=\s\x00-\x1f\x7f]+$/

/** Parse a Content-Type value; null or malformed gives `fallback`. */
export function parseContentType(value: BinaryString | null, fallback: ContentType = DEFAULT_CONTENT_TYPE): ContentType {
  if (value === null) return fallback
  const parsed = parseParameterisedValue(value)
  const slash = parsed.value.indexOf('/')
  const type = parsed.value.slice(0, slash).toLowerCase()
  const subtype = parsed.value.slice(slash + 1).toLowerCase()
  if (slash <= 0 || !TOKEN.test(type) || !TOKEN.test(subtype)) return fallback
  return {type, subtype, params: parsed.params, defaulted: false}
}

export function contentTypeParameter(ct: ContentType, name: string): BinaryString | null {
  return parameter({value: '', params: ct.params}, name)
}
