import {deleteUser} from '../../core/auth/index.js'
import {openStoreFor} from '../user_store.js'
import type {CommandRun} from './types.js'

export const run: CommandRun = async ({flags, args}) => {
  const store = openStoreFor(flags, false)
  try {
    deleteUser(store, args[0]!)
  } finally {
    store.close()
  }
  process.stdout.write(`user ${args[0]} deleted\n`)
  return 0
}
