/** RSET (RFC 1939 §5): unmark every message marked deleted. */
import type {PopCommand} from './command.js'

export const RSET: PopCommand = {
  verb: 'RSET',
  states: ['transaction'],
  run(session) {
    const maildrop = session.maildrop!
    maildrop.unmarkAll()
    const {count, octets} = maildrop.stat()
    session.ok(`Maildrop has ${count} messages (${octets} octets)`)
  },
}
