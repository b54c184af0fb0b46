import {advertisedMechanisms, plaintextVerdict} from '../sasl/index.js'
import type {ServiceSettings, Transport} from '../session_types.js'
import type {SessionState} from './session_state.js'

/** Always offered (IMAP4rev1 first: Python's imaplib looks for it). */
const BASE = ['IMAP4rev1', 'LITERAL+', 'SASL-IR', 'ID', 'ENABLE', 'IDLE', 'NAMESPACE', 'UIDPLUS', 'UNSELECT', 'MOVE', 'CHILDREN']

/**
 * Whether a clear-text password may be used now (plaintextmincipher):
 * -1 never, 0 always, n > 0 only under TLS with at least n cipher bits.
 */
export function passwordLoginAllowed(settings: ServiceSettings, transport: Transport): boolean {
  return plaintextVerdict(settings, transport) === 'allowed'
}

/**
 * The CAPABILITY list for this moment of the connection. AUTH= lists the
 * shared offer (the same rule as POP3 CAPA and SMTP EHLO), limited to the
 * mechanisms this session can run.
 */
export function capabilities(settings: ServiceSettings, transport: Transport, state: SessionState, mechanisms: readonly {name: string}[]): string[] {
  const caps = [...BASE]
  if (state !== 'not-authenticated') return caps
  if (!transport.secure && transport.canStartTls) caps.push('STARTTLS')
  const runnable = new Set(mechanisms.map((m) => m.name))
  caps.push(...advertisedMechanisms(settings, transport).filter((name) => runnable.has(name)).map((name) => `AUTH=${name}`))
  if (!passwordLoginAllowed(settings, transport)) caps.push('LOGINDISABLED')
  return caps
}
