import {listUsers} from '../../core/auth/index.js'
import {openStoreFor} from '../user_store.js'
import type {CommandRun} from './types.js'

export const run: CommandRun = async ({flags}) => {
  const store = openStoreFor(flags, false)
  let users
  try {
    users = listUsers(store)
  } finally {
    store.close()
  }
  if (flags.json) process.stdout.write(JSON.stringify(users, null, 2) + '\n')
  else for (const u of users) process.stdout.write(`${u.name}\n`)
  return 0
}
