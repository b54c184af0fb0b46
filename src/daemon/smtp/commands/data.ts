/**
 * DATA (RFC 5321 §4.1.1.4): 354, the message, then one reply once it is
 * stored for every recipient or refused as a whole.
 */
import {storeMessage} from '../message_delivery.js'
import type {SmtpCommand} from './command.js'

export const DATA: SmtpCommand = {
  verb: 'DATA',
  states: ['mail', 'rcpt'],
  wrongStateText: 'Error: need MAIL command',
  run(session, args) {
    if (args.trim() !== '') return session.reply(501, '5.5.4', 'Syntax: DATA')
    if (session.state !== 'rcpt') return session.reply(554, '5.5.1', 'Error: no valid recipients')
    session.reply(354, null, 'End data with <CR><LF>.<CR><LF>')
    session.receiveMessage((result) => {
      const transaction = session.transaction!
      session.resetTransaction()
      if (result.message === null) return session.reply(552, '5.3.4', 'Message size exceeds fixed maximum message size')
      const outcome = storeMessage(session, transaction, result.message)
      if (outcome.ok) session.reply(250, '2.0.0', `Ok: queued as ${outcome.id}`)
      else session.reply(451, '4.3.0', 'Error: could not store the message, try again later')
    })
  },
}
