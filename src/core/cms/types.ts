import type {KeyObject} from 'node:crypto'
import type {Certificate} from '../pki/index.js'
import type {NssErrorName} from './errors.js'
import type {CertIdentifier} from './identifiers.js'

/** NSS's NSSCMSVerificationStatus names, printed by cmsutil -D. */
export type SignerStatus =
  | 'Unverified' | 'GoodSignature' | 'BadSignature' | 'DigestMismatch' | 'SigningCertNotFound' | 'SigningCertNotTrusted'
  | 'SignatureAlgorithmUnknown' | 'SignatureAlgorithmUnsupported' | 'MalformedSignature' | 'ProcessingError'

export interface SignerReport {
  readonly status: SignerStatus
  /** The NSS error behind a status other than GoodSignature. */
  readonly error: NssErrorName | null
  readonly detail: string | null
  readonly certificate: Certificate | null
  readonly identifier: CertIdentifier
  readonly digestAlgorithm: string
  readonly signatureAlgorithm: string
  readonly signingTime: Date | null
}

export type LevelType = 'signedData' | 'envelopedData' | 'authEnvelopedData' | 'encryptedData' | 'data'

/** One content level of a message, outermost first. */
export interface LevelReport {
  readonly type: LevelType
  readonly signers?: readonly SignerReport[]
  readonly certificates?: readonly Certificate[]
  /** SignedData without content and signers. */
  readonly certsOnly?: boolean
  readonly detached?: boolean
  readonly cipher?: string
  readonly recipients?: number
  /** The certificate whose key opened the envelope. */
  readonly recipient?: Certificate
}

/** What decoding needs from the certificate store; the core stays free of the store. */
export interface DecodeHost {
  /** The certificate a signer names, among the message's certificates or the store's. */
  findCertificate(id: CertIdentifier, messageCertificates: readonly Certificate[]): Certificate | null
  /** Chain and trust verdict for the usage; null when the certificate is valid. */
  verifyCertificate(cert: Certificate, messageCertificates: readonly Certificate[]): {error: NssErrorName; detail: string} | null
  /** A private key for one of these identifiers (the store may ask for a password first). */
  recipientKey(id: CertIdentifier): Promise<{privateKey: KeyObject; certificate: Certificate} | null>
  /** The content of a detached signature (-c). */
  detachedContent?: () => AsyncIterable<Buffer>
  /** The bulk key of an EncryptedData (-e). */
  bulkKey?: () => Promise<Buffer>
  /** Told the content key of an envelope once it is opened (cmsutil -C reuses it). */
  onContentKey?: (key: Buffer) => void
}
