/** STAT (RFC 1939 §5): count and octets of the messages not marked deleted. */
import type {PopCommand} from './command.js'

export const STAT: PopCommand = {
  verb: 'STAT',
  states: ['transaction'],
  run(session) {
    const {count, octets} = session.maildrop!.stat()
    session.ok(`${count} ${octets}`)
  },
}
