/**
 * `<configdir>/sslpassword.conf`: the token passwords the daemon uses at
 * start-up and on reload, so no one has to type them (seed: "Creating a
 * Password File"). One `moduleName:password` line per token; the seed ships
 * `Internal (Software) Token:netscape!`.
 *
 * The token name ends at the first colon, so a password may contain colons;
 * the password is taken verbatim (spaces included) up to the end of the
 * line. Blank lines and lines starting with `#` are ignored.
 */
import {closeSync, constants, fstatSync, openSync, readFileSync} from 'node:fs'
import {join} from 'node:path'
import {MsgctlError} from '../../core/errors.js'
import {INTERNAL_TOKEN_NAME} from '../../core/pki/index.js'

export const SSL_PASSWORD_FILE = 'sslpassword.conf'

/** Names that all mean the store's own token: the seed's, the configutil default, and NSS's. */
const INTERNAL_ALIASES = ['internal (software) token', 'internal', INTERNAL_TOKEN_NAME.toLowerCase()]

/** The file is unreadable, too open, or has a line that is not `token:password`. */
export class SslPasswordFileError extends MsgctlError {}

export interface SslPasswordEntry {
  /** The token name as written in the file. */
  readonly token: string
  readonly password: string
  /** 1-based line number, for messages. */
  readonly line: number
}

export interface SslPasswords {
  /** Path (or name) of the file, for messages. */
  readonly file: string
  readonly entries: readonly SslPasswordEntry[]
  /** The password for a token (any internal alias finds the internal token's line), or null when none is given. */
  passwordFor(token: string): string | null
}

/** True for every name that means the store's own token. */
export function isInternalToken(name: string): boolean {
  return INTERNAL_ALIASES.includes(name.trim().toLowerCase())
}

/** One key per token: every internal alias folds to NSS's name. */
function canonicalToken(name: string): string {
  return isInternalToken(name) ? INTERNAL_TOKEN_NAME : name.trim()
}

/** The internal token's password from a parsed file, or null when it has no line for it. */
export function internalTokenPassword(passwords: SslPasswords): string | null {
  return passwords.passwordFor(INTERNAL_TOKEN_NAME)
}

/**
 * Parse the file's text. Two lines for the same token with different
 * passwords are refused: which one the admin meant cannot be guessed.
 */
export function parseSslPasswordFile(text: string, file: string = SSL_PASSWORD_FILE): SslPasswords {
  const entries: SslPasswordEntry[] = []
  const byToken = new Map<string, SslPasswordEntry>()
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!.replace(/\r$/, '')
    if (raw.trim() === '' || raw.trimStart().startsWith('#')) continue
    const colon = raw.indexOf(':')
    const line = i + 1
    // Never quote the line itself: it may be a bare password.
    if (colon < 0) {
      throw new SslPasswordFileError(`${file} line ${line} has no colon; write each line as TOKEN:PASSWORD, e.g. "Internal (Software) Token:yourpassword"`)
    }
    const token = raw.slice(0, colon).trim()
    if (token === '') throw new SslPasswordFileError(`${file} line ${line} has no token name before the colon; write it as "Internal (Software) Token:yourpassword"`)
    const entry: SslPasswordEntry = {token, password: raw.slice(colon + 1), line}
    const key = canonicalToken(token)
    const earlier = byToken.get(key)
    if (earlier && earlier.password !== entry.password) {
      throw new SslPasswordFileError(`${file} lines ${earlier.line} and ${line} give different passwords for the same token ("${earlier.token}", "${token}"); keep one of them`)
    }
    byToken.set(key, entry)
    entries.push(entry)
  }
  return {
    file,
    entries,
    passwordFor: (token: string) => byToken.get(canonicalToken(token))?.password ?? null,
  }
}

/**
 * Read `<configDir>/sslpassword.conf`; null when it does not exist (the
 * token may have an empty password). The file holds passwords in clear
 * text, so one that group or other users may read or write is refused
 * rather than used. The mode is checked on the open descriptor, so the file
 * checked is the file read.
 */
export function readSslPasswordFile(configDir: string): SslPasswords | null {
  const path = join(configDir, SSL_PASSWORD_FILE)
  let fd: number
  try {
    fd = openSync(path, constants.O_RDONLY)
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code
    if (code === 'ENOENT') return null
    throw new SslPasswordFileError(`cannot read ${path} (${code ?? String(e)}); the daemon needs to read it to unlock the certificate store`)
  }
  try {
    const st = fstatSync(fd)
    if (!st.isFile()) throw new SslPasswordFileError(`${path} is not a regular file; it must be a file of TOKEN:PASSWORD lines`)
    if ((st.mode & 0o077) !== 0) {
      const mode = (st.mode & 0o777).toString(8).padStart(4, '0')
      throw new SslPasswordFileError(
        `${path} can be read or written by group or other users (mode ${mode}) and holds token passwords in clear text; run chmod 600 ${path}`,
      )
    }
    return parseSslPasswordFile(readFileSync(fd, 'utf8'), path)
  } finally {
    closeSync(fd)
  }
}
