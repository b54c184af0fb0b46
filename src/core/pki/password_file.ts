/**
 * NSS password files (`-f`, `-@`, pk12util `-k`/`-w`; reference §0).
 *
 * Observed with NSS 3.87: only the first 4096 bytes count; lines end at CR
 * or LF and runs of them count as one break, so blank lines are skipped; a
 * `<token name>:<password>` line for the token being unlocked wins (token
 * name compared exactly, case included); otherwise the last line is the
 * password. A file holding only a line break gives the empty password; an
 * empty file gives none.
 */
import {PasswordFileError} from './errors.js'

export const PASSWORD_FILE_MAX_BYTES = 4096

/** The internal token's name, as NSS names it in password files. */
export const INTERNAL_TOKEN_NAME = 'NSS Certificate DB'

/** Lines as NSS scans them: a leading break yields one empty first line; later blank lines vanish. */
function scanLines(text: string): string[] {
  const lines: string[] = []
  let i = 0
  while (i < text.length || lines.length === 0) {
    let j = i
    while (j < text.length && text[j] !== '\r' && text[j] !== '\n') j++
    lines.push(text.slice(i, j))
    while (j < text.length && (text[j] === '\r' || text[j] === '\n')) j++
    if (j >= text.length) break
    i = j
  }
  return lines
}

/** The password a file gives for `tokenName`; PasswordFileError for an empty file. */
export function passwordFromFile(content: Buffer, tokenName: string = INTERNAL_TOKEN_NAME): string {
  const data = content.subarray(0, PASSWORD_FILE_MAX_BYTES)
  if (data.length === 0) throw new PasswordFileError('password file contains no data')
  const lines = scanLines(data.toString('utf8'))
  // The store's token answers to NSS's name and to the seed's sslpassword.conf name.
  const names = tokenName === INTERNAL_TOKEN_NAME ? INTERNAL_TOKEN_ALIASES : [tokenName]
  for (const name of names) {
    const named = lines.find((l) => l.startsWith(`${name}:`))
    if (named !== undefined) return named.slice(name.length + 1)
  }
  return lines[lines.length - 1] as string
}

const INTERNAL_TOKEN_ALIASES = [INTERNAL_TOKEN_NAME, 'Internal (Software) Token']
