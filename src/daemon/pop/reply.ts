/**
 * POP3 responses (RFC 1939 §3): "+OK"/"-ERR" status lines, and multi-line
 * responses whose lines starting with "." get one more, ending with ".".
 */
export function okLine(text: string): string {
  return text === '' ? '+OK\r\n' : `+OK ${text}\r\n`
}

export function errLine(text: string): string {
  return `-ERR ${text}\r\n`
}

/** A multi-line body from text lines (CAPA, LIST, UIDL). */
export function multiLineText(lines: readonly string[]): string {
  return lines.map((l) => (l.startsWith('.') ? `.${l}` : l) + '\r\n').join('') + '.\r\n'
}

/** Message bytes as a multi-line body (byte-stuffed, terminated). */
export {dotStuff as multiLineMessage} from '../smtp/dot_stuffing.js'
