import {ModuleError, MODUTIL_EXIT} from './errors.js'

/** The names modutil -mechanisms accepts (reference §2.1), in NSS's listing order. */
export const MECHANISM_NAMES = ['RSA', 'DSA', 'ECC', 'DH', 'RC2', 'RC4', 'RC5', 'DES', 'AES', 'CAMELLIA', 'SEED', 'SHA1', 'SHA256', 'SHA512', 'MD5', 'MD2', 'SSL', 'TLS', 'RANDOM', 'FRIENDLY'] as const

/** A colon list, upper-cased and checked; the order of MECHANISM_NAMES. */
export function parseMechanismList(text: string, exitCode: number = MODUTIL_EXIT.USAGE): string[] {
  const given = text.split(':').map((m) => m.trim().toUpperCase()).filter((m) => m !== '')
  for (const m of given) {
    if (!(MECHANISM_NAMES as readonly string[]).includes(m)) {
      throw new ModuleError(`Unknown mechanism "${m}"; use a colon list of ${MECHANISM_NAMES.join(' ')}.`, exitCode)
    }
  }
  return MECHANISM_NAMES.filter((m) => given.includes(m))
}

export function joinMechanisms(list: readonly string[]): string {
  return MECHANISM_NAMES.filter((m) => list.includes(m)).join(':')
}

export function splitMechanisms(stored: string | null): string[] {
  return stored === null || stored === '' ? [] : stored.split(':')
}
