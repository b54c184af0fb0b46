/**
 * Content-Disposition for a download (RFC 6266): always `attachment`, so
 * the browser saves the file rather than showing it, with the name twice:
 * `filename*` carries it exactly in UTF-8 (RFC 8187), and `filename` an
 * ASCII stand-in for the clients that read only that one.
 */
export function attachmentDisposition(filename: string): string {
  const name = filename.replace(/[\x00-\x1f\x7f]+/g, ' ').trim() || 'attachment'
  return `attachment; filename="${asciiFallback(name)}"; filename*=UTF-8''${extValue(name)}`
}

/** Printable ASCII only; quotes, backslashes, path separators and percent signs (which some clients decode) become "_". */
function asciiFallback(name: string): string {
  return name.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').replace(/[^\x20-\x7e]|["\\/%]/g, '_')
}

/** RFC 8187 value-chars: attr-char as it is, every other UTF-8 byte as %XX. */
function extValue(name: string): string {
  let out = ''
  for (const byte of Buffer.from(name, 'utf8')) {
    const c = String.fromCharCode(byte)
    out += /[A-Za-z0-9!#$&+.^_`|~-]/.test(c) ? c : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`
  }
  return out
}
