/**
 * service.X.plaintextmincipher: when a clear-text password (USER/PASS, SASL
 * PLAIN and LOGIN) may be used on this connection.
 */
import type {Transport} from '../session_types.js'

/** 'allowed' now; 'needs-tls' after STARTTLS/STLS (or a stronger cipher); 'never' on this service. */
export type PlaintextVerdict = 'allowed' | 'needs-tls' | 'never'

export function plaintextVerdict(minCipher: number, tls: Transport['tls']): PlaintextVerdict {
  if (minCipher < 0) return 'never'
  if (minCipher === 0) return 'allowed'
  return tls !== null && tls.bits >= minCipher ? 'allowed' : 'needs-tls'
}
