import {isImplementedMechanism} from '../../core/auth/sasl/index.js'
import {isPlaintextMechanism, startExchange, type SaslExchange} from '../sasl/index.js'
import type {SessionContext} from '../session_types.js'
import type {SaslMechanism} from './sasl_mechanism.js'

/** Never reached: only names the core implements are listed. */
const NOT_IMPLEMENTED: SaslExchange = {step: async () => ({kind: 'failure', reason: 'malformed', detail: 'mechanism not implemented'})}

/**
 * AUTHENTICATE's mechanisms: every core mechanism the configuration allows
 * (settings.saslMechanisms), in its order, through the adapter POP3 and SMTP
 * use too. Which of them are usable at a given moment (plaintext rule,
 * client certificate) is decided per command by the shared offer.
 */
export function coreMechanisms(context: SessionContext): SaslMechanism[] {
  const names = [...new Set(context.settings.saslMechanisms.map((m) => m.toUpperCase()))].filter(isImplementedMechanism)
  return names.map((name) => ({
    name,
    plaintext: isPlaintextMechanism(name),
    start: (directory) => startExchange(name, {...context, directory}, 'imap') ?? NOT_IMPLEMENTED,
  }))
}
