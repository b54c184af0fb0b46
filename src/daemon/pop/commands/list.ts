/** LIST [n] (RFC 1939 §5): sizes in octets. */
import {multiLineText} from '../reply.js'
import type {PopCommand} from './command.js'
import {messageArgument} from './message_argument.js'

export const LIST: PopCommand = {
  verb: 'LIST',
  states: ['transaction'],
  run(session, args) {
    const arg = args.trim()
    if (arg !== '') {
      const entry = messageArgument(session, arg)
      if (entry) session.ok(`${entry.number} ${entry.size}`)
      return
    }
    const maildrop = session.maildrop!
    const {count, octets} = maildrop.stat()
    session.ok(`${count} messages (${octets} octets)`)
    session.write(multiLineText(maildrop.live.map((e) => `${e.number} ${e.size}`)))
  },
}
