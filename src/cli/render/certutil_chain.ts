/**
 * `certutil -O -n NICK`: the chain, root first, each level indented two
 * more spaces, a blank line after each (reference §1.5.6).
 */

export interface ChainEntry {
  /** null prints as `(null)`. */
  readonly nickname: string | null
  /** Subject in NSS display order. */
  readonly subject: string
}

/** `chain` is ordered root first. */
export function renderChain(chain: readonly ChainEntry[]): string {
  return chain.map((c, i) => `${'  '.repeat(i)}"${c.nickname ?? '(null)'}" [${c.subject}]\n\n`).join('')
}
