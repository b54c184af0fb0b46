import {setStoreAdministrator} from '../../core/auth/index.js'
import {UsageError} from '../../core/errors.js'
import {openStoreFor} from '../user_store.js'
import type {CommandRun} from './types.js'

const ROLES = ['admin', 'user'] as const

export const run: CommandRun = async ({flags, args}) => {
  const [name, role, ...extra] = args
  if (name === undefined || role === undefined) throw new UsageError('give a user name and a role: msgctl user role NAME admin|user', 2)
  if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}" (msgctl user role NAME admin|user)`, 2)
  if (!(ROLES as readonly string[]).includes(role)) throw new UsageError(`"${role}" is not a role: use admin or user`, 2)
  const store = openStoreFor(flags, false)
  let canonical
  try {
    canonical = setStoreAdministrator(store, name, role === 'admin')
  } finally {
    store.close()
  }
  process.stdout.write(`user ${canonical} is now ${role === 'admin' ? 'a store administrator' : 'an ordinary user'}\n`)
  return 0
}
