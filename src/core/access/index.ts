/**
 * Client access filters (seed chapter "Configuring Client Access to POP,
 * IMAP, and HTTP Services"), with tcp_wrappers hosts_access semantics.
 *
 * Decisions beyond the seed text:
 *  - `@.domain` (the seed's virtual-domain example) is read as `.domain`,
 *    with a parse warning; any other `@name` is a NIS netgroup: it parses,
 *    warns, and never matches.
 *  - `n.n.n.n/len` and `[v6]/len` (CIDR) are accepted as an extension next
 *    to the classic `n.n.n.n/m.m.m.m`; bare IPv6 literals are accepted in
 *    client lists (a server host in `svc@host` must use brackets).
 *  - `PARANOID` is an alias of `DNSSPOOFER`; `*` of `ALL`.
 *  - Unsigned rules in the compact form count as allow rules; a signed rule
 *    inside an allow/deny table acts by its sign.
 *  - Both sync getters (evaluateAccess) and lazily awaited async getters
 *    (evaluateAccessAsync) are offered; see filter_matcher.ts.
 */
export {parseFilters} from './filter_parser.js'
export {evaluateAccess, evaluateAccessAsync, evaluateCompact, evaluateCompactAsync} from './filter_matcher.js'
export {FilterSyntaxError} from './filter_syntax_error.js'
export {SERVICE_NAMES} from './types.js'
export type {
  AccessDecision,
  AccessRequest,
  AsyncAccessRequest,
  ClientPattern,
  FilterRule,
  FilterSet,
  FilterWarning,
  HostPattern,
  MatchedRule,
  PatternList,
  RuleAction,
  ServiceName,
  ServicePattern,
  UserPattern,
} from './types.js'
