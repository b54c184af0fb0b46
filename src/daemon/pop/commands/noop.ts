/** NOOP (RFC 1939 §5). */
import type {PopCommand} from './command.js'

export const NOOP: PopCommand = {
  verb: 'NOOP',
  states: ['transaction'],
  run(session) {
    session.ok('')
  },
}
