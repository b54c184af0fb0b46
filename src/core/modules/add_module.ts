/**
 * modutil -add / -rawadd: the library must load and initialise before it is
 * recorded, so a typo in -libfile fails now rather than at every later use.
 */
import {Pkcs11Library} from '../pkcs11/index.js'
import type {Store} from '../store/index.js'
import {ModuleError, MODUTIL_EXIT} from './errors.js'
import {findModuleRecord, insertModuleRecord, type NewModule} from './module_db.js'

export function addModule(store: Store, m: NewModule): void {
  const failed = (cause: string): never => {
    throw new ModuleError(`Failed to add module "${m.name}". Probable cause : "${cause}".`, MODUTIL_EXIT.ADD_MODULE_FAILED)
  }
  if (findModuleRecord(store, m.name)) failed('a module with this name is already in the database; delete it first or choose another name')
  try {
    Pkcs11Library.open(m.library, m.parameters ?? '').close()
  } catch (err) {
    failed((err as Error).message)
  }
  insertModuleRecord(store, m)
}
