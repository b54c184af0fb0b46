import {setTimeout as sleep} from 'node:timers/promises'
import {no, ok, type CommandResult, type ImapSessionApi} from './command.js'

/** Wait before answering a failed login, so guessing passwords is slow. */
export const AUTH_FAILURE_DELAY_MS = 1000

/** Success: enter the authenticated state; the OK carries the new capabilities (saves clients a round trip). */
export function loginSucceeded(session: ImapSessionApi, user: string, how: string): CommandResult {
  session.authenticated(user)
  session.context.transport.log(`imap: ${how} as ${user}`)
  session.context.onAuthenticated?.(user)
  return ok('Logged in', `CAPABILITY ${session.capabilities().join(' ')}`)
}

const FAILURE_TEXT: Record<string, string> = {
  AUTHORIZATIONFAILED: 'Not authorized to act as that user.',
  UNAVAILABLE: 'Authentication is unavailable, try again later.',
}

/** Failure, after the delay. The log names the user tried and the mechanism's reason (`detail`), never the password. */
export async function loginFailed(session: ImapSessionApi, triedUser: string | null, how: string, code = 'AUTHENTICATIONFAILED', detail?: string): Promise<CommandResult> {
  session.context.transport.log(`imap: ${how} failed${triedUser === null ? '' : ` for ${JSON.stringify(triedUser.slice(0, 64))}`}${detail === undefined ? '' : `: ${detail}`}`)
  if (code !== 'UNAVAILABLE') session.context.onAuthenticationFailed?.()
  await sleep(AUTH_FAILURE_DELAY_MS)
  return no(FAILURE_TEXT[code] ?? 'Authentication failed.', code)
}

/** Why a clear-text password is refused now: no TLS strong enough, or password login off. */
export function plaintextRefusal(session: ImapSessionApi): CommandResult {
  if (session.context.settings.plaintextMinCipher < 0) return no('Password login is disabled on this service', 'CANNOT')
  return no('Use STARTTLS (or a stronger cipher) before sending a password', 'PRIVACYREQUIRED')
}
