import type {ProtocolSession, SessionContext} from '../session_types.js'
import {coreMechanisms} from './core_sasl.js'
import {ImapSession} from './session.js'

export {AUTH_FAILURE_DELAY_MS} from './login_outcome.js'
export type {SaslExchange, SaslMechanism, SaslStep} from './sasl_mechanism.js'
export {ImapSession} from './session.js'

/** The IMAP4rev1 session factory the daemon registers for the imap service. */
export function createImapSession(context: SessionContext): ProtocolSession {
  return new ImapSession(context, coreMechanisms(context))
}
