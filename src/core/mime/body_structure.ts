import type {BinaryString} from './header.js'
import {headerValue} from './header.js'
import {parseParameterisedValue} from './header_parameters.js'
import {buildEnvelope, type Envelope} from './envelope.js'
import type {MimePart} from './mime_part.js'

/**
 * IMAP's BODYSTRUCTURE (RFC 3501 §7.4.2) as data. The non-extensible BODY
 * form is the same tree without the `extension` fields. Types, subtypes and
 * encodings are upper case as in the RFC's examples; parameters as written.
 */
export type Parameters = ReadonlyArray<readonly [name: string, value: BinaryString]>

export interface Extension {
  readonly md5: BinaryString | null
  readonly disposition: {readonly type: BinaryString; readonly params: Parameters} | null
  readonly language: readonly BinaryString[] | null
  readonly location: BinaryString | null
}

export interface SinglePartStructure {
  readonly kind: 'single'
  readonly type: string
  readonly subtype: string
  readonly params: Parameters
  readonly id: BinaryString | null
  readonly description: BinaryString | null
  readonly encoding: string
  readonly size: number
  /** text/* and message/rfc822 only. */
  readonly lines: number | null
  /** message/rfc822 only. */
  readonly message: {readonly envelope: Envelope; readonly body: BodyStructure} | null
  readonly extension: Extension
}

export interface MultipartStructure {
  readonly kind: 'multipart'
  readonly parts: readonly BodyStructure[]
  readonly subtype: string
  readonly params: Parameters
  readonly extension: Extension
}

export type BodyStructure = SinglePartStructure | MultipartStructure

export function buildBodyStructure(part: MimePart): BodyStructure {
  const header = part.header
  const optional = (name: string): string | null => {
    const v = headerValue(header, name)
    return v === null || v === '' ? null : v
  }
  const dispositionText = optional('content-disposition')
  const disposition = dispositionText === null ? null : parseParameterisedValue(dispositionText)
  const languageText = optional('content-language')
  const extension: Extension = {
    md5: optional('content-md5'),
    disposition: disposition && disposition.value !== '' ? {type: disposition.value, params: disposition.params} : null,
    language: languageText === null ? null : languageText.split(/\s*,\s*/).filter((l) => l !== ''),
    location: optional('content-location'),
  }
  const ct = part.contentType
  const params: Parameters = ct.params.length > 0 ? ct.params : []
  if (part.isMultipart) {
    return {kind: 'multipart', parts: part.children.map(buildBodyStructure), subtype: ct.subtype.toUpperCase(), params, extension}
  }
  const isText = ct.type === 'text'
  const inner = part.message
  return {
    kind: 'single',
    type: ct.type.toUpperCase(),
    subtype: ct.subtype.toUpperCase(),
    params: ct.defaulted && ct.type === 'text' ? [['CHARSET', 'US-ASCII']] : params,
    id: optional('content-id'),
    description: optional('content-description'),
    encoding: (optional('content-transfer-encoding') ?? '7BIT').toUpperCase(),
    size: part.bodySize,
    lines: isText || inner !== null ? part.bodyLines : null,
    message: inner === null ? null : {envelope: buildEnvelope(inner.header), body: buildBodyStructure(inner)},
    extension,
  }
}
