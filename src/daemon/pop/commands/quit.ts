/** QUIT (RFC 1939 §6): in TRANSACTION it enters UPDATE and removes the marked messages. */
import type {PopCommand} from './command.js'

export const QUIT: PopCommand = {
  verb: 'QUIT',
  states: ['authorization', 'transaction'],
  run(session) {
    session.quit()
  },
}
