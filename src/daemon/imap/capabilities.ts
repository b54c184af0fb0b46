import type {ServiceSettings, Transport} from '../session_types.js'
import type {SessionState} from './session_state.js'

/** Always offered (IMAP4rev1 first: Python's imaplib looks for it). */
const BASE = ['IMAP4rev1', 'LITERAL+', 'SASL-IR', 'ID', 'ENABLE', 'IDLE', 'NAMESPACE', 'UIDPLUS', 'UNSELECT', 'MOVE', 'CHILDREN']

/**
 * Whether a clear-text password may be used now (plaintextmincipher):
 * -1 never, 0 always, n > 0 only under TLS with at least n cipher bits.
 */
export function passwordLoginAllowed(settings: ServiceSettings, transport: Transport): boolean {
  const min = settings.plaintextMinCipher
  if (min < 0) return false
  if (min === 0) return true
  return transport.tls !== null && transport.tls.bits >= min
}

/** The CAPABILITY list for this moment of the connection. */
export function capabilities(settings: ServiceSettings, transport: Transport, state: SessionState, mechanisms: readonly {name: string; plaintext: boolean}[]): string[] {
  const caps = [...BASE]
  if (state !== 'not-authenticated') return caps
  if (!transport.secure && transport.canStartTls) caps.push('STARTTLS')
  // Mechanisms that send no password in the clear (ANONYMOUS, SCRAM, EXTERNAL) are offered either way.
  const passwords = passwordLoginAllowed(settings, transport)
  caps.push(...mechanisms.filter((m) => passwords || !m.plaintext).map((m) => `AUTH=${m.name}`))
  if (!passwords) caps.push('LOGINDISABLED')
  return caps
}
