/**
 * What a connection offers right now: IMAP CAPABILITY AUTH=, POP3 CAPA SASL
 * and SMTP EHLO AUTH all come from here, and AUTH/AUTHENTICATE refuse what
 * is not offered, so the list a client sees is the list that works.
 *
 * settings.saslMechanisms is what the configuration allows for the service
 * (mech_list, has_plain_passwords, allowanonymouslogin); on top of it, PLAIN
 * and LOGIN depend on the plaintext rule and the cipher in use, EXTERNAL on
 * a verified client certificate.
 */
import {isImplementedMechanism, type MechanismName} from '../../core/auth/sasl/index.js'
import type {ServiceSettings, Transport} from '../session_types.js'
import {plaintextVerdict} from './plaintext_verdict.js'

/**
 * offered: usable now. not-offered: not configured (or not implemented);
 * needs-tls / plaintext-disabled: a clear-text mechanism the plaintext rule
 * refuses now / always; needs-certificate: EXTERNAL without a verified
 * client certificate.
 */
export type MechanismOffer = 'offered' | 'not-offered' | 'needs-tls' | 'plaintext-disabled' | 'needs-certificate'

type OfferSettings = Pick<ServiceSettings, 'saslMechanisms' | 'plaintextMinCipher'>
type OfferTransport = Pick<Transport, 'tls' | 'peerCertificate'>

/** Mechanisms that carry the password itself (subject to plaintextmincipher). */
export function isPlaintextMechanism(name: string): boolean {
  const upper = name.toUpperCase()
  return upper === 'PLAIN' || upper === 'LOGIN'
}

/** Whether `name` (any case) may be used on this connection now, and if not, why. */
export function mechanismOffer(name: string, settings: OfferSettings, transport: OfferTransport): MechanismOffer {
  const upper = name.toUpperCase()
  if (!isImplementedMechanism(upper) || !settings.saslMechanisms.some((m) => m.toUpperCase() === upper)) return 'not-offered'
  if (isPlaintextMechanism(upper)) {
    const verdict = plaintextVerdict(settings, transport)
    if (verdict === 'needs-tls') return 'needs-tls'
    if (verdict === 'never') return 'plaintext-disabled'
  }
  if (upper === 'EXTERNAL' && !(transport.peerCertificate && transport.peerCertificate.length > 0)) return 'needs-certificate'
  return 'offered'
}

/** The mechanisms to advertise now, in the configured order (upper case, no repeats). */
export function advertisedMechanisms(settings: OfferSettings, transport: OfferTransport): MechanismName[] {
  const names = [...new Set(settings.saslMechanisms.map((m) => m.toUpperCase()))]
  return names.filter((n): n is MechanismName => mechanismOffer(n, settings, transport) === 'offered')
}
