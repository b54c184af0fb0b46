import {parseAddressList, type Address} from './address.js'
import {headerValue, type BinaryString, type Header} from './header.js'

/**
 * IMAP's ENVELOPE (RFC 3501 §7.4.2) as data: raw header texts and address
 * lists. Groups are flattened the IMAP way: a start marker whose `mailbox`
 * is the group name (host null), the members, then an all-null end marker.
 */
export interface EnvelopeAddress {
  readonly name: BinaryString | null
  readonly adl: BinaryString | null
  readonly mailbox: BinaryString | null
  readonly host: BinaryString | null
}

export interface Envelope {
  readonly date: BinaryString | null
  readonly subject: BinaryString | null
  readonly from: readonly EnvelopeAddress[] | null
  readonly sender: readonly EnvelopeAddress[] | null
  readonly replyTo: readonly EnvelopeAddress[] | null
  readonly to: readonly EnvelopeAddress[] | null
  readonly cc: readonly EnvelopeAddress[] | null
  readonly bcc: readonly EnvelopeAddress[] | null
  readonly inReplyTo: BinaryString | null
  readonly messageId: BinaryString | null
}

export function buildEnvelope(header: Header): Envelope {
  const text = (name: string): string | null => {
    const v = headerValue(header, name)
    return v === null || v === '' ? null : v
  }
  const addresses = (name: string): EnvelopeAddress[] | null => {
    const v = headerValue(header, name)
    if (v === null) return null
    const list = flatten(parseAddressList(v))
    return list.length === 0 ? null : list
  }
  const from = addresses('from')
  return {
    date: text('date'),
    subject: text('subject'),
    from,
    // RFC 3501: sender and reply-to default to from.
    sender: addresses('sender') ?? from,
    replyTo: addresses('reply-to') ?? from,
    to: addresses('to'),
    cc: addresses('cc'),
    bcc: addresses('bcc'),
    inReplyTo: text('in-reply-to'),
    messageId: text('message-id'),
  }
}

function flatten(list: readonly Address[]): EnvelopeAddress[] {
  const out: EnvelopeAddress[] = []
  for (const a of list) {
    if (a.kind === 'mailbox') {
      out.push({name: a.name, adl: a.route, mailbox: a.localPart, host: a.domain})
    } else {
      out.push({name: null, adl: null, mailbox: a.name, host: null})
      for (const m of a.members) out.push({name: m.name, adl: m.route, mailbox: m.localPart, host: m.domain})
      out.push({name: null, adl: null, mailbox: null, host: null})
    }
  }
  return out
}
