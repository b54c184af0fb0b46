import type {FlagValue} from '../core/argv/index.js'
import {locateStore, Store} from '../core/store/index.js'

/** The store named by -d (or $MSGCTL_HOME), for msgctl's own commands. */
export function openStoreFor(flags: Record<string, FlagValue>, create: boolean): Store {
  return Store.open(locateStore(typeof flags.dir === 'string' ? flags.dir : undefined), {create})
}
