import {createAnonymous} from './anonymous.js'
import {createCramMd5, type CramMd5Options} from './cram_md5.js'
import {createDigestMd5, type DigestMd5Options} from './digest_md5.js'
import {createExternal} from './external.js'
import {guardMechanism} from './guarded_mechanism.js'
import {createLogin} from './login.js'
import type {SaslContext, SaslMechanism} from './mechanism.js'
import {isImplementedMechanism, type MechanismName} from './mechanism_names.js'
import {createPlain} from './plain.js'
import {createScram, type ScramOptions} from './scram.js'

export type MechanismOptions = CramMd5Options & DigestMd5Options & ScramOptions

const factories: Record<MechanismName, (context: SaslContext, options: MechanismOptions) => SaslMechanism> = {
  'SCRAM-SHA-256': (c, o) => createScram('sha256', c, o),
  'SCRAM-SHA-1': (c, o) => createScram('sha1', c, o),
  'DIGEST-MD5': createDigestMd5,
  'CRAM-MD5': createCramMd5,
  PLAIN: createPlain,
  LOGIN: createLogin,
  EXTERNAL: createExternal,
  ANONYMOUS: createAnonymous,
}

/**
 * A fresh mechanism for one authentication attempt, or null for a name we
 * do not implement (case-insensitive). Its steps never reject: bad input
 * and directory errors come back as typed failures.
 */
export function createMechanism(name: string, context: SaslContext, options: MechanismOptions = {}): SaslMechanism | null {
  const upper = name.toUpperCase()
  return isImplementedMechanism(upper) ? guardMechanism(factories[upper](context, options)) : null
}

export type {SaslContext, SaslCredentials, SaslFailure, SaslFailureReason, SaslMechanism, SaslServiceName, SaslStep, SaslSuccess, ScramCredentials, ScramHash} from './mechanism.js'
export {IMPLEMENTED_MECHANISMS, isImplementedMechanism, type MechanismName} from './mechanism_names.js'
export {offeredMechanisms, plaintextAllowed, type Offer, type OfferInputs} from './offered_mechanisms.js'
export {apopTimestamp, verifyApop} from './apop.js'
export {deriveScramCredentials, MIN_SCRAM_ITERATIONS} from './scram_credentials.js'
export {NonceRegistry, usedDigestNonces} from './digest_nonces.js'
export {saslprep} from './saslprep.js'
export {cramMd5Challenge} from './cram_md5.js'
