/**
 * service.X.plaintextmincipher applied to one connection: whether a
 * clear-text password (POP3 USER/PASS, IMAP LOGIN, SASL PLAIN and LOGIN)
 * may be sent now, and if not, whether TLS would help.
 */
import {plaintextAllowed} from '../../core/auth/sasl/index.js'
import type {ServiceSettings, Transport} from '../session_types.js'

/** 'allowed' now; 'needs-tls' after STARTTLS/STLS (or with a stronger cipher); 'never' on this service. */
export type PlaintextVerdict = 'allowed' | 'needs-tls' | 'never'

export function plaintextVerdict(settings: Pick<ServiceSettings, 'plaintextMinCipher'>, transport: Pick<Transport, 'tls'>): PlaintextVerdict {
  if (plaintextAllowed(settings.plaintextMinCipher, transport.tls?.bits ?? null)) return 'allowed'
  return settings.plaintextMinCipher < 0 ? 'never' : 'needs-tls'
}
