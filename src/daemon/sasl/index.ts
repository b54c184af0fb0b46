/**
 * SASL for the daemon's sessions (IMAP, POP3, SMTP), on top of the core
 * mechanisms: what to advertise now, one exchange at a time, and the
 * base64 line form the line protocols share.
 */
export {startExchange, sessionOutcome, type ExchangeContext, type SaslExchange, type SaslFailureReason, type SaslOutcome, type SaslStep} from './exchange.js'
export {advertisedMechanisms, isPlaintextMechanism, mechanismOffer, type MechanismOffer} from './mechanism_offer.js'
export {plaintextVerdict, type PlaintextVerdict} from './plaintext_verdict.js'
export {parseSaslResponseLine, type SaslResponseLine} from './response_line.js'
export {saslCredentials} from './sasl_credentials.js'
