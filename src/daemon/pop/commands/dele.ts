/** DELE n (RFC 1939 §5): mark only; QUIT removes. */
import type {PopCommand} from './command.js'
import {messageArgument} from './message_argument.js'

export const DELE: PopCommand = {
  verb: 'DELE',
  states: ['transaction'],
  run(session, args) {
    const entry = messageArgument(session, args.trim())
    if (!entry) return
    session.maildrop!.markDeleted(entry)
    session.ok(`Message ${entry.number} deleted.`)
  },
}
