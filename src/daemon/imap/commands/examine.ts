import type {ImapCommand} from '../command.js'
import {AUTHENTICATED} from '../session_state.js'
import {openMailbox} from './select.js'

/** EXAMINE mailbox: SELECT, read-only. */
export const examineCommand: ImapCommand = {
  name: 'EXAMINE',
  states: AUTHENTICATED,
  run: (session, args) => openMailbox(session, args, true),
}
