/**
 * Server SASL mechanisms offered by the line protocols, in the order they
 * are advertised. Add a mechanism here (and an outcome kind in mechanism.ts
 * if it does not end in a password) to offer it on SMTP and POP3 alike.
 */
import {LOGIN} from './login.js'
import type {SaslMechanism} from './mechanism.js'
import {PLAIN} from './plain.js'

export const SERVER_MECHANISMS: readonly SaslMechanism[] = [PLAIN, LOGIN]

/** A mechanism the configuration lets this service offer (settings.saslMechanisms), or null. */
export function findMechanism(name: string, configured: readonly string[]): SaslMechanism | null {
  const upper = name.toUpperCase()
  if (!configured.includes(upper)) return null
  return SERVER_MECHANISMS.find((m) => m.name === upper) ?? null
}

/** Mechanisms usable right now: configured ones, plaintext ones only when clear-text passwords are allowed. */
export function availableMechanisms(plaintextAllowed: boolean, configured: readonly string[]): SaslMechanism[] {
  return SERVER_MECHANISMS.filter((m) => configured.includes(m.name) && (plaintextAllowed || !m.plaintext))
}

export {parseSaslResponseLine, type SaslResponseLine} from './response_line.js'
export {checkPassword} from './check_password.js'
export type {SaslExchange, SaslMechanism, SaslStep} from './mechanism.js'
