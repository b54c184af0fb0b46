/**
 * `certutil -K`: the private key listing of one token (reference §1.5.4).
 * Each row is `<%2d> %-8.8s %-42.42s %s`: index, key type, key id, name.
 */

export interface KeyListRow {
  /** NSS key type name: `rsa`, `ec`, `dsa`, `rsaPss` ... (see nssKeyTypeName). */
  readonly type: string
  /** CKA_ID. Shown as 40 hex digits, or quoted when it is printable ASCII text. */
  readonly keyId: Buffer
  /** What the token reports: key label, else `Token:nickname` of its certificate, else null. */
  readonly nickname: string | null
  /** Show `(orphan)` whatever `nickname` says. */
  readonly orphan?: boolean
}

export const DEFAULT_SLOT_NAME = 'NSS User Private Key and Certificate Services'

/** `certutil: Checking token "..." in slot "..."` (token cut to 33, slot to 65 characters). */
export function renderKeyListHeader(tokenName: string, slotName: string = DEFAULT_SLOT_NAME): string {
  return `certutil: Checking token "${tokenName.slice(0, 33)}" in slot "${slotName.slice(0, 65)}"\n`
}

const isPrintableText = (b: Buffer): boolean => b.length > 0 && b.every((x) => x >= 0x20 && x <= 0x7e)

/** The key id column before padding: hex, or `"text"` for a printable id. */
export function formatKeyId(keyId: Buffer): string {
  return isPrintableText(keyId) ? `"${keyId.toString('latin1')}"` : keyId.toString('hex')
}

const fit = (s: string, width: number): string => s.slice(0, width).padEnd(width)

/** One row; `index` is the position in the token's enumeration. */
export function renderKeyListRow(index: number, key: KeyListRow): string {
  const name = key.orphan === true || key.nickname === null ? '(orphan)' : key.nickname
  return `<${String(index).padStart(2)}> ${fit(key.type, 8)} ${fit(formatKeyId(key.keyId), 42)} ${name}\n`
}

/** Header then one row per key, numbered from 0. */
export function renderKeyList(keys: readonly KeyListRow[], tokenName: string, slotName: string = DEFAULT_SLOT_NAME): string {
  return renderKeyListHeader(tokenName, slotName) + keys.map((k, i) => renderKeyListRow(i, k)).join('')
}

/** `certutil -K` with nothing to list (stdout; exit 255). */
export const NO_KEYS_FOUND = 'certutil: no keys found\n'
