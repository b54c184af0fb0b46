/**
 * Byte-stuffing for a message sent as a multi-line body (SMTP DATA,
 * RFC 5321 §4.5.2; POP3 RETR/TOP, RFC 1939 §3): a "." is added at every line
 * start that has one (after any LF, so a stored bare-LF message cannot end
 * the body early either), a CRLF if the message does not end a line, and
 * the terminating ".".
 */
const DOT = 0x2e
const TERMINATOR = Buffer.from('.\r\n')
const CRLF = Buffer.from('\r\n')
const DOT_BYTE = Buffer.from('.')

export function dotStuff(message: Buffer): Buffer {
  const parts: Buffer[] = []
  let lineStart = 0
  while (lineStart < message.length) {
    if (message[lineStart] === DOT) parts.push(DOT_BYTE)
    const lf = message.indexOf(0x0a, lineStart)
    const end = lf < 0 ? message.length : lf + 1
    parts.push(message.subarray(lineStart, end))
    lineStart = end
  }
  if (message.length > 0 && message[message.length - 1] !== 0x0a) parts.push(CRLF)
  parts.push(TERMINATOR)
  return Buffer.concat(parts)
}
