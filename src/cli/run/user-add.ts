import {ADMIN_ROLE, addUser} from '../../core/auth/index.js'
import {openStoreFor} from '../user_store.js'
import {readNewPassword} from '../user_password.js'
import type {CommandRun} from './types.js'

export const run: CommandRun = async ({flags, args}) => {
  const name = args[0]!
  const password = await readNewPassword(flags)
  const store = openStoreFor(flags, true)
  try {
    await addUser(store, name, password, flags.admin === true ? [ADMIN_ROLE] : [], typeof flags.mail === 'string' ? flags.mail : null)
  } finally {
    store.close()
  }
  process.stdout.write(`user ${name} added${flags.admin === true ? ' as a store administrator' : ''}\n`)
  return 0
}
