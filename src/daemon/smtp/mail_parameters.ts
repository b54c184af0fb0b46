/**
 * MAIL FROM parameters this server supports: SIZE (RFC 1870), BODY
 * (RFC 6152) and AUTH (RFC 4954 §5, accepted and ignored: we do not relay
 * on another server's word about who submitted a message).
 */
import type {EsmtpParameter} from './address.js'
import {smtpReply, type SmtpReply} from './reply.js'

export interface MailParameters {
  /** The size the client announced, if any. */
  readonly size: number | null
  readonly body: '7BIT' | '8BITMIME'
}

/** The parameters, or the reply refusing them. `maxMessageSize` 0 means no limit. */
export function checkMailParameters(params: readonly EsmtpParameter[], maxMessageSize: number): MailParameters | SmtpReply {
  let size: number | null = null
  let body: MailParameters['body'] = '7BIT'
  const seen = new Set<string>()
  for (const {keyword, value} of params) {
    if (seen.has(keyword)) return smtpReply(501, '5.5.4', `Duplicate ${keyword} parameter`)
    seen.add(keyword)
    switch (keyword) {
      case 'SIZE':
        if (value === null || !/^\d{1,20}$/.test(value)) return smtpReply(501, '5.5.4', 'Bad SIZE parameter')
        size = Number(value)
        if (maxMessageSize > 0 && size > maxMessageSize) return smtpReply(552, '5.3.4', 'Message size exceeds fixed maximum message size')
        break
      case 'BODY': {
        const kind = value?.toUpperCase()
        if (kind !== '7BIT' && kind !== '8BITMIME') return smtpReply(501, '5.5.4', 'Bad BODY parameter')
        body = kind
        break
      }
      case 'AUTH':
        if (value === null) return smtpReply(501, '5.5.4', 'Bad AUTH parameter')
        break
      default:
        return smtpReply(555, '5.5.4', `Unsupported option: ${keyword}`)
    }
  }
  return {size, body}
}
