/**
 * SMTP for the daemon: the server session (RFC 5321 with STARTTLS, AUTH,
 * SIZE, PIPELINING, 8BITMIME, ENHANCEDSTATUSCODES, and XPROXYEHLO for a
 * front-end proxy) and the outbound queue that carries mail for other hosts
 * to the smart host.
 */
import type {ProtocolSession, SessionContext} from '../session_types.js'
import {SmtpSession} from './session.js'

export function createSmtpSession(context: SessionContext): ProtocolSession {
  return new SmtpSession(context)
}

export {SqliteOutboundQueue, type OutboundQueueOptions, type QueuedMessage} from './outbound_queue.js'
export {DeliveryWorker, DEFAULT_MAX_AGE_MS, DEFAULT_RETRY_DELAYS_MS, type DeliveryWorkerOptions} from './delivery_worker.js'
