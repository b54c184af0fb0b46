/** The module database rows (schema 5): modules in listing order, per-slot settings. */
import type {Store} from '../store/index.js'
import {ModuleError, MODUTIL_EXIT} from './errors.js'
import {INTERNAL_MODULE_NAME} from './internal_module.js'

export interface ModuleRecord {
  readonly name: string
  /** Null for the internal module. */
  readonly library: string | null
  readonly internal: boolean
  readonly parameters: string
  readonly ciphers: string
  readonly defaultMechanisms: string
  readonly trustOrder: number
  readonly cipherOrder: number
}

export interface SlotSetting {
  readonly slot: string
  readonly disabled: boolean
  /** Null: the module's default mechanisms. */
  readonly mechanisms: string | null
}

interface Row {
  name: string
  library: string | null
  internal: number
  parameters: string
  ciphers: string
  default_mechanisms: string
  trust_order: number
  cipher_order: number
}

const fromRow = (r: Row): ModuleRecord => ({
  name: r.name, library: r.library, internal: r.internal === 1, parameters: r.parameters, ciphers: r.ciphers,
  defaultMechanisms: r.default_mechanisms, trustOrder: r.trust_order, cipherOrder: r.cipher_order,
})

export function listModuleRecords(store: Store): ModuleRecord[] {
  return (store.db.prepare(`SELECT * FROM pkcs11_module ORDER BY position, name`).all() as Row[]).map(fromRow)
}

export function findModuleRecord(store: Store, name: string): ModuleRecord | null {
  const r = store.db.prepare(`SELECT * FROM pkcs11_module WHERE name = ?`).get(name) as Row | undefined
  return r ? fromRow(r) : null
}

export function requireModuleRecord(store: Store, name: string): ModuleRecord {
  return findModuleRecord(store, name) ?? notFound(name)
}

function notFound(name: string): never {
  throw new ModuleError(`Module "${name}" not found in database.`, MODUTIL_EXIT.NO_SUCH_MODULE)
}

export interface NewModule {
  readonly name: string
  readonly library: string
  readonly parameters?: string
  readonly ciphers?: string
  readonly defaultMechanisms?: string
  readonly trustOrder?: number
  readonly cipherOrder?: number
}

/** Add an external module at the end of the list; a name in use is refused. */
export function insertModuleRecord(store: Store, m: NewModule): void {
  store.write(() => {
    if (findModuleRecord(store, m.name)) {
      throw new ModuleError(`Failed to add module "${m.name}". Probable cause : "a module with this name is already in the database; delete it first or choose another name".`, MODUTIL_EXIT.ADD_MODULE_FAILED)
    }
    const next = (store.db.prepare(`SELECT coalesce(max(position), 0) + 1 AS p FROM pkcs11_module`).get() as {p: number}).p
    store.db
      .prepare(`INSERT INTO pkcs11_module (name, library, internal, parameters, ciphers, default_mechanisms, trust_order, cipher_order, position, created_at)
                VALUES (?, ?, 0, ?, ?, ?, ?, ?, ?, ?)`)
      .run(m.name, m.library, m.parameters ?? '', m.ciphers ?? '', m.defaultMechanisms ?? '', m.trustOrder ?? 100, m.cipherOrder ?? 0, next, new Date().toISOString())
  })
}

export function deleteModuleRecord(store: Store, name: string): void {
  store.write(() => {
    const m = requireModuleRecord(store, name)
    if (m.internal || name === INTERNAL_MODULE_NAME) {
      throw new ModuleError(`Cannot delete the internal module "${name}"; it holds the store's own keys.`, MODUTIL_EXIT.DELETE_INTERNAL)
    }
    store.db.prepare(`DELETE FROM pkcs11_module WHERE name = ?`).run(name)
  })
}

export function slotSettings(store: Store, module: string): Map<string, SlotSetting> {
  const rows = store.db.prepare(`SELECT slot, disabled, mechanisms FROM pkcs11_slot WHERE module = ?`).all(module) as {slot: string; disabled: number; mechanisms: string | null}[]
  return new Map(rows.map((r) => [r.slot, {slot: r.slot, disabled: r.disabled === 1, mechanisms: r.mechanisms}]))
}

export function setSlotDisabled(store: Store, module: string, slots: readonly string[], disabled: boolean): void {
  store.write(() => {
    const up = store.db.prepare(
      `INSERT INTO pkcs11_slot (module, slot, disabled) VALUES (?, ?, ?) ON CONFLICT (module, slot) DO UPDATE SET disabled = excluded.disabled`,
    )
    for (const s of slots) up.run(module, s, disabled ? 1 : 0)
  })
}

export function setModuleMechanisms(store: Store, module: string, mechanisms: string): void {
  store.write(() => {
    store.db.prepare(`UPDATE pkcs11_module SET default_mechanisms = ? WHERE name = ?`).run(mechanisms, module)
  })
}

export function setSlotMechanisms(store: Store, module: string, slot: string, mechanisms: string): void {
  store.write(() => {
    store.db
      .prepare(`INSERT INTO pkcs11_slot (module, slot, mechanisms) VALUES (?, ?, ?) ON CONFLICT (module, slot) DO UPDATE SET mechanisms = excluded.mechanisms`)
      .run(module, slot, mechanisms)
  })
}
