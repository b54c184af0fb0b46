/**
 * A client's command could not be understood or is refused before it runs.
 * Caught by the session and answered as a tagged response; it never leaves
 * the session.
 */
export class ImapProtocolError extends Error {
  constructor(
    message: string,
    /** BAD for syntax; NO for a well-formed request the server will not do (BADCHARSET). */
    readonly status: 'BAD' | 'NO' = 'BAD',
    /** Response code with its arguments, without brackets, e.g. "BADCHARSET (UTF-8 US-ASCII)". */
    readonly code: string | null = null,
  ) {
    super(message)
    this.name = 'ImapProtocolError'
  }
}
