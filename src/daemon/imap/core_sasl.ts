import {createMechanism, type SaslStep as CoreStep} from '../../core/auth/sasl/index.js'
import type {SessionContext} from '../session_types.js'
import type {SaslExchange, SaslMechanism, SaslStep} from './sasl_mechanism.js'

/** Mechanisms that carry a password in the clear (subject to plaintextmincipher). */
const PLAINTEXT = new Set(['PLAIN', 'LOGIN'])

/**
 * AUTHENTICATE's mechanisms from the core SASL module, in the order the
 * configuration gives (settings.saslMechanisms).
 */
export function coreMechanisms(context: SessionContext): SaslMechanism[] {
  return context.settings.saslMechanisms.map((name) => ({
    name,
    plaintext: PLAINTEXT.has(name),
    start: (directory) => exchange(name, context, directory),
  }))
}

function exchange(name: string, context: SessionContext, directory: SessionContext['directory']): SaslExchange {
  const {transport, settings} = context
  const mechanism = createMechanism(name, {
    credentials: {
      verifyPassword: (u, p) => directory.verifyPassword(u, p),
      lookup: (u) => directory.lookup(u),
      ...(directory.cleartextPassword ? {cleartextPassword: (u: string) => directory.cleartextPassword!(u)} : {}),
    },
    serviceName: 'imap',
    hostname: settings.hostname,
    secure: transport.secure,
    ...(transport.peerCertificate ? {peerCertificate: transport.peerCertificate} : {}),
  })
  let started = false
  // Success with additional data (SCRAM's server-final) goes out as a challenge; the client's empty answer completes it.
  let pendingUser: string | null = null
  return {
    async step(response): Promise<SaslStep> {
      if (mechanism === null) return {kind: 'failure', reason: 'malformed'}
      if (pendingUser !== null) return response && response.length > 0 ? {kind: 'failure', reason: 'malformed'} : {kind: 'success', user: pendingUser}
      const step: CoreStep = started ? await mechanism.next(response ?? Buffer.alloc(0)) : await mechanism.start(response)
      started = true
      switch (step.kind) {
        case 'challenge':
          return {kind: 'challenge', data: step.data}
        case 'success':
          if (step.data && step.data.length > 0) {
            pendingUser = step.user
            return {kind: 'challenge', data: step.data}
          }
          return {kind: 'success', user: step.user}
        case 'failure':
          return {kind: 'failure', reason: step.reason === 'malformed' ? 'malformed' : step.reason === 'not-authorized' ? 'authzid' : 'credentials'}
      }
    },
  }
}
