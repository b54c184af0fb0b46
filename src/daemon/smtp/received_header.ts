/**
 * The trace line a receiving SMTP server prepends (RFC 5321 §4.4), with the
 * "with" protocol names of RFC 3848 (ESMTP, ESMTPS, ESMTPA, ESMTPSA). It is
 * folded so no line exceeds 78 characters for ordinary host names.
 */
import {formatRfc5322Date} from './rfc5322_date.js'

export interface ReceivedFacts {
  /** The name the client gave in HELO/EHLO. */
  readonly helo: string
  readonly remoteAddress: string
  readonly hostname: string
  readonly esmtp: boolean
  readonly tls: boolean
  readonly authenticated: boolean
  readonly id: string
  readonly date: Date
  /** The "with" name when the message did not come by SMTP (web mail: HTTP, HTTPS). */
  readonly protocol?: string
}

export function receivedHeader(f: ReceivedFacts): string {
  const protocol = f.protocol ?? (f.esmtp ? `ESMTP${f.tls ? 'S' : ''}${f.authenticated ? 'A' : ''}` : 'SMTP')
  return (
    `Received: from ${printable(f.helo)} (${addressLiteral(f.remoteAddress)})\r\n` +
    `\tby ${f.hostname} (msgctl) with ${protocol} id ${f.id};\r\n` +
    `\t${formatRfc5322Date(f.date)}\r\n`
  )
}

/** The client's HELO text is untrusted: keep it to one short run of visible ASCII. */
function printable(text: string): string {
  const cleaned = text.replace(/[^\x21-\x7e]/g, '?').slice(0, 64)
  return cleaned === '' ? 'unknown' : cleaned
}

/** RFC 5321 address-literal: [192.0.2.1] or [IPv6:2001:db8::1]. */
function addressLiteral(address: string): string {
  return address.includes(':') ? `[IPv6:${address}]` : `[${address}]`
}
