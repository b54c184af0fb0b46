import {readFileSync} from 'node:fs'
import {
  applyImport,
  deleteSetting,
  describeMatching,
  exportSettings,
  getSetting,
  listExplicit,
  listMatching,
  parseImport,
  setSetting,
  validateStore,
  type Setting,
} from '../../core/config/settings.js'
import type {ParamDef} from '../../core/config/types.js'
import {ConfigError, UsageError} from '../../core/errors.js'
import {locateStore, locateStoreFile, Store} from '../../core/store/index.js'
import {writeFileAtomic} from '../write_file_atomic.js'
import type {CommandRun} from './types.js'

interface Flags {
  option?: string
  value?: string
  delete?: boolean
  prefix?: string
  refreshable?: boolean
  describe?: boolean
  validate?: boolean
  import?: string
  export?: string
  file?: string
  verbose?: boolean
  json?: boolean
}

const out = (s: string): void => {
  process.stdout.write(s)
}

export const run: CommandRun = async ({flags, args}, {tool}) => {
  const f = flags as Flags
  const usage = (why: string): never => {
    throw new UsageError(`${why} (see ${tool} --help)`, 2)
  }
  if (args.length > 0) usage(`unexpected argument "${args[0]}"`)
  if (f.value !== undefined && f.option === undefined) usage('-v needs -o NAME')
  if (f.delete && f.option === undefined) usage('-d needs -o NAME')
  if (f.delete && f.value !== undefined) usage('-d and -v cannot be used together')
  const modes = [f.import !== undefined, f.export !== undefined, f.validate === true, f.option !== undefined && !f.describe, f.prefix !== undefined && !f.describe]
  if (modes.filter(Boolean).length > 1) usage('give only one of -o, -p, -i, -e, -V')
  if (f.describe && f.option !== undefined && f.prefix !== undefined) usage('-H takes -o NAME or -p PREFIX, not both')

  const explicitFile = f.file !== undefined
  const location = explicitFile ? locateStoreFile(f.file!) : locateStore(undefined)
  const writes = f.import !== undefined || (f.option !== undefined && (f.value !== undefined || f.delete === true))
  let store: Store | null = null
  try {
    store = Store.open(location, {create: writes})
  } catch (err) {
    // Reading a never-written default store shows defaults; a named one must exist.
    if (writes || explicitFile || !(err instanceof Error) || !/^no msgctl store/.test(err.message)) throw err
  }
  try {
    return body(store)
  } finally {
    store?.close()
  }

  function body(store: Store | null): number {
    if (f.describe) {
      const defs = f.option !== undefined ? [getSetting(store, f.option).def] : describeMatching(f.prefix)
      if (f.json) out(JSON.stringify(defs.map(describeJson), null, 2) + '\n')
      else out(defs.map(describeText).join('\n'))
      return 0
    }
    if (f.import !== undefined) {
      const source = f.import === '' || f.import === '-' ? 'stdin' : f.import
      const lines = parseImport(readInput(f.import), source)
      const n = applyImport(store!, lines, f.verbose ? (done, total) => process.stderr.write(`${tool}: imported ${done} of ${total} settings\n`) : undefined)
      if (f.verbose) process.stderr.write(`${tool}: imported ${n} settings from ${source}\n`)
      return 0
    }
    if (f.export !== undefined) {
      const text = exportSettings(store)
      if (f.export === '-' || f.export === '') out(text)
      else writeFileAtomic(f.export, text, 0o600)
      return 0
    }
    if (f.validate) {
      const {checked, problems} = validateStore(store)
      if (f.json) out(JSON.stringify({valid: problems.length === 0, checked, problems}, null, 2) + '\n')
      else {
        for (const p of problems) out(`${p.name}: ${p.message}\n`)
        out(problems.length === 0 ? `${tool}: configuration is valid (${checked} settings checked)\n` : `${tool}: ${problems.length} problem${problems.length === 1 ? '' : 's'} in ${checked} settings\n`)
      }
      return problems.length === 0 ? 0 : 1
    }
    if (f.option !== undefined) {
      if (f.value !== undefined) {
        setSetting(store!, f.option, f.value)
        return 0
      }
      if (f.delete) {
        deleteSetting(store!, f.option)
        return 0
      }
      const s = getSetting(store, f.option)
      if (f.json) out(JSON.stringify(settingJson(s), null, 2) + '\n')
      else out(`${s.value}\n`)
      return 0
    }
    const list = f.prefix !== undefined ? listMatching(store, f.prefix) : listExplicit(store)
    if (f.json) out(JSON.stringify(list.map(settingJson), null, 2) + '\n')
    else out(list.map((s) => `${s.name} = ${shown(s)}${f.refreshable ? (s.def.refreshable ? ' [REFRESHABLE]' : ' [NOT REFRESHABLE]') : ''}\n`).join(''))
    return 0
  }
}

/** Listings quote values with blanks, as configutil does; secrets are masked (use -o NAME to read one). */
function shown(s: Setting): string {
  if (s.def.kind === 'secret' && s.value !== '') return '********'
  if (/[\r\n"]/.test(s.value)) return JSON.stringify(s.value)
  return s.value === '' || /\s/.test(s.value) ? `"${s.value}"` : s.value
}

function settingJson(s: Setting): object {
  return {name: s.name, value: s.value, set: s.set, default: s.def.default, refreshable: s.def.refreshable}
}

function typeText(d: ParamDef): string {
  switch (d.kind) {
    case 'int':
      return `integer${d.min !== undefined || d.max !== undefined ? ` (${d.min ?? ''}..${d.max ?? ''})` : ''}${d.unit ? `, ${d.unit}` : ''}`
    case 'port':
      return 'port (1..65535)'
    case 'bool':
      return 'boolean (yes/no; on/off, 1/0, true/false accepted)'
    case 'enum':
      return `one of ${(d.values ?? []).join(', ')}`
    case 'list':
      return `${d.separator === ',' ? 'comma' : 'space'}-separated list${d.values ? ` of ${d.values.join(', ')}` : ''}`
    case 'filter':
      return 'client access filter (serviceList: clientList, rules separated by $ or new lines)'
    default:
      return d.kind
  }
}

function describeText(d: ParamDef): string {
  return (
    `${d.name}\n` +
    `  description: ${d.description}${d.obsolete ? ' (obsolete: kept for compatibility, has no effect)' : ''}\n` +
    `  type:        ${typeText(d)}\n` +
    `  default:     ${d.default === '' ? '(none)' : d.default}\n` +
    `  refreshable: ${d.refreshable ? 'yes' : 'no'}\n`
  )
}

function describeJson(d: ParamDef): object {
  return {...d, type: typeText(d)}
}

function readInput(file: string): string {
  try {
    return readFileSync(file === '' || file === '-' ? 0 : file, 'utf8')
  } catch (err) {
    const e = err as NodeJS.ErrnoException
    const why = e.code === 'ENOENT' ? 'no such file' : e.code === 'EACCES' ? 'permission denied' : e.message
    throw new ConfigError(`cannot read import file ${file}: ${why}`)
  }
}
