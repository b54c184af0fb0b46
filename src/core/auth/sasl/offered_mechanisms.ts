import {IMPLEMENTED_MECHANISMS, isImplementedMechanism, type MechanismName} from './mechanism_names.js'

export interface OfferInputs {
  /** sasl.default.mech_list: when non-empty, the candidates and their order; empty = all we implement. */
  mechList: string[]
  /** The directory can hand out cleartext passwords (CRAM-MD5, DIGEST-MD5, APOP). */
  hasPlainPasswords: boolean
  /** service.imap.allowanonymouslogin; callers for POP and SMTP pass false. */
  allowAnonymous: boolean
  /** service.<proto>.plaintextmincipher: -1 never, 0 always, >0 only over TLS with at least that many bits. */
  plaintextMinCipher: number
  /** Cipher strength of the connection's TLS, null when in clear. */
  tlsBits: number | null
  /** The client presented a TLS certificate. */
  clientCertificate: boolean
  directoryHasScram: boolean
}

export interface Offer {
  mechanisms: MechanismName[]
  /** True when PLAIN, LOGIN, IMAP LOGIN and POP USER/PASS are refused right now (IMAP LOGINDISABLED). */
  loginDisabled: boolean
  /** APOP (RFC 1939) may be offered: a timestamp belongs in the POP greeting. */
  apop: boolean
  /** mech_list entries dropped because we do not implement them, one sentence each. */
  warnings: string[]
}

export function plaintextAllowed(plaintextMinCipher: number, tlsBits: number | null): boolean {
  if (plaintextMinCipher < 0) return false
  if (plaintextMinCipher === 0) return true
  return tlsBits != null && tlsBits >= plaintextMinCipher
}

/** What to advertise on one connection right now (CAPABILITY AUTH=, CAPA SASL, EHLO AUTH). */
export function offeredMechanisms(inputs: OfferInputs): Offer {
  const warnings: string[] = []
  let candidates: MechanismName[] = [...IMPLEMENTED_MECHANISMS]
  if (inputs.mechList.length > 0) {
    candidates = []
    for (const entry of inputs.mechList) {
      const name = entry.trim().toUpperCase()
      if (!isImplementedMechanism(name)) warnings.push(`sasl.default.mech_list names ${JSON.stringify(entry)}, which this server does not implement; it is not offered`)
      else if (!candidates.includes(name)) candidates.push(name)
    }
  }
  const plaintext = plaintextAllowed(inputs.plaintextMinCipher, inputs.tlsBits)
  const available = (name: MechanismName): boolean => {
    switch (name) {
      case 'PLAIN':
      case 'LOGIN':
        return plaintext
      case 'CRAM-MD5':
      case 'DIGEST-MD5':
        return inputs.hasPlainPasswords
      case 'SCRAM-SHA-1':
      case 'SCRAM-SHA-256':
        return inputs.directoryHasScram || inputs.hasPlainPasswords
      case 'ANONYMOUS':
        return inputs.allowAnonymous
      case 'EXTERNAL':
        return inputs.clientCertificate
    }
  }
  return {mechanisms: candidates.filter(available), loginDisabled: !plaintext, apop: inputs.hasPlainPasswords, warnings}
}
