import {canonicalName, HIERARCHY_DELIMITER} from './mailbox_names.js'

/**
 * LIST/LSUB patterns (RFC 3501 §6.3.8): the reference and the pattern
 * joined, where `*` matches anything and `%` anything but the hierarchy
 * delimiter. INBOX matches case-insensitively.
 */
export class MailboxPattern {
  readonly #regex: RegExp

  constructor(reference: string, pattern: string) {
    const combined = canonicalName(joinReference(reference, pattern))
    const body = [...combined]
      .map((ch) => (ch === '*' ? '.*' : ch === '%' ? `[^${HIERARCHY_DELIMITER}]*` : ch.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')))
      .join('')
    this.#regex = new RegExp(`^${body}$`, 's')
  }

  matches(name: string): boolean {
    return this.#regex.test(canonicalName(name))
  }
}

/** A reference is a prefix; a pattern that starts at the root ignores it. */
function joinReference(reference: string, pattern: string): string {
  if (reference === '' || pattern.startsWith(HIERARCHY_DELIMITER)) return pattern
  return reference + pattern
}
