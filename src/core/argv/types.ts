/** How one tool spells its options on the command line (reference §0). */
export type ArgvStyle =
  /** certutil, pk12util, configutil: `-n nick`, digit options `-1`, a few `--long`. */
  | 'letters'
  /** modutil: one-dash words `-dbdir DIR`, `-list`, `-force`. */
  | 'words'
  /** cmsutil, ssltap: getopt, grouped letters `-sx`, attached values `-p1924`. */
  | 'getopt'

/** What the parser needs to know about one declared flag. */
export interface FlagSpec {
  readonly name: string
  readonly char?: string
  readonly takesValue: boolean
  /** The value may be left out (taken only when the next word is not an option). */
  readonly optionalValue?: boolean
  readonly multiple?: boolean
}

/** NSS syntax facts a command declares beside its oclif flags (`static nss`). */
export interface NssSyntax {
  readonly style: ArgvStyle
  /** Exit status of a usage error in the classic tool. */
  readonly usageExit: number
  /** One-dash words that stand for a flag, e.g. `{"1": "keyUsage"}`. */
  readonly words?: Readonly<Record<string, string>>
  /** Flags whose value may be left out. */
  readonly optionalValue?: readonly string[]
}

export type FlagValue = string | boolean | string[]

export interface ParsedArgv {
  readonly flags: Record<string, FlagValue>
  readonly args: string[]
}
