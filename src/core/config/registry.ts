import {ConfigError} from '../errors.js'
import {PARAMETERS} from './parameters.js'
import type {ParamDef} from './types.js'

/**
 * Names under `site.` belong to the site: accepted as free text, listed,
 * exported and imported like any other, never validated. This is how a site
 * keeps its own settings in the store (README, "Site parameters").
 */
export const SITE_PREFIX = 'site.'

const LANG_SUFFIX = /^lang-[a-z]{2,3}(?:-[a-z0-9]{2,8})*$/

let index: Map<string, ParamDef> | undefined
function byName(): Map<string, ParamDef> {
  index ??= new Map(PARAMETERS.map((p) => [p.name, p]))
  return index
}

export function allParams(): readonly ParamDef[] {
  return PARAMETERS
}

/** A parameter name as given, split into its registry entry and language tag. */
export interface ParamName {
  /** Canonical (lower-case) full name, with `;lang-xx` when given. */
  readonly name: string
  readonly base: string
  readonly lang?: string
  readonly def: ParamDef
}

export function lookupParam(base: string): ParamDef | undefined {
  const key = base.toLowerCase()
  const known = byName().get(key)
  if (known) return known
  if (key.startsWith(SITE_PREFIX) && key.length > SITE_PREFIX.length) {
    return {name: key, kind: 'string', default: '', description: 'Site-defined parameter (not validated).', refreshable: true}
  }
  return undefined
}

/** Resolve a name given on the command line; unknown names are refused with a suggestion. */
export function resolveParam(given: string): ParamName {
  const trimmed = given.trim()
  const semi = trimmed.indexOf(';')
  const base = (semi < 0 ? trimmed : trimmed.slice(0, semi)).toLowerCase()
  const lang = semi < 0 ? undefined : trimmed.slice(semi + 1).toLowerCase()
  if (base === '') throw new ConfigError('empty parameter name; give -o NAME')
  if (lang !== undefined && !LANG_SUFFIX.test(lang)) {
    throw new ConfigError(`bad language suffix ";${trimmed.slice(semi + 1)}" in "${given}"; use ;lang-xx, e.g. ${base};lang-jp`)
  }
  const def = lookupParam(base)
  if (!def) {
    const near = suggestParam(base)
    const hint = near ? `; did you mean "${near}"?` : ''
    throw new ConfigError(`unknown parameter "${given}"${hint} (configutil -H lists them; own names go under site.)`)
  }
  return {name: lang === undefined ? def.name : `${def.name};${lang}`, base: def.name, ...(lang ? {lang} : {}), def}
}

/** The nearest known name by edit distance, when it is near enough to be a likely typo. */
export function suggestParam(name: string): string | undefined {
  let best: string | undefined
  let bestDistance = Infinity
  for (const p of PARAMETERS) {
    const d = editDistance(name, p.name, bestDistance)
    if (d < bestDistance) {
      bestDistance = d
      best = p.name
    }
  }
  return best !== undefined && bestDistance <= Math.max(2, Math.floor(name.length / 3)) ? best : undefined
}

/** Levenshtein distance, giving up early once it exceeds `limit`. */
function editDistance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) >= limit) return limit
  let prev = Array.from({length: b.length + 1}, (_, i) => i)
  for (let i = 1; i <= a.length; i++) {
    const cur = [i]
    let rowMin = i
    for (let j = 1; j <= b.length; j++) {
      const v = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1))
      cur.push(v)
      if (v < rowMin) rowMin = v
    }
    if (rowMin >= limit) return limit
    prev = cur
  }
  return prev[b.length]!
}
