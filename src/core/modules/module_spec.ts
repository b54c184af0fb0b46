/**
 * NSS module spec strings (modutil -rawlist prints them, -rawadd reads
 * one): space-separated `key=value` pairs, a value quoted with "..." when
 * it holds spaces, `\` escaping a quote inside.
 */
import {ModuleError, MODUTIL_EXIT} from './errors.js'
import type {ModuleRecord, NewModule} from './module_db.js'

const quote = (v: string) => `"${v.replace(/(["\\])/g, '\\$1')}"`

/** One record as a spec line; `storeDir` fills the internal module's configdir. */
export function formatModuleSpec(m: ModuleRecord, storeDir: string): string {
  if (m.internal) {
    const flags = m.defaultMechanisms.split(':').filter(Boolean).join(',')
    return `library= name=${quote(m.name)} NSS=${quote(`Flags=internal,critical trustOrder=${m.trustOrder} cipherOrder=${m.cipherOrder} slotParams=(1={slotFlags=[${flags}] askpw=any timeout=30})`)} parameters=${quote(`configdir=sql:${storeDir} certPrefix= keyPrefix= secmod=secmod.db flags=readOnly `)}`
  }
  const nss = [`trustOrder=${m.trustOrder}`, ...(m.cipherOrder ? [`cipherOrder=${m.cipherOrder}`] : []), ...(m.ciphers ? [`ciphers=${m.ciphers}`] : []),
    ...(m.defaultMechanisms ? [`slotParams=(0={slotFlags=[${m.defaultMechanisms.split(':').join(',')}]})`] : [])].join(' ')
  return `library=${quote(m.library ?? '')} name=${quote(m.name)}${m.parameters ? ` parameters=${quote(m.parameters)}` : ''} NSS=${quote(nss)}`
}

/** The pairs of a spec string, keys lower-cased. */
export function parseSpecPairs(spec: string): Map<string, string> {
  const out = new Map<string, string>()
  let i = 0
  const bad = (why: string): never => {
    throw new ModuleError(`Invalid module spec: ${why}.`, MODUTIL_EXIT.USAGE)
  }
  while (i < spec.length) {
    while (spec[i] === ' ' || spec[i] === '\t') i++
    if (i >= spec.length) break
    const eq = spec.indexOf('=', i)
    if (eq < 0) bad(`"${spec.slice(i)}" has no "="`)
    const key = spec.slice(i, eq).trim().toLowerCase()
    i = eq + 1
    let value = ''
    if (spec[i] === '"') {
      i++
      while (i < spec.length && spec[i] !== '"') {
        if (spec[i] === '\\' && i + 1 < spec.length) i++
        value += spec[i++]
      }
      if (spec[i] !== '"') bad(`the value of ${key} has no closing quote`)
      i++
    } else {
      while (i < spec.length && spec[i] !== ' ' && spec[i] !== '\t') value += spec[i++]
    }
    out.set(key, value)
  }
  return out
}

/** modutil -rawadd: the module a spec string describes. */
export function moduleFromSpec(spec: string): NewModule {
  const pairs = parseSpecPairs(spec)
  const name = pairs.get('name')
  const library = pairs.get('library')
  if (!name) throw new ModuleError('Invalid module spec: it needs name="MODULE NAME".', MODUTIL_EXIT.USAGE)
  if (!library) throw new ModuleError('Invalid module spec: it needs library="/path/to/library.so" (the internal module is always present).', MODUTIL_EXIT.USAGE)
  const nss = parseSpecPairs(pairs.get('nss') ?? '')
  const num = (k: string) => {
    const v = nss.get(k.toLowerCase())
    return v !== undefined && /^\d+$/.test(v) ? Number(v) : undefined
  }
  const trustOrder = num('trustOrder')
  const cipherOrder = num('cipherOrder')
  return {
    name, library, parameters: pairs.get('parameters') ?? '', ciphers: nss.get('ciphers') ?? '',
    ...(trustOrder !== undefined ? {trustOrder} : {}), ...(cipherOrder !== undefined ? {cipherOrder} : {}),
  }
}
