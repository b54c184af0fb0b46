/**
 * TOP n m (RFC 1939 §7): the header, the blank line after it, and the first
 * m lines of the body, as stored.
 */
export function topOfMessage(message: Buffer, bodyLines: number): Buffer {
  let pos = 0
  // Header: up to and including the first empty line.
  for (;;) {
    const lf = message.indexOf(0x0a, pos)
    if (lf < 0) return message
    const empty = lf === pos || (lf === pos + 1 && message[pos] === 0x0d)
    pos = lf + 1
    if (empty) break
  }
  for (let i = 0; i < bodyLines; i++) {
    const lf = message.indexOf(0x0a, pos)
    if (lf < 0) return message
    pos = lf + 1
  }
  return message.subarray(0, pos)
}
