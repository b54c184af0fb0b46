/**
 * SMTP replies (RFC 5321 §4.2) with enhanced status codes (RFC 2034,
 * RFC 3463). A multi-line reply repeats the code with "-" on every line but
 * the last.
 */
export interface SmtpReply {
  readonly code: number
  /** "x.y.z", or null where RFC 2034 gives none (greeting, EHLO lines). */
  readonly enhanced: string | null
  readonly lines: readonly string[]
}

export function smtpReply(code: number, enhanced: string | null, text: string | readonly string[]): SmtpReply {
  return {code, enhanced, lines: typeof text === 'string' ? [text] : text}
}

export function isSmtpReply(value: unknown): value is SmtpReply {
  return typeof value === 'object' && value !== null && 'code' in value && 'lines' in value
}

/** Replies are 7-bit printable text (RFC 5321 §4.2); anything else a reply quotes from the client becomes "?". */
export function formatSmtpReply(reply: SmtpReply): string {
  const lines = reply.lines.length > 0 ? reply.lines : ['']
  const prefix = reply.enhanced ? `${reply.enhanced} ` : ''
  return lines.map((line, i) => `${reply.code}${i < lines.length - 1 ? '-' : ' '}${prefix}${line.replace(/[^\x20-\x7e]/g, '?')}`.trimEnd() + '\r\n').join('')
}
