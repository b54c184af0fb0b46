/**
 * CMS (RFC 5652) as cmsutil needs it: SignedData, EnvelopedData,
 * AuthEnvelopedData, EncryptedData and certs-only messages, written and read
 * as streams so content of any size passes through in bounded memory.
 * Pure: certificates and keys come in through arguments or a DecodeHost.
 */
export {CMS_OID, CONTENT_TYPE_NAMES} from './oids.js'
export {CmsError, NSS_ERRORS, badDer} from './errors.js'
export type {NssErrorName} from './errors.js'
export {DIGEST_NAMES, parseDigestName} from './digests.js'
export type {DigestName} from './digests.js'
export {CONTENT_CIPHER_NAMES, parseCipherName} from './content_cipher.js'
export type {ContentCipherName} from './content_cipher.js'
export {identifies, subjectKeyIdOf, describeIdentifier} from './identifiers.js'
export type {CertIdentifier} from './identifiers.js'
export {signedData, certsOnly} from './sign.js'
export type {SignOptions} from './sign.js'
export {envelopedData, encryptedData} from './envelope.js'
export type {EnvelopeOptions} from './envelope.js'
export {decodeMessage} from './decode.js'
export type {ContentSink} from './decode.js'
export type {DecodeHost, LevelReport, LevelType, SignerReport, SignerStatus} from './types.js'
