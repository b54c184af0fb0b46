import {setUserPassword} from '../../core/auth/index.js'
import {openStoreFor} from '../user_store.js'
import {readNewPassword} from '../user_password.js'
import type {CommandRun} from './types.js'

export const run: CommandRun = async ({flags, args}) => {
  const name = args[0]!
  const store = openStoreFor(flags, false)
  try {
    const password = await readNewPassword(flags)
    await setUserPassword(store, name, password)
  } finally {
    store.close()
  }
  process.stdout.write(`password of ${name} changed\n`)
  return 0
}
