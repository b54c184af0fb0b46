/**
 * Message flags (RFC 3501 2.3.2): the five storable system flags as a bit
 * set, so counting unseen or finding deleted messages is an integer test in
 * SQL, plus keywords (IMAP atoms) kept as the client spelled them.
 * \Recent is per session and lives in its own column, never here.
 */
import {MailStoreError, type FlagMode, type SystemFlag} from './types.js'

/** Canonical spelling and bit of each system flag, in the order flags are listed. */
export const SYSTEM_FLAGS: readonly {readonly name: SystemFlag; readonly bit: number}[] = [
  {name: '\\Seen', bit: 1},
  {name: '\\Answered', bit: 2},
  {name: '\\Flagged', bit: 4},
  {name: '\\Deleted', bit: 8},
  {name: '\\Draft', bit: 16},
]
export const SEEN_BIT = 1
export const DELETED_BIT = 8

const SYSTEM_BY_LOWER = new Map(SYSTEM_FLAGS.map((f) => [f.name.toLowerCase(), f.bit]))
const RECENT_LOWER = '\\recent'
/** An atom: printable ASCII without atom-specials ( ) { SP % * " \ ] (RFC 3501 9). */
const ATOM = /^[\x21\x23\x24\x26\x27\x2b-\x5b\x5e-\x7a\x7c-\x7e]+$/

export interface FlagSet {
  readonly system: number
  /** Unique case-insensitively; spelled as first given. */
  readonly keywords: readonly string[]
}

export const NO_FLAGS: FlagSet = {system: 0, keywords: []}

/**
 * Read flags from a client: system flags in any case, \Recent dropped
 * (the server alone sets it), anything else must be an atom.
 */
export function parseFlags(flags: readonly string[]): FlagSet {
  let system = 0
  const keywords: string[] = []
  for (const flag of flags) {
    if (flag.startsWith('\\')) {
      const lower = flag.toLowerCase()
      if (lower === RECENT_LOWER) continue
      const bit = SYSTEM_BY_LOWER.get(lower)
      if (bit === undefined) {
        throw new MailStoreError(
          `unknown system flag ${JSON.stringify(flag)}; the settable ones are ${SYSTEM_FLAGS.map((f) => f.name).join(' ')}`,
          'CANNOT',
        )
      }
      system |= bit
    } else {
      if (!ATOM.test(flag)) throw new MailStoreError(`${JSON.stringify(flag)} is not a valid keyword: it must be an IMAP atom`, 'CANNOT')
      if (!keywords.some((k) => sameKeyword(k, flag))) keywords.push(flag)
    }
  }
  return {system, keywords}
}

/** STORE FLAGS / +FLAGS / -FLAGS applied to a message's current flags. */
export function applyFlags(current: FlagSet, change: FlagSet, mode: FlagMode): FlagSet {
  switch (mode) {
    case 'set':
      return change
    case 'add':
      return {
        system: current.system | change.system,
        keywords: [...current.keywords, ...change.keywords.filter((k) => !current.keywords.some((c) => sameKeyword(c, k)))],
      }
    case 'remove':
      return {
        system: current.system & ~change.system,
        keywords: current.keywords.filter((c) => !change.keywords.some((k) => sameKeyword(c, k))),
      }
  }
}

export function sameFlags(a: FlagSet, b: FlagSet): boolean {
  return a.system === b.system && a.keywords.length === b.keywords.length && a.keywords.every((k, i) => k === b.keywords[i])
}

/** The list FETCH FLAGS shows: system flags in canonical case, then keywords. */
export function flagNames(set: FlagSet): string[] {
  return [...SYSTEM_FLAGS.filter((f) => (set.system & f.bit) !== 0).map((f) => f.name), ...set.keywords]
}

/** Keywords are atoms, so a space never occurs inside one. */
export function encodeKeywords(keywords: readonly string[]): string {
  return keywords.join(' ')
}

export function decodeKeywords(text: string): string[] {
  return text === '' ? [] : text.split(' ')
}

/** Clients differ in the case they use for the same keyword ($Junk, $junk). */
function sameKeyword(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase()
}
