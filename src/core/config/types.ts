/** What kind of value a configuration parameter holds; decides its validator. */
export type ParamKind =
  | 'bool' // yes/no, on/off, 1/0, true/false; stored normalised (see normalise.ts)
  | 'int' // decimal integer, optional min/max
  | 'port' // 1..65535
  | 'string' // free text
  | 'enum' // one of `values`
  | 'filter' // client access filter (src/core/access syntax)
  | 'dn' // LDAP distinguished name
  | 'hostlist' // space-separated host[:port] list
  | 'path' // file system path
  | 'ldapfilter' // LDAP search filter template with %U %d %o %s
  | 'list' // separated list of tokens (`separator`)
  | 'secret' // password-like string; never echoed in errors

export interface ParamDef {
  /** Full dotted name, lower case as the seed spells it, e.g. `service.imap.port`. */
  readonly name: string
  readonly kind: ParamKind
  /** Default as it would be stored (already normalised); '' when none. */
  readonly default: string
  /** One or two sentences for `configutil -H`. */
  readonly description: string
  /** Takes effect on `msgctl reload` (true) or only on restart (false). */
  readonly refreshable: boolean
  /** For 'int'. */
  readonly min?: number
  readonly max?: number
  /** Unit word shown by -H for 'int', e.g. 'minutes'. */
  readonly unit?: string
  /** For 'enum'. */
  readonly values?: readonly string[]
  /** For 'list': the separator between items. */
  readonly separator?: ' ' | ','
  /** Kept for compatibility but has no effect (the seed says so). */
  readonly obsolete?: boolean
}
