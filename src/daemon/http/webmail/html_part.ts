/**
 * The policy the server sends with a message's HTML part. `sandbox` with no
 * allow- tokens gives the document an opaque origin and forbids scripts,
 * forms, popups and top navigation; the fetch directives stop remote loads
 * (tracking pixels, fonts, style sheets) so opening a message tells the
 * sender nothing.
 */
export const HTML_PART_CSP = "sandbox; default-src 'none'; img-src data:; style-src 'unsafe-inline'; font-src data:"

/**
 * The message's HTML as a document of its own, served at
 * /message/<uid>/html into a sandboxed iframe.
 *
 * No sanitising here, on purpose: regex-based HTML cleaning is always
 * incomplete, and the protection is HTML_PART_CSP (sandbox, no scripts, no
 * remote loads) plus the iframe's own sandbox attribute. The HTML has
 * already been decoded to text, so our UTF-8 declaration comes first and
 * wins over any charset the message's own markup declares.
 */
export function htmlPartDocument(html: string): string {
  return `<!DOCTYPE html>\n<meta charset="utf-8">\n${html}`
}
