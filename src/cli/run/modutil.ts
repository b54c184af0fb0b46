import {existsSync} from 'node:fs'
import {MsgctlError} from '../../core/errors.js'
import {
  changeTokenPin, deleteModuleRecord, formatModuleSpec, addModule, INTERNAL_SLOTS, isInternalKeyToken, joinMechanisms, listModuleRecords, moduleFromSpec,
  ModuleError, MODUTIL_EXIT, parseMechanismList, requireModuleRecord, resolveToken, NO_PINS, setModuleMechanisms, setSlotDisabled, setSlotMechanisms,
  slotSettings, splitMechanisms, tokenNameOf, viewModule, type ModuleRecord,
} from '../../core/modules/index.js'
import {tokenSecret} from '../../core/certdb/index.js'
import {locateStore, Store} from '../../core/store/index.js'
import {confirmChange} from '../modutil/confirm.js'
import {newPin, oldPin} from '../modutil/passwords.js'
import {moduleJson, renderModuleDetail, renderModuleList} from '../modutil/render_list.js'
import {USAGE} from '../modutil/usage.js'
import type {CommandRun} from './types.js'

type Flags = Record<string, string | boolean | string[] | undefined>

const COMMANDS = ['add', 'rawadd', 'delete', 'list', 'rawlist', 'enable', 'disable', 'default', 'undefault', 'changepw', 'create', 'fips', 'chkfips', 'jar'] as const
type CommandName = (typeof COMMANDS)[number]

/** Commands that only read: no confirmation (reference §2.2). */
const READ_ONLY = new Set<CommandName>(['list', 'rawlist', 'chkfips'])

const str = (f: Flags, name: string): string | undefined => (typeof f[name] === 'string' ? (f[name] as string) : undefined)

export const run: CommandRun = async ({flags, args}) => {
  const f = flags as Flags
  try {
    return await modutil(f, args)
  } catch (err) {
    if (err instanceof MsgctlError) {
      process.stderr.write(`ERROR: ${err.message}\n`)
      return err instanceof ModuleError ? err.exitCode : errorStatus(err)
    }
    throw err
  }
}

/** Core errors that are not ModuleErrors (a failing PKCS #11 call, a store refusing): their nearest modutil status. */
function errorStatus(err: MsgctlError): number {
  return err.name === 'StoreError' ? MODUTIL_EXIT.INIT_FAILED : err.exitCode
}

async function modutil(f: Flags, args: string[]): Promise<number> {
  const given = COMMANDS.filter((c) => f[c] !== undefined && f[c] !== false)
  if (given.length === 0) {
    process.stderr.write('ERROR: No command was specified.\n')
    process.stdout.write(USAGE)
    return MODUTIL_EXIT.USAGE
  }
  if (given.length > 1) throw new ModuleError(`Only one command may be given; you gave ${given.map((c) => `-${c}`).join(' and ')}.`, MODUTIL_EXIT.USAGE)
  if (args.length > 0) throw new ModuleError(`Unknown option: ${args[0]}.`, MODUTIL_EXIT.USAGE)
  const command = given[0]!
  const arg = str(f, command) ?? ''
  checkParameters(command, arg, f)

  if (command === 'jar') {
    throw new ModuleError('-jar (PKCS #11 JAR install scripts) is not supported; install the library yourself and add it with -add NAME -libfile PATH.', MODUTIL_EXIT.USAGE)
  }
  if (command === 'fips') {
    if (arg === 'true') throw new ModuleError('FIPS mode cannot be enabled: the internal module of msgctl is not a FIPS 140 validated module.', MODUTIL_EXIT.FIPS_SWITCH_FAILED)
    process.stderr.write('FIPS mode already disabled.\n')
    return MODUTIL_EXIT.FIPS_ALREADY_OFF
  }
  if (command === 'chkfips') {
    // The internal module never runs in FIPS mode (see -fips).
    process.stdout.write('FIPS mode disabled.\n')
    return arg === 'false' ? 0 : MODUTIL_EXIT.FIPS_SWITCH_FAILED
  }

  if (!READ_ONLY.has(command) && f.force !== true) {
    const go = confirmChange()
    if (go === null) throw new ModuleError('Unable to read from standard input.', MODUTIL_EXIT.STDIN_READ)
    if (!go) return 0
  }

  let store: Store
  try {
    const location = locateStore(str(f, 'dbdir'))
    // Like NSS, a changing command creates the databases in an existing directory; only -create makes the directory.
    store = Store.open(location, {create: command === 'create' || (!READ_ONLY.has(command) && existsSync(location.dir))})
  } catch (err) {
    throw new ModuleError(`function failed: ${(err as Error).message}`, MODUTIL_EXIT.INIT_FAILED)
  }
  try {
    return await execute(store, command, arg, f)
  } finally {
    store.close()
  }
}

/** The parameter checks NSS makes before opening anything; all exit 1. */
function checkParameters(command: CommandName, arg: string, f: Flags): void {
  const usage = (m: string): never => {
    throw new ModuleError(m, MODUTIL_EXIT.USAGE)
  }
  if (['add', 'rawadd', 'delete', 'enable', 'disable', 'default', 'undefault', 'changepw', 'jar'].includes(command) && arg === '') {
    usage(`Command "-${command}" requires an argument.`)
  }
  if (command === 'add' && str(f, 'libfile') === undefined) usage('Command "-add" requires parameter "-libfile".')
  if ((command === 'default' || command === 'undefault') && str(f, 'mechanisms') === undefined) usage(`Command "-${command}" requires parameter "-mechanisms".`)
  if ((command === 'fips' || command === 'chkfips') && arg !== 'true' && arg !== 'false') usage(`Argument to -${command} must be "true" or "false".`)
  if (command === 'jar' && str(f, 'installdir') === undefined) usage('Command "-jar" requires parameter "-installdir".')
  if (str(f, 'slot') !== undefined && !['enable', 'disable', 'default', 'undefault'].includes(command)) usage(`-slot is only for -enable, -disable, -default and -undefault.`)
}

async function execute(store: Store, command: CommandName, arg: string, f: Flags): Promise<number> {
  switch (command) {
    case 'create':
      // The store holds modules, certificates and keys in one file: opening it created it.
      return 0
    case 'add': {
      const mechanisms = str(f, 'mechanisms')
      addModule(store, {
        name: arg,
        library: str(f, 'libfile')!,
        parameters: str(f, 'string') ?? '',
        ciphers: str(f, 'ciphers') ?? '',
        defaultMechanisms: mechanisms === undefined ? '' : joinMechanisms(parseMechanismList(mechanisms)),
      })
      process.stdout.write(`Module "${arg}" added to database.\n`)
      return 0
    }
    case 'rawadd': {
      const m = moduleFromSpec(arg)
      addModule(store, m)
      process.stdout.write(`Module "${m.name}" added to database.\n`)
      return 0
    }
    case 'delete':
      try {
        deleteModuleRecord(store, arg)
      } catch (err) {
        if (err instanceof ModuleError && err.exitCode === MODUTIL_EXIT.NO_SUCH_MODULE) {
          process.stderr.write(`ERROR: ${err.message}\n`)
          throw new ModuleError(`Failed to delete module "${arg}".`, MODUTIL_EXIT.DELETE_FAILED)
        }
        throw err
      }
      process.stdout.write(`Module "${arg}" deleted from database.\n`)
      return 0
    case 'list':
      return list(store, arg, f.json === true)
    case 'rawlist': {
      const modules = arg === '' ? listModuleRecords(store) : [requireModuleRecord(store, arg)]
      for (const m of modules) process.stdout.write(`${formatModuleSpec(m, store.location.dir)}\n\n`)
      return 0
    }
    case 'enable':
    case 'disable':
      return enable(store, arg, command === 'disable', str(f, 'slot'))
    case 'default':
    case 'undefault':
      return setDefault(store, arg, command === 'default', str(f, 'mechanisms')!, str(f, 'slot'))
    case 'changepw':
      return changepw(store, arg, f)
    default:
      throw new ModuleError(`-${command} cannot be used here.`, MODUTIL_EXIT.USAGE)
  }
}

function list(store: Store, name: string, json: boolean): number {
  if (name !== '') {
    const view = viewModule(store, requireModuleRecord(store, name), true)
    process.stdout.write(json ? JSON.stringify(moduleJson(view), null, 2) + '\n' : renderModuleDetail(view))
    return 0
  }
  const views = listModuleRecords(store).map((m) => viewModule(store, m))
  process.stdout.write(json ? JSON.stringify(views.map(moduleJson), null, 2) + '\n' : renderModuleList(views))
  return 0
}

/** Slot names of a module (loading it when external); the chosen one, or all. */
function slotsOf(store: Store, m: ModuleRecord, slot: string | undefined, failStatus: number): string[] {
  let names: string[]
  if (m.internal) names = INTERNAL_SLOTS.map((s) => s.slot)
  else {
    const view = viewModule(store, m)
    if (!view.loaded) throw new ModuleError(`Module "${m.name}" could not be loaded: ${view.loadError}`, failStatus)
    names = view.slots.map((s) => s.name)
  }
  if (slot === undefined) return names
  if (!names.includes(slot.trimEnd())) throw new ModuleError(`Slot "${slot}" not found.`, MODUTIL_EXIT.NO_SUCH_SLOT)
  return [slot.trimEnd()]
}

function enable(store: Store, name: string, disable: boolean, slot: string | undefined): number {
  const m = requireModuleRecord(store, name)
  const slots = slotsOf(store, m, slot, MODUTIL_EXIT.ENABLE_FAILED)
  setSlotDisabled(store, m.name, slots, disable)
  for (const s of slots) process.stdout.write(`Slot "${s}" ${disable ? 'disabled' : 'enabled'}.\n`)
  return 0
}

function setDefault(store: Store, name: string, add: boolean, mechanismText: string, slot: string | undefined): number {
  const failStatus = add ? MODUTIL_EXIT.DEFAULT_FAILED : MODUTIL_EXIT.UNDEFAULT_FAILED
  const m = requireModuleRecord(store, name)
  const change = parseMechanismList(mechanismText)
  const apply = (current: string[]) => joinMechanisms(add ? [...current, ...change] : current.filter((x) => !change.includes(x)))
  if (slot !== undefined) {
    const [s] = slotsOf(store, m, slot, failStatus)
    const current = slotSettings(store, m.name).get(s!)?.mechanisms ?? m.defaultMechanisms
    setSlotMechanisms(store, m.name, s!, apply(splitMechanisms(current)))
  } else {
    setModuleMechanisms(store, m.name, apply(splitMechanisms(m.defaultMechanisms)))
    for (const s of slotSettings(store, m.name).values()) {
      if (s.mechanisms !== null) setSlotMechanisms(store, m.name, s.slot, apply(splitMechanisms(s.mechanisms)))
    }
  }
  process.stdout.write('Successfully changed defaults.\n')
  return 0
}

async function changepw(store: Store, name: string, f: Flags): Promise<number> {
  const token = tokenNameOf(name)
  const internal = isInternalKeyToken(token)
  if (internal && f.nocertdb === true) {
    throw new ModuleError('-nocertdb cannot be used with -changepw of the store\'s token: its password protects the keys in the certificate and key database.', MODUTIL_EXIT.NOCERTDB_MISUSE)
  }
  // Find the token before asking for passwords: a wrong name fails at once.
  if (!internal) {
    const found = resolveToken(store, token, NO_PINS, {login: false})
    if (found.kind === 'external') found.close()
  }
  const old = await oldPin(str(f, 'pwfile'), token, internal && !tokenSecret(store) ? '' : null)
  const next = await newPin(str(f, 'newpwfile'), token)
  changeTokenPin(store, token, old, next)
  process.stdout.write(`Token "${name}" password changed successfully.\n`)
  return 0
}
