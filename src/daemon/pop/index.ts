/** POP3 for the daemon (RFC 1939 with APOP, CAPA, STLS, AUTH). */
import type {ProtocolSession, SessionContext} from '../session_types.js'
import {PopSession} from './session.js'

export function createPopSession(context: SessionContext): ProtocolSession {
  return new PopSession(context)
}
