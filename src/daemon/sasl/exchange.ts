/**
 * One SASL exchange as a session drives it (IMAP AUTHENTICATE, POP3 AUTH,
 * SMTP AUTH): the session relays decoded client lines and encodes the
 * challenges; the core mechanism decides. The protocol layers map the
 * outcome to their own replies (see the table in the reference, §3.8).
 */
import {createMechanism, type MechanismOptions, type SaslFailure as CoreFailure, type SaslServiceName, type SaslSuccess as CoreSuccess} from '../../core/auth/sasl/index.js'
import type {SessionContext} from '../session_types.js'
import {saslCredentials} from './sasl_credentials.js'

/**
 * credentials: wrong user, password or proof; authzid: may not act as the
 * requested identity; malformed: unreadable or out-of-order message;
 * unavailable: the directory (or what the mechanism needs from it) is not there.
 */
export type SaslFailureReason = 'credentials' | 'authzid' | 'malformed' | 'unavailable'

export type SaslStep =
  /** Send this challenge (the session base64-encodes it) and wait for the client's answer. */
  | {readonly kind: 'challenge'; readonly data: Buffer}
  /** `trace`: the ANONYMOUS trace token, for the log only. */
  | {readonly kind: 'success'; readonly user: string; readonly trace?: string}
  /** `detail`: why, for the log; never shown to the client and never holding a secret. */
  | {readonly kind: 'failure'; readonly reason: SaslFailureReason; readonly detail?: string}

/** How an authentication attempt ended. */
export type SaslOutcome = Exclude<SaslStep, {kind: 'challenge'}>

export interface SaslExchange {
  /** The client's next message; null only as the first call, when there was no initial response. */
  step(response: Buffer | null): Promise<SaslStep>
}

export type ExchangeContext = Pick<SessionContext, 'directory' | 'settings' | 'transport'>

/** A core success or failure (APOP's, say) in the sessions' terms. */
export function sessionOutcome(step: CoreSuccess | CoreFailure): SaslOutcome {
  if (step.kind === 'success') return step.trace === undefined ? {kind: 'success', user: step.user} : {kind: 'success', user: step.user, trace: step.trace}
  const reason: SaslFailureReason =
    step.reason === 'bad-credentials' ? 'credentials' : step.reason === 'not-authorized' ? 'authzid' : step.reason === 'malformed' ? 'malformed' : 'unavailable'
  return {kind: 'failure', reason, detail: step.message}
}

/**
 * A fresh exchange for the core mechanism `name` (any case), or null when
 * the core does not implement it. Whether it may be used on this connection
 * now is mechanismOffer's question, asked before.
 */
export function startExchange(name: string, context: ExchangeContext, serviceName: SaslServiceName, options: MechanismOptions = {}): SaslExchange | null {
  const {directory, settings, transport} = context
  const certificate = transport.peerCertificate
  const mechanism = createMechanism(
    name,
    {
      credentials: saslCredentials(directory),
      serviceName,
      hostname: settings.hostname,
      secure: transport.secure,
      ...(certificate && certificate.length > 0 ? {peerCertificate: certificate} : {}),
    },
    options,
  )
  if (mechanism === null) return null
  let started = false
  // None of the three protocols can carry data with success (RFC 4422 §5 item 7 allows it):
  // SCRAM's server-final goes out as one more challenge, and the client's empty answer completes it.
  let pendingUser: string | null = null
  return {
    async step(response) {
      if (pendingUser !== null) {
        const user = pendingUser
        pendingUser = null
        return response === null || response.length === 0 ? {kind: 'success', user} : {kind: 'failure', reason: 'malformed', detail: 'expected an empty reply to the final server message'}
      }
      const step = started ? await mechanism.next(response ?? Buffer.alloc(0)) : await mechanism.start(response)
      started = true
      if (step.kind === 'challenge') return {kind: 'challenge', data: step.data}
      if (step.kind === 'success' && step.data && step.data.length > 0) {
        pendingUser = step.user
        return {kind: 'challenge', data: step.data}
      }
      return sessionOutcome(step)
    },
  }
}
