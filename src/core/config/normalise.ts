import {isIP} from 'node:net'
import {FilterSyntaxError, parseFilters} from '../access/index.js'
import {ConfigError} from '../errors.js'
import type {ParamDef} from './types.js'

const TRUE_WORDS = new Set(['yes', 'on', '1', 'true'])
const FALSE_WORDS = new Set(['no', 'off', '0', 'false'])

/** Kinds for which an empty value means "no value" rather than an error. */
const MAY_BE_EMPTY = new Set(['string', 'secret', 'filter', 'dn', 'hostlist', 'path', 'ldapfilter', 'list'])

/**
 * Check `raw` against the parameter's kind and return the form to store.
 * Throws a ConfigError that names the parameter, the bad value and what to
 * give instead. Pure: no store access.
 */
export function normaliseValue(def: ParamDef, raw: string, shownName: string = def.name): string {
  const fail = (why: string): never => {
    throw new ConfigError(`${shownName}: ${why}`)
  }
  const shown = def.kind === 'secret' ? 'the value' : JSON.stringify(raw)
  if (/[\0]/.test(raw)) fail('value contains a NUL character')
  if (def.kind !== 'filter' && /[\r\n]/.test(raw)) fail('value contains a line break; only filters may span lines')
  if (raw === '') {
    if (MAY_BE_EMPTY.has(def.kind)) return ''
    return fail(`an empty value is not a valid ${def.kind}; use -d to return it to its default (${def.default || 'none'})`)
  }
  switch (def.kind) {
    case 'bool': {
      const w = raw.trim().toLowerCase()
      if (TRUE_WORDS.has(w)) return 'yes'
      if (FALSE_WORDS.has(w)) return 'no'
      return fail(`${shown} is not a boolean; use yes or no (on/off, 1/0, true/false are accepted too)`)
    }
    case 'int':
    case 'port': {
      const min = def.kind === 'port' ? 1 : def.min
      const max = def.kind === 'port' ? 65535 : def.max
      const range = rangeText(min, max)
      const t = raw.trim()
      if (!/^[+-]?\d+$/.test(t)) return fail(`${shown} is not a whole number; use an integer${range}`)
      const n = Number(t)
      if ((min !== undefined && n < min) || (max !== undefined && n > max) || !Number.isSafeInteger(n)) {
        return fail(`${t} is out of range; use an integer${range}`)
      }
      return String(n)
    }
    case 'enum': {
      const values = def.values ?? []
      const hit = values.find((v) => v.toLowerCase() === raw.trim().toLowerCase())
      return hit ?? fail(`${shown} is not one of ${values.join(', ')}`)
    }
    case 'filter': {
      const text = raw.trim()
      try {
        parseFilters(text)
      } catch (err) {
        if (err instanceof FilterSyntaxError) fail(`filter syntax error: ${err.message}`)
        throw err
      }
      return text
    }
    case 'dn':
      return checkDn(raw.trim(), fail)
    case 'hostlist':
      return checkHostList(raw, fail)
    case 'ldapfilter':
      return checkLdapFilter(raw.trim(), fail)
    case 'list': {
      const sep = def.separator ?? ' '
      const items = raw.split(sep === ',' ? /\s*,\s*/ : /\s+/).filter((s) => s !== '')
      for (const item of items) {
        if (!/^[!+-]?[A-Za-z0-9_.:+=@/-]+$/.test(item)) fail(`bad list item ${JSON.stringify(item)}`)
        if (def.values && !def.values.some((v) => v.toLowerCase() === item.toLowerCase())) {
          fail(`${JSON.stringify(item)} is not one of ${def.values.join(', ')}`)
        }
      }
      const canon = def.values ? items.map((i) => def.values!.find((v) => v.toLowerCase() === i.toLowerCase())!) : items
      return canon.join(sep === ',' ? ',' : ' ')
    }
    case 'path':
    case 'string':
    case 'secret':
      return raw
  }
}

function rangeText(min: number | undefined, max: number | undefined): string {
  if (min !== undefined && max !== undefined) return ` from ${min} to ${max}`
  if (min !== undefined) return ` of at least ${min}`
  if (max !== undefined) return ` of at most ${max}`
  return ''
}

/** RFC 4514 shape: attr=value RDNs separated by commas, `+` for multi-valued RDNs. */
function checkDn(dn: string, fail: (why: string) => never): string {
  const rdns: string[] = []
  let cur = ''
  for (let i = 0; i < dn.length; i++) {
    const c = dn[i]!
    if (c === '\\') {
      cur += c + (dn[i + 1] ?? '')
      i++
    } else if (c === ',' || c === ';') {
      rdns.push(cur)
      cur = ''
    } else cur += c
  }
  rdns.push(cur)
  for (const rdn of rdns) {
    for (const ava of rdn.split('+')) {
      if (!/^\s*([A-Za-z][A-Za-z0-9-]*|\d+(?:\.\d+)+)\s*=/.test(ava)) {
        fail(`${JSON.stringify(dn)} is not a distinguished name; use attr=value pairs such as o=example.com or uid=admin,ou=People,o=example.com`)
      }
    }
  }
  return dn
}

function checkHostList(raw: string, fail: (why: string) => never): string {
  const items = raw.trim().split(/[\s,]+/).filter(Boolean)
  for (const item of items) {
    const m = /^(\[[0-9A-Fa-f:.]+\]|[^:\s]+)(?::(\d+))?$/.exec(item)
    const host = m?.[1]
    const hostOk =
      host !== undefined &&
      (host.startsWith('[') ? isIP(host.slice(1, -1)) === 6 : isIP(host) === 4 || /^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*\.?$/.test(host))
    const port = m?.[2] === undefined ? 1 : Number(m[2])
    if (!hostOk || port < 1 || port > 65535) {
      fail(`${JSON.stringify(item)} is not host[:port]; give names or addresses separated by spaces, IPv6 in brackets, ports 1-65535`)
    }
  }
  return items.join(' ')
}

/** Balanced parentheses and only the substitutions the seed documents. */
function checkLdapFilter(f: string, fail: (why: string) => never): string {
  if (!f.startsWith('(') || !f.endsWith(')')) fail(`${JSON.stringify(f)} is not an LDAP filter; it must be enclosed in parentheses, e.g. (uid=%U)`)
  let depth = 0
  for (let i = 0; i < f.length; i++) {
    const c = f[i]
    if (c === '(') depth++
    else if (c === ')') {
      depth--
      if (depth < 0) fail(`unbalanced ")" at column ${i + 1} of the LDAP filter`)
    } else if (c === '%') {
      const next = f[i + 1]
      if (next === undefined || !'Udos%'.includes(next)) {
        fail(`unknown substitution "%${next ?? ''}" at column ${i + 1}; use %U (user), %d (domain), %o (original login), %s (login as given) or %% for a percent sign`)
      }
      i++
    }
  }
  if (depth !== 0) fail('unbalanced parentheses in the LDAP filter')
  return f
}
