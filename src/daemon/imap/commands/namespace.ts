import {ok, type ImapCommand} from '../command.js'
import {HIERARCHY_DELIMITER} from '../mailbox_names.js'
import {atom, untagged} from '../response_composer.js'
import {AUTHENTICATED} from '../session_state.js'

/** NAMESPACE (RFC 2342): one personal namespace at the root; no shared or other users'. */
export const namespaceCommand: ImapCommand = {
  name: 'NAMESPACE',
  states: AUTHENTICATED,
  run(session, args) {
    args.end()
    session.send(untagged(atom('NAMESPACE'), [['', HIERARCHY_DELIMITER]], null, null))
    return ok('NAMESPACE completed')
  },
}
