/** The -ERR for a clear-text password the rule does not allow now, naming the way out. */
import type {PlaintextVerdict} from '../../sasl/index.js'

export function plaintextRefusal(verdict: Exclude<PlaintextVerdict, 'allowed'>): string {
  return verdict === 'needs-tls'
    ? '[AUTH] Plaintext authentication disallowed on non-secure connections; use STLS first.'
    : '[AUTH] Plaintext authentication is disabled on this service.'
}
