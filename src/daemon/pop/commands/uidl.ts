/** UIDL [n] (RFC 1939 §7): `<uidvalidity>.<uid>`, stable across sessions. */
import {multiLineText} from '../reply.js'
import type {PopCommand} from './command.js'
import {messageArgument} from './message_argument.js'

export const UIDL: PopCommand = {
  verb: 'UIDL',
  states: ['transaction'],
  run(session, args) {
    const maildrop = session.maildrop!
    const arg = args.trim()
    if (arg !== '') {
      const entry = messageArgument(session, arg)
      if (entry) session.ok(`${entry.number} ${maildrop.uniqueId(entry)}`)
      return
    }
    session.ok('Unique-ID listing follows')
    session.write(multiLineText(maildrop.live.map((e) => `${e.number} ${maildrop.uniqueId(e)}`)))
  },
}
