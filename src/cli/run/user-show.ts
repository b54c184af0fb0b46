import {findUser} from '../../core/auth/index.js'
import {MsgctlError} from '../../core/errors.js'
import {openStoreFor} from '../user_store.js'
import type {CommandRun} from './types.js'

export const run: CommandRun = async ({flags, args}) => {
  const store = openStoreFor(flags, false)
  let user
  try {
    user = findUser(store, args[0]!)
  } finally {
    store.close()
  }
  if (!user) throw new MsgctlError(`no user "${args[0]}" in the embedded directory; msgctl user list shows them`)
  if (flags.json) process.stdout.write(JSON.stringify(user, null, 2) + '\n')
  else process.stdout.write(`name:    ${user.name}\nmail:    ${user.mail ?? '(none)'}\nroles:   ${user.roles.join(' ') || '(none)'}\ncreated: ${user.createdAt}\nchanged: ${user.updatedAt}\n`)
  return 0
}
