import {ok, type ImapCommand} from '../command.js'
import {atom, untagged} from '../response_composer.js'

/** ENABLE (RFC 5161): no extension here needs enabling, so none is; unknown names are ignored as required. */
export const enableCommand: ImapCommand = {
  name: 'ENABLE',
  states: ['authenticated'],
  run(session, args) {
    args.atom('a capability')
    while (args.accept(' ')) args.atom('a capability')
    args.end()
    session.send(untagged(atom('ENABLED')))
    return ok('ENABLE completed')
  },
}
