/**
 * The PKI core: certificates, requests, keys, names, trust and passwords,
 * with NSS's formats and names. Pure: no printing, no files, no exits;
 * every refusal is a typed PkiError (a MsgctlError).
 *
 * node:crypto does every cryptographic operation; DER is read and written
 * by der.ts, which keeps exact bytes (see there for why not forge.asn1).
 */
export * from './errors.js'
export * as der from './der.js'

export {
  OID, HASH_NAMES, DEFAULT_HASH, EKU_NAMES, EXTENSION_NAMES,
  parseHashName, hashInfo, oidName, publicKeyAlgorithmName, parseCurveName, curveInfo, curveByOid, curveDisplayName,
  decodeAlgorithmIdentifier, encodeAlgorithmIdentifier, decodeRsaPssParameters, encodeRsaPssParameters,
  describeSignatureAlgorithm, decodeSignatureAlgorithm, chooseSignatureAlgorithm, signData, verifyData,
} from './algorithms.js'
export type {HashName, CurveName, AlgorithmIdentifier, RsaPssParameters, SignatureKind, SignatureAlgorithm, SignatureOptions} from './algorithms.js'

export {parseDn, nameFromRdns, decodeName, formatDn, formatDnValue, dnAttribute, dnEmail, attributeKeyword, attributeOid} from './dn.js'
export type {AttributeTypeAndValue, RelativeDistinguishedName, DistinguishedName} from './dn.js'

export {PEM_LABEL, CERTIFICATE_LABELS, REQUEST_LABELS, pemEncode, pemDecode, pemDecodeAll, looksLikeDer, decodeDerOrPem, identifyDer} from './pem.js'
export type {PemBlock, DecodedInput, DerKind} from './pem.js'

export {
  MIN_RSA_BITS, MAX_RSA_BITS, DEFAULT_RSA_BITS, RSA_EXPONENTS, DEFAULT_CURVE,
  parseKeyType, checkKeyGenerationOptions, generateKeyPair, publicKeyOf, exportSpki, exportPkcs8, importPkcs8, importSpki,
  describePublicKey, keyIdOf, keyMatches, nssKeyTypeName,
} from './keys.js'
export type {KeyType, KeyGenerationOptions, KeySpec, KeyPair} from './keys.js'

export {parseSubjectPublicKeyInfo} from './subject_public_key_info.js'
export type {PublicKeyType, RsaPublicKey, EcPublicKey, DsaPublicKey, SubjectPublicKeyInfo} from './subject_public_key_info.js'

export {parseIpAddress, formatIpAddress, decodeGeneralName, decodeGeneralNames, encodeGeneralName} from './general_name.js'
export type {GeneralName} from './general_name.js'

export {
  KEY_USAGE_BITS, NS_CERT_TYPE_BITS, EXT_KEY_USAGE_KEYWORDS, extKeyUsageName,
  decodeExtension, decodeExtensions, encodeExtension, encodeExtensions,
  keyUsageExtension, keyUsageExtensionFromNames, nsCertTypeExtension, extKeyUsageExtension, extKeyUsageExtensionFromOids,
  parseEmailList, parseDnsList, parseExtSan, subjectAltNameExtension, basicConstraintsExtension,
  subjectKeyIdentifierFor, subjectKeyIdentifierExtension, authorityKeyIdentifierExtension, parseExtGeneric, genericExtension,
} from './x509_extensions.js'
export type {
  KeyUsageName, NsCertTypeName, DecodedExtension, Extension, ExtensionSpec, BasicConstraintsOptions,
  AuthorityKeyIdentifierOptions, GenericExtensionRequest,
} from './x509_extensions.js'

export {Certificate} from './x509_certificate.js'
export {buildCertificate, addMonths, validityPeriod, defaultSerialNumber} from './x509_certificate_builder.js'
export type {CertificateTemplate, CertificateSigner, ValidityOptions} from './x509_certificate_builder.js'
export {signingPublicKey, signWith, type ExternalSigningKey, type SigningKey} from './signing_key.js'

export {CertificationRequest, buildCertificationRequest} from './certification_request.js'
export type {RequestAttribute, CertificationRequestTemplate} from './certification_request.js'

export {
  DEFAULT_KDF_PARAMETERS, TokenKey, createTokenSecret, createTokenSecretSync, unlockToken, unlockTokenSync,
} from './key_protection.js'
export type {KdfParameters, TokenSecret} from './key_protection.js'

export {
  TRUST, NO_TRUST, parseTrustString, requestsUserTrust, trustLevels, flagsFromLevels, storedTrust,
  formatTrustField, formatTrust, trustFieldLines, trustBlockLines,
} from './trust_flags.js'
export type {TrustFlags, TrustLevel, TrustLevels, TrustBlock} from './trust_flags.js'

export {PASSWORD_FILE_MAX_BYTES, INTERNAL_TOKEN_NAME, passwordFromFile} from './password_file.js'
export {formatNssDate, parseNssTime} from './nss_time.js'
