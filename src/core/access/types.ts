/**
 * The parse tree of client access filters and the shapes the matcher works
 * on. Every tree type is plain data (strings, numbers, arrays, null; never
 * undefined, bigint or class instances) so a parsed FilterSet survives
 * JSON.stringify/parse unchanged and can be built once per reload.
 */

/** Services a filter may name (seed chapter plus the Sun schema's list). */
export const SERVICE_NAMES = ['imap', 'imaps', 'pop', 'pops', 'http', 'smtp', 'smtps', 'submit', 'smime'] as const
export type ServiceName = (typeof SERVICE_NAMES)[number]

/**
 * One host pattern, already normalised: names lower-cased, addresses as
 * numbers. IPv4 addresses are unsigned 32-bit integers; IPv6 addresses are
 * eight 16-bit words.
 */
export type HostPattern =
  /** `ALL` or `*`. */
  | {readonly kind: 'all'}
  /** `LOCAL`: the name is known and has no dot. */
  | {readonly kind: 'local'}
  /** `KNOWN`: both address and name are known. */
  | {readonly kind: 'known'}
  /** `UNKNOWN`: the address or the name is unknown. */
  | {readonly kind: 'unknown'}
  /** `DNSSPOOFER` (alias `PARANOID`): the name did not verify. */
  | {readonly kind: 'paranoid'}
  /** `.siroe.com`: host names ending in the suffix (leading dot kept). */
  | {readonly kind: 'domain'; readonly suffix: string}
  /** `mail.`: host names starting with the prefix (trailing dot kept). */
  | {readonly kind: 'namePrefix'; readonly prefix: string}
  /** `roberts.newyork.siroe.com`: one host name. */
  | {readonly kind: 'name'; readonly name: string}
  /** `192.168.`: IPv4 addresses whose text starts with the prefix. */
  | {readonly kind: 'addressPrefix'; readonly prefix: string}
  /** `10.0.0.1`: one IPv4 address. */
  | {readonly kind: 'ipv4'; readonly address: number}
  /** `n.n.n.n/m.m.m.m` or (extension) `n.n.n.n/len`. */
  | {readonly kind: 'ipv4Net'; readonly network: number; readonly mask: number}
  /** `[2001:db8::1]` or bare `2001:db8::1`, optionally with `%zone`. */
  | {readonly kind: 'ipv6'; readonly words: readonly number[]; readonly zone: string | null}
  /** `[2001:db8::]/32` (or bare `2001:db8::/32`). */
  | {readonly kind: 'ipv6Net'; readonly words: readonly number[]; readonly prefixLength: number}
  /** `@name`: a NIS netgroup. Parsed, never matches (no NIS support). */
  | {readonly kind: 'netgroup'; readonly name: string}

/** The user part of `user@host`, compared with the ident (RFC 1413) answer. */
export type UserPattern =
  /** `ALL` or `*`. */
  | {readonly kind: 'all'}
  /** `KNOWN`: ident gave a name. */
  | {readonly kind: 'known'}
  /** `.suffix` on a user name (kept for hosts_access parity). */
  | {readonly kind: 'suffix'; readonly suffix: string}
  /** `prefix.` on a user name (kept for hosts_access parity). */
  | {readonly kind: 'prefix'; readonly prefix: string}
  /** A literal name; `UNKNOWN` becomes the literal `unknown` ident failures report. */
  | {readonly kind: 'exact'; readonly name: string}

/** One entry of a service list: `imap`, `ALL`, `pop@mailServer1.siroe.com`. */
export interface ServicePattern {
  readonly service: ServiceName | 'all'
  /** Server endpoint the connection must have arrived at, or null for any. */
  readonly host: HostPattern | null
}

/** One entry of a client list: `host` or `user@host`. */
export interface ClientPattern {
  readonly host: HostPattern
  readonly user: UserPattern | null
}

/**
 * `include EXCEPT except`: matches when an include entry matches and the
 * except list (itself nested to the right) does not.
 */
export interface PatternList<T> {
  readonly include: readonly T[]
  readonly except: PatternList<T> | null
}

/** `+` (allow), `-` (deny), or no sign (the table or attribute decides). */
export type RuleAction = 'allow' | 'deny' | null

export interface FilterRule {
  readonly action: RuleAction
  /** 1-based column of the rule's first character in the parsed value. */
  readonly column: number
  /** The rule as written (trimmed), for logs. */
  readonly text: string
  readonly services: PatternList<ServicePattern>
  readonly clients: PatternList<ClientPattern>
}

/** Something that parses but probably does not mean what the admin wanted. */
export interface FilterWarning {
  readonly column: number
  readonly message: string
}

/** A parsed configuration value: its rules in order, and parse warnings. */
export interface FilterSet {
  readonly rules: readonly FilterRule[]
  readonly warnings: readonly FilterWarning[]
}

/**
 * One connection to decide on. Host names and the ident user need I/O, so
 * they are getters the matcher calls only when a pattern needs them, at most
 * once each per evaluation. Getters must not throw: on failure they return
 * `unknown` (and a name that failed verification is `paranoid`).
 */
export interface AccessRequest {
  /** imap, pop, http, smtp, ... compared case-insensitively. */
  readonly service: string
  /** Local address the client connected to (`unknown` if not known). */
  readonly serverAddress: string
  /** Peer address; `::ffff:a.b.c.d` is read as `a.b.c.d`. */
  readonly clientAddress: string
  /** Verified client host name, `unknown`, or `paranoid` (DNSSPOOFER). */
  clientName(): string
  /** Ident user name, or `unknown` when ident failed. */
  identUser(): string
  /** Server host name; when absent the server name is `unknown`. */
  serverName?(): string
}

/** AccessRequest whose lookups may be asynchronous (see evaluateAccessAsync). */
export interface AsyncAccessRequest {
  readonly service: string
  readonly serverAddress: string
  readonly clientAddress: string
  clientName(): string | PromiseLike<string>
  identUser(): string | PromiseLike<string>
  serverName?(): string | PromiseLike<string>
}

/** Which rule decided: the table it is in (or, for the compact form, its sign) and its index in `rules`. */
export interface MatchedRule {
  readonly table: 'allow' | 'deny'
  readonly rule: number
}

export interface AccessDecision {
  readonly allowed: boolean
  /** Absent when no rule matched and the default applied. */
  readonly matched?: MatchedRule
}
