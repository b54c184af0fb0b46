/** Object identifiers of CMS (RFC 5652, 5083, 5753, 3565, 8551) that this module reads or writes. */
export const CMS_OID = {
  data: '1.2.840.113549.1.7.1',
  signedData: '1.2.840.113549.1.7.2',
  envelopedData: '1.2.840.113549.1.7.3',
  digestedData: '1.2.840.113549.1.7.5',
  encryptedData: '1.2.840.113549.1.7.6',
  authEnvelopedData: '1.2.840.113549.1.9.16.1.23',
  // signed attributes
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  signingTime: '1.2.840.113549.1.9.5',
  smimeCapabilities: '1.2.840.113549.1.9.15',
  smimeEncryptionKeyPreference: '1.2.840.113549.1.9.16.2.11',
  /** Microsoft's twin of the encryption key preference; NSS writes both. */
  msEncryptionKeyPreference: '1.3.6.1.4.1.311.16.4',
  // key transport and agreement
  rsaEncryption: '1.2.840.113549.1.1.1',
  rsaesOaep: '1.2.840.113549.1.1.7',
  ecPublicKey: '1.2.840.10045.2.1',
  dhSinglePassSha1: '1.3.133.16.840.63.0.2',
  dhSinglePassSha224: '1.3.132.1.11.0',
  dhSinglePassSha256: '1.3.132.1.11.1',
  dhSinglePassSha384: '1.3.132.1.11.2',
  dhSinglePassSha512: '1.3.132.1.11.3',
  dhCofactorSha1: '1.3.133.16.840.63.0.3',
  dhCofactorSha224: '1.3.132.1.14.0',
  dhCofactorSha256: '1.3.132.1.14.1',
  dhCofactorSha384: '1.3.132.1.14.2',
  dhCofactorSha512: '1.3.132.1.14.3',
  aes128Wrap: '2.16.840.1.101.3.4.1.5',
  aes192Wrap: '2.16.840.1.101.3.4.1.25',
  aes256Wrap: '2.16.840.1.101.3.4.1.45',
  // content encryption
  aes128Cbc: '2.16.840.1.101.3.4.1.2',
  aes192Cbc: '2.16.840.1.101.3.4.1.22',
  aes256Cbc: '2.16.840.1.101.3.4.1.42',
  aes128Gcm: '2.16.840.1.101.3.4.1.6',
  aes192Gcm: '2.16.840.1.101.3.4.1.26',
  aes256Gcm: '2.16.840.1.101.3.4.1.46',
} as const

/** Names for `--json` and messages. */
export const CONTENT_TYPE_NAMES: Readonly<Record<string, string>> = {
  [CMS_OID.data]: 'data',
  [CMS_OID.signedData]: 'signedData',
  [CMS_OID.envelopedData]: 'envelopedData',
  [CMS_OID.digestedData]: 'digestedData',
  [CMS_OID.encryptedData]: 'encryptedData',
  [CMS_OID.authEnvelopedData]: 'authEnvelopedData',
}
