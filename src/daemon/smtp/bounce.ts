/**
 * A delivery status notification for recipients that failed for good, laid
 * out as RFC 3464 asks: multipart/report with a human part, a
 * message/delivery-status part, and the original header.
 */
import {randomBytes} from 'node:crypto'
import {formatRfc5322Date} from './rfc5322_date.js'

export interface FailedRecipient {
  readonly address: string
  /** RFC 3463 status, e.g. "5.1.1"; "4.4.7" for an expired message. */
  readonly status: string
  /** The remote reply ("smtp; 550 5.1.1 ...") or our reason. */
  readonly diagnostic: string
}

export interface BounceFacts {
  readonly hostname: string
  readonly sender: string
  readonly queueId: string
  readonly arrivalDate: Date
  readonly original: Buffer
  readonly failed: readonly FailedRecipient[]
  readonly date: Date
}

export function buildBounce(f: BounceFacts): Buffer {
  const boundary = `${f.queueId}.${randomBytes(8).toString('hex')}/${f.hostname}`
  const human = [
    `This is the mail system at host ${f.hostname}.`,
    '',
    "I'm sorry to have to inform you that your message could not",
    'be delivered to one or more recipients:',
    '',
    ...f.failed.map((r) => `<${r.address}>: ${r.diagnostic}`),
  ]
  const perRecipient = f.failed.flatMap((r) => ['', `Final-Recipient: rfc822; ${r.address}`, 'Action: failed', `Status: ${r.status}`, `Diagnostic-Code: ${r.diagnostic}`])
  const lines = [
    `From: Mail Delivery System <MAILER-DAEMON@${f.hostname}>`,
    `To: <${f.sender}>`,
    'Subject: Undelivered Mail Returned to Sender',
    `Date: ${formatRfc5322Date(f.date)}`,
    `Message-ID: <${f.queueId}.${Date.now()}@${f.hostname}>`,
    'Auto-Submitted: auto-replied',
    'MIME-Version: 1.0',
    `Content-Type: multipart/report; report-type=delivery-status; boundary="${boundary}"`,
    '',
    'This is a MIME-encapsulated message.',
    '',
    `--${boundary}`,
    'Content-Type: text/plain; charset=us-ascii',
    '',
    ...human,
    '',
    `--${boundary}`,
    'Content-Type: message/delivery-status',
    '',
    `Reporting-MTA: dns; ${f.hostname}`,
    `X-Queue-ID: ${f.queueId}`,
    `Arrival-Date: ${formatRfc5322Date(f.arrivalDate)}`,
    ...perRecipient,
    '',
    `--${boundary}`,
    'Content-Type: text/rfc822-headers',
    '',
  ]
  return Buffer.concat([Buffer.from(lines.join('\r\n') + '\r\n', 'latin1'), originalHeader(f.original), Buffer.from(`\r\n--${boundary}--\r\n`)])
}

/** The header of the original message, up to (not including) the blank line. */
function originalHeader(message: Buffer): Buffer {
  const crlf = message.indexOf('\r\n\r\n')
  const lf = message.indexOf('\n\n')
  const ends = [crlf < 0 ? -1 : crlf + 2, lf < 0 ? -1 : lf + 1].filter((n) => n >= 0)
  return ends.length === 0 ? message : message.subarray(0, Math.min(...ends))
}
