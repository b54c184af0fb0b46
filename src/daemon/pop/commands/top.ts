/** TOP n m (RFC 1939 §7): header and the first m body lines. */
import {parseCount} from '../message_number.js'
import {multiLineMessage} from '../reply.js'
import {topOfMessage} from '../top_lines.js'
import type {PopCommand} from './command.js'
import {messageArgument} from './message_argument.js'
import {readOrExplain} from './read_message.js'

export const TOP: PopCommand = {
  verb: 'TOP',
  states: ['transaction'],
  run(session, args) {
    const parts = args.trim().split(/[ \t]+/)
    if (parts.length !== 2) return session.err('Syntax: TOP message lines')
    const lines = parseCount(parts[1]!)
    if (lines === null) return session.err('Invalid number of lines.')
    const entry = messageArgument(session, parts[0]!)
    if (!entry) return
    const message = readOrExplain(session, entry)
    if (!message) return
    session.ok('Top of message follows')
    session.write(multiLineMessage(topOfMessage(message, lines)))
  },
}
