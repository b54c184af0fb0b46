import {ok, type ImapCommand} from '../command.js'
import {atom, untagged} from '../response_composer.js'
import {ANY_STATE} from '../session_state.js'

/** What the server says about itself in ID. */
const SERVER_ID = ['name', 'msgctl', 'vendor', 'msgctl']

/** ID (RFC 2971): read the client's list (or NIL), answer with ours. */
export const idCommand: ImapCommand = {
  name: 'ID',
  states: ANY_STATE,
  run(session, args) {
    if (!args.at('(')) {
      if (args.atom('NIL or a list').toUpperCase() !== 'NIL') args.fail('Expected NIL or a list')
    } else {
      const fields = args.list((c) => c.nstring())
      if (fields.length % 2 !== 0 || fields.length > 60) args.fail('ID takes field and value pairs (at most 30)')
    }
    args.end()
    session.send(untagged(atom('ID'), SERVER_ID))
    return ok('ID completed')
  },
}
