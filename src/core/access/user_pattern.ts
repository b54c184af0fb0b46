import type {UserPattern} from './types.js'

/**
 * The user part of `user@host`, compared with the ident answer. As in
 * hosts_access, `UNKNOWN` has no special meaning: a failed ident lookup
 * yields the literal name `unknown`, which the literal pattern matches.
 */
export function parseUserPattern(text: string): UserPattern {
  const lower = text.toLowerCase()
  if (lower === 'all' || lower === '*') return {kind: 'all'}
  if (lower === 'known') return {kind: 'known'}
  if (lower.length > 1 && lower.startsWith('.')) return {kind: 'suffix', suffix: lower}
  if (lower.length > 1 && lower.endsWith('.')) return {kind: 'prefix', prefix: lower}
  return {kind: 'exact', name: lower}
}

/** `user` is already lower-case. */
export function matchUser(p: UserPattern, user: string): boolean {
  switch (p.kind) {
    case 'all':
      return true
    case 'known':
      return user !== 'unknown'
    case 'suffix':
      return user.length > p.suffix.length && user.endsWith(p.suffix)
    case 'prefix':
      return user.startsWith(p.prefix)
    case 'exact':
      return user === p.name
  }
}
