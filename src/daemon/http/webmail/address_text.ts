import {parseAddressList, type Mailbox} from '../../../core/mime/index.js'
import {decodeHeaderText} from './encoded_words.js'

/**
 * Address headers (From, To, Cc) as a reader wants to see them:
 * `Name <local@domain>, other@domain`, names decoded from encoded words.
 */
export function addressListText(raw: string | null): string {
  if (raw === null) return ''
  const list = parseAddressList(raw)
  if (list.length === 0) return decodeHeaderText(raw)
  return list
    .map((a) => (a.kind === 'group' ? `${decodeHeaderText(a.name)}: ${a.members.map(mailboxText).join(', ')};` : mailboxText(a)))
    .join(', ')
}

/** The first sender's display name, or its address when it has none: what an inbox row shows. */
export function senderName(raw: string | null): string {
  if (raw === null) return ''
  for (const a of parseAddressList(raw)) {
    const m = a.kind === 'group' ? a.members[0] : a
    if (m === undefined) continue
    const name = m.name === null ? '' : decodeHeaderText(m.name).trim()
    return name !== '' ? name : addressOf(m)
  }
  return decodeHeaderText(raw)
}

function mailboxText(m: Mailbox): string {
  const address = addressOf(m)
  const name = m.name === null ? '' : decodeHeaderText(m.name).trim()
  return name === '' || name === address ? address : `${name} <${address}>`
}

function addressOf(m: Mailbox): string {
  return decodeHeaderText(m.domain === null ? m.localPart : `${m.localPart}@${m.domain}`)
}
