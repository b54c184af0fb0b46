import type {BodyStructure, Envelope, EnvelopeAddress, Extension, Parameters} from '../../core/mime/index.js'
import {Adjacent, type ImapValue} from './response_composer.js'

/**
 * ENVELOPE and BODY/BODYSTRUCTURE as response values (RFC 3501 §7.4.2).
 * MIME text is binary (one char per byte) and goes out as the same bytes.
 */
export function envelopeValue(env: Envelope): ImapValue {
  return [
    bin(env.date),
    bin(env.subject),
    addresses(env.from),
    addresses(env.sender),
    addresses(env.replyTo),
    addresses(env.to),
    addresses(env.cc),
    addresses(env.bcc),
    bin(env.inReplyTo),
    bin(env.messageId),
  ]
}

/** BODYSTRUCTURE when `extended`, else the shorter BODY form. */
export function bodyStructureValue(bs: BodyStructure, extended: boolean): ImapValue {
  if (bs.kind === 'multipart') {
    const out: ImapValue[] = [new Adjacent(bs.parts.map((p) => bodyStructureValue(p, extended))), bs.subtype]
    if (extended) out.push(parameters(bs.params), ...extensionValues(bs.extension))
    return out
  }
  const out: ImapValue[] = [bs.type, bs.subtype, parameters(bs.params), bin(bs.id), bin(bs.description), bs.encoding, bs.size]
  if (bs.message !== null) out.push(envelopeValue(bs.message.envelope), bodyStructureValue(bs.message.body, extended))
  if (bs.lines !== null) out.push(bs.lines)
  if (extended) out.push(bin(bs.extension.md5), ...extensionValues(bs.extension))
  return out
}

function extensionValues(ext: Extension): ImapValue[] {
  const disposition = ext.disposition === null ? null : [bin(ext.disposition.type), parameters(ext.disposition.params)]
  const language = ext.language === null || ext.language.length === 0 ? null : ext.language.length === 1 ? bin(ext.language[0]!) : ext.language.map(bin)
  return [disposition, language, bin(ext.location)]
}

function parameters(params: Parameters): ImapValue {
  return params.length === 0 ? null : params.flatMap(([n, v]) => [bin(n), bin(v)])
}

function addresses(list: readonly EnvelopeAddress[] | null): ImapValue {
  return list === null ? null : list.map((a) => [bin(a.name), bin(a.adl), bin(a.mailbox), bin(a.host)])
}

function bin(text: string | null): Buffer | null {
  return text === null ? null : Buffer.from(text, 'latin1')
}
