import {bad, ok, type ImapCommand} from '../command.js'
import {continuation} from '../response_composer.js'
import {AUTHENTICATED} from '../session_state.js'

/**
 * IDLE (RFC 2177): changes to the selected mailbox are pushed as they
 * happen until the client sends DONE.
 */
export const idleCommand: ImapCommand = {
  name: 'IDLE',
  states: AUTHENTICATED,
  async run(session, args) {
    args.end()
    session.send(continuation('idling'))
    session.setIdling(true)
    let line: Buffer | null
    try {
      line = await session.readLine()
    } finally {
      session.setIdling(false)
    }
    if (line === null || line.toString('latin1').trim().toUpperCase() === 'DONE') return ok('IDLE terminated')
    return bad('Expected DONE to end IDLE')
  },
}
