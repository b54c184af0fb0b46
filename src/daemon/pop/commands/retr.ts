/** RETR n (RFC 1939 §5): the whole message, byte-stuffed. */
import {multiLineMessage} from '../reply.js'
import type {PopCommand} from './command.js'
import {messageArgument} from './message_argument.js'
import {readOrExplain} from './read_message.js'

export const RETR: PopCommand = {
  verb: 'RETR',
  states: ['transaction'],
  run(session, args) {
    const entry = messageArgument(session, args.trim())
    if (!entry) return
    const message = readOrExplain(session, entry)
    if (!message) return
    session.ok(`${entry.size} octets`)
    session.write(multiLineMessage(message))
  },
}
