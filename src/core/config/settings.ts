import {ConfigError} from '../errors.js'
import type {Store} from '../store/index.js'
import {normaliseValue} from './normalise.js'
import {allParams, lookupParam, resolveParam} from './registry.js'
import type {ParamDef} from './types.js'

/** A parameter's effective value: explicit when `set`, else its default. */
export interface Setting {
  readonly name: string
  readonly value: string
  readonly set: boolean
  readonly def: ParamDef
}

interface Row {
  name: string
  value: string
}

function rowsOf(store: Store | null): Row[] {
  if (!store) return []
  return store.db.prepare(`SELECT name, value FROM config ORDER BY name`).all() as Row[]
}

function explicit(store: Store | null, name: string): string | undefined {
  if (!store) return undefined
  const row = store.db.prepare(`SELECT value FROM config WHERE name = ?`).get(name) as {value: string} | undefined
  return row?.value
}

/** The value of one parameter; a language variant falls back to its base name. */
export function getSetting(store: Store | null, given: string): Setting {
  const p = resolveParam(given)
  const own = explicit(store, p.name)
  if (own !== undefined) return {name: p.name, value: own, set: true, def: p.def}
  const base = p.lang ? explicit(store, p.base) : undefined
  return {name: p.name, value: base ?? p.def.default, set: false, def: p.def}
}

/** Explicit settings only (configutil with no arguments). */
export function listExplicit(store: Store | null): Setting[] {
  return rowsOf(store).map((r) => ({name: r.name, value: r.value, set: true, def: defFor(r.name)}))
}

/**
 * Effective values of every parameter whose name matches `pattern` (a prefix,
 * or a glob with `*`), explicit settings included (configutil -p).
 */
export function listMatching(store: Store | null, pattern: string): Setting[] {
  const match = matcher(pattern)
  const rows = new Map(rowsOf(store).map((r) => [r.name, r.value]))
  const out = new Map<string, Setting>()
  for (const def of allParams()) {
    if (!match(def.name)) continue
    const v = rows.get(def.name)
    out.set(def.name, {name: def.name, value: v ?? def.default, set: v !== undefined, def})
  }
  for (const [name, value] of rows) {
    if (!out.has(name) && match(name)) out.set(name, {name, value, set: true, def: defFor(name)})
  }
  return [...out.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
}

/** Definitions matching a pattern, for configutil -H. */
export function describeMatching(pattern: string | undefined): ParamDef[] {
  if (pattern === undefined) return [...allParams()]
  const match = matcher(pattern)
  return allParams().filter((d) => match(d.name))
}

/** Validate and store one value; the store is untouched when it is refused. */
export function setSetting(store: Store, given: string, raw: string): Setting {
  const p = resolveParam(given)
  const value = normaliseValue(p.def, raw, p.name)
  store.write(() => upsert(store, p.name, value))
  return {name: p.name, value, set: true, def: p.def}
}

/** Remove an explicit setting; returns false when there was none. */
export function deleteSetting(store: Store, given: string): boolean {
  const p = resolveParam(given)
  return store.write(() => store.db.prepare(`DELETE FROM config WHERE name = ?`).run(p.name).changes > 0)
}

function upsert(store: Store, name: string, value: string): void {
  store.db
    .prepare(
      `INSERT INTO config (name, value, updated_at) VALUES (?, ?, ?)
       ON CONFLICT(name) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
    )
    .run(name, value, new Date().toISOString())
}

/** One `name=value` line of an import file, already checked. */
export interface ImportLine {
  readonly line: number
  readonly name: string
  readonly value: string
}

/**
 * Parse and check a whole import file before anything is written. Lines are
 * `name=value` (spaces around `=` tolerated); `#` starts a comment; a value in
 * double quotes is a JSON string (how export writes values with line breaks or
 * edge spaces).
 */
export function parseImport(text: string, source: string): ImportLine[] {
  const out: ImportLine[] = []
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const lineNo = i + 1
    const line = lines[i]!.replace(/\r$/, '')
    if (line.trim() === '' || line.trimStart().startsWith('#')) continue
    const eq = line.indexOf('=')
    const fail = (why: string): never => {
      throw new ConfigError(`${source} line ${lineNo}: ${why}; nothing was imported`)
    }
    if (eq <= 0) fail('expected name=value')
    const name = line.slice(0, eq).trim()
    let value = line.slice(eq + 1).trim()
    if (value.startsWith('"')) {
      try {
        const decoded: unknown = JSON.parse(value)
        if (typeof decoded !== 'string') throw new Error()
        value = decoded
      } catch {
        fail('a value that starts with " must be a complete double-quoted string')
      }
    }
    try {
      const p = resolveParam(name)
      out.push({line: lineNo, name: p.name, value: normaliseValue(p.def, value, p.name)})
    } catch (err) {
      if (err instanceof ConfigError) fail(err.message)
      throw err
    }
  }
  return out
}

/** Apply checked lines in one transaction: all of them or none. */
export function applyImport(store: Store, lines: readonly ImportLine[], onProgress?: (done: number, total: number) => void): number {
  return store.write(() => {
    let done = 0
    for (const l of lines) {
      upsert(store, l.name, l.value)
      done++
      if (onProgress && done % 1000 === 0) onProgress(done, lines.length)
    }
    return done
  })
}

/** Every explicit setting as an importable file, sorted, byte-stable. */
export function exportSettings(store: Store | null): string {
  return rowsOf(store)
    .map((r) => `${r.name}=${needsQuoting(r.value) ? JSON.stringify(r.value) : r.value}\n`)
    .join('')
}

function needsQuoting(v: string): boolean {
  return /[\r\n]/.test(v) || v.startsWith('"') || v !== v.trim()
}

export interface Problem {
  readonly name: string
  readonly message: string
}

/** configutil -V: every explicit value valid, and no two enabled listeners on one port. */
export function validateStore(store: Store | null): {checked: number; problems: Problem[]} {
  const rows = rowsOf(store)
  const problems: Problem[] = []
  for (const r of rows) {
    try {
      const p = resolveParam(r.name)
      const v = normaliseValue(p.def, r.value, p.name)
      if (v !== r.value) problems.push({name: r.name, message: `stored value is not in normal form (${JSON.stringify(v)})`})
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err
      problems.push({name: r.name, message: err.message.replace(`${r.name}: `, '')})
    }
  }
  problems.push(...portClashes(store))
  return {checked: rows.length, problems}
}

function portClashes(store: Store | null): Problem[] {
  const value = (name: string): string | undefined => (lookupParam(name) ? getSetting(store, name).value : undefined)
  const used = new Map<string, string>()
  const problems: Problem[] = []
  for (const svc of ['imap', 'pop', 'smtp', 'http']) {
    if (value(`service.${svc}.enable`) === 'no') continue
    const ports = [`service.${svc}.port`, `service.${svc}.submissionport`]
    if (value(`service.${svc}.enablesslport`) === 'yes') ports.push(`service.${svc}.sslport`)
    for (const name of ports) {
      const port = value(name)
      if (!port) continue
      const other = used.get(port)
      if (other) problems.push({name, message: `port ${port} is also used by ${other}; give each enabled listener its own port`})
      else used.set(port, name)
    }
  }
  return problems
}

function defFor(name: string): ParamDef {
  const base = name.split(';')[0]!
  return lookupParam(base) ?? {name: base, kind: 'string', default: '', description: 'Unknown to this version of msgctl.', refreshable: false}
}

function matcher(pattern: string): (name: string) => boolean {
  const p = pattern.toLowerCase()
  if (!p.includes('*')) return (n) => n.startsWith(p)
  const re = new RegExp('^' + p.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*'))
  return (n) => re.test(n)
}
