/**
 * PKCS #12 (RFC 7292): reading and writing PFX files, their password-based
 * encryption (PKCS #12 PBE, PBES2/PBKDF2) and MAC, and moving their
 * contents into and out of the store for pk12util. Pure: no printing, no
 * exits; failures are typed errors.
 */
export {Pkcs12Error} from './errors.js'
export type {Pkcs12Failure} from './errors.js'
export {P12_OID, NSS_DESCRIPTION, describeOid, DIGESTS, digestByOid} from './oids.js'
export type {DigestInfo} from './oids.js'
export {bmpPassword, passwordBytes} from './password.js'
export {pkcs12Kdf, KDF_PURPOSE} from './pkcs12_kdf.js'
export {parsePbeAlgorithm, pbeDecrypt, pbeEncrypt} from './password_based_encryption.js'
export type {PbeScheme, PbeChoice, Pkcs12PbeScheme, Pbes2Scheme, UnsupportedScheme, Pbkdf2Parameters} from './password_based_encryption.js'
export {computeMac} from './mac.js'
export {decodePfx, certHasKey} from './pfx_decode.js'
export type {DecodedPfx, Pkcs12Bag, KeyBag, ShroudedKeyBag, CertBag, OtherBag, SafeInfo, MacInfo, BagAttribute} from './pfx_decode.js'
export {encodePfx} from './pfx_encode.js'
export type {EncodeOptions, ExportCertificate, ExportKey} from './pfx_encode.js'
export {
  DEFAULT_ITERATIONS, DEFAULT_KEY_CIPHER, DEFAULT_CERT_CIPHER, DEFAULT_MAC, parseMacAlgorithm, parseCipher, UnwritableSchemeError,
} from './export_algorithms.js'
export {baseNickname, derivedNickname} from './nickname.js'
export {importPfx} from './store_import.js'
export type {ImportOptions, ImportResult, ImportedCertificate, ImportedKey, NicknameSource} from './store_import.js'
export {findUserCertificates, exportToPfx, EXIT_FIND_CERT} from './store_export.js'
export type {ExportSummary} from './store_export.js'
