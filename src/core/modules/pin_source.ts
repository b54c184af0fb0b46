/**
 * Where token PINs come from: a password file in NSS's format (`-f`:
 * a `TOKEN:PIN` line for the token, else the last line) or the store's
 * sslpassword.conf (`TOKEN:PIN` lines only, the file the daemon reads).
 */
import {passwordFromFile} from '../pki/index.js'
import {isInternalKeyToken} from './internal_module.js'

export interface PinSource {
  /** The PIN for this token, or null when the source has none for it. */
  pinFor(token: string): string | null
}

export const NO_PINS: PinSource = {pinFor: () => null}

/** An NSS password file's content (certutil -f, modutil -pwfile). */
export function pinsFromPasswordFile(content: Buffer): PinSource {
  return {pinFor: (token) => passwordFromFile(content, token)}
}

/** sslpassword.conf text: only lines naming the token count; internal aliases match each other. */
export function pinsFromSslPasswordConf(text: string): PinSource {
  const entries: [string, string][] = []
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\r$/, '')
    if (line.trim() === '' || line.trimStart().startsWith('#')) continue
    const colon = line.indexOf(':')
    if (colon > 0) entries.push([line.slice(0, colon).trim(), line.slice(colon + 1)])
  }
  return {
    pinFor: (token) => {
      const t = token.trim()
      const hit = entries.find(([name]) => name === t || (isInternalKeyToken(name) && isInternalKeyToken(t)))
      return hit ? hit[1] : null
    },
  }
}

/** The first source that knows the token's PIN. */
export function firstPin(...sources: PinSource[]): PinSource {
  return {
    pinFor: (token) => {
      for (const s of sources) {
        const pin = s.pinFor(token)
        if (pin !== null) return pin
      }
      return null
    },
  }
}
