/**
 * Object identifiers of PKCS #12 (RFC 7292), PKCS #5 (RFC 8018) and the
 * ciphers and hashes they name, with the descriptions NSS 3.87 prints and
 * accepts for them (its OID table; `pk12util -l`, `-c`, `-C`, `-M`).
 */

import {OID} from '../pki/algorithms.js'

export const P12_OID = {
  // PKCS #7 content types
  data: '1.2.840.113549.1.7.1',
  signedData: '1.2.840.113549.1.7.2',
  envelopedData: '1.2.840.113549.1.7.3',
  encryptedData: '1.2.840.113549.1.7.6',
  // PKCS #12 bag types
  keyBag: '1.2.840.113549.1.12.10.1.1',
  pkcs8ShroudedKeyBag: '1.2.840.113549.1.12.10.1.2',
  certBag: '1.2.840.113549.1.12.10.1.3',
  crlBag: '1.2.840.113549.1.12.10.1.4',
  secretBag: '1.2.840.113549.1.12.10.1.5',
  safeContentsBag: '1.2.840.113549.1.12.10.1.6',
  // certificate and CRL types inside bags
  x509Certificate: '1.2.840.113549.1.9.22.1',
  sdsiCertificate: '1.2.840.113549.1.9.22.2',
  x509Crl: '1.2.840.113549.1.9.23.1',
  // bag attributes
  friendlyName: '1.2.840.113549.1.9.20',
  localKeyId: '1.2.840.113549.1.9.21',
  // PKCS #12 password-based encryption
  pbeSha1Rc4_128: '1.2.840.113549.1.12.1.1',
  pbeSha1Rc4_40: '1.2.840.113549.1.12.1.2',
  pbeSha1TripleDes: '1.2.840.113549.1.12.1.3',
  pbeSha1TwoKeyTripleDes: '1.2.840.113549.1.12.1.4',
  pbeSha1Rc2_128: '1.2.840.113549.1.12.1.5',
  pbeSha1Rc2_40: '1.2.840.113549.1.12.1.6',
  // PKCS #5
  pbeMd2Des: '1.2.840.113549.1.5.1',
  pbeMd5Des: '1.2.840.113549.1.5.3',
  pbeSha1Des: '1.2.840.113549.1.5.10',
  pbkdf2: '1.2.840.113549.1.5.12',
  pbes2: '1.2.840.113549.1.5.13',
  // PBKDF2 pseudo-random functions
  hmacSha1: '1.2.840.113549.2.7',
  hmacSha224: '1.2.840.113549.2.8',
  hmacSha256: '1.2.840.113549.2.9',
  hmacSha384: '1.2.840.113549.2.10',
  hmacSha512: '1.2.840.113549.2.11',
  // ciphers
  aes128Cbc: '2.16.840.1.101.3.4.1.2',
  aes192Cbc: '2.16.840.1.101.3.4.1.22',
  aes256Cbc: '2.16.840.1.101.3.4.1.42',
  desEde3Cbc: '1.2.840.113549.3.7',
  desCbc: '1.3.14.3.2.7',
  rc2Cbc: '1.2.840.113549.3.2',
  camellia128Cbc: '1.2.392.200011.61.1.1.1.2',
  camellia192Cbc: '1.2.392.200011.61.1.1.1.3',
  camellia256Cbc: '1.2.392.200011.61.1.1.1.4',
  seedCbc: '1.2.410.200004.1.4',
  // digests: the ones certificates use too
  md2: OID.md2,
  md5: OID.md5,
  sha1: OID.sha1,
  sha224: OID.sha224,
  sha256: OID.sha256,
  sha384: OID.sha384,
  sha512: OID.sha512,
} as const

/** NSS's description of each OID above, as `pk12util -l` prints it (the two PKCS #5 v2 names end in a space). */
export const NSS_DESCRIPTION: Readonly<Record<string, string>> = {
  [P12_OID.data]: 'PKCS #7 Data',
  [P12_OID.signedData]: 'PKCS #7 Signed Data',
  [P12_OID.envelopedData]: 'PKCS #7 Enveloped Data',
  [P12_OID.encryptedData]: 'PKCS #7 Encrypted Data',
  [P12_OID.keyBag]: 'PKCS #12 V1 Key Bag',
  [P12_OID.pkcs8ShroudedKeyBag]: 'PKCS #12 V1 PKCS8 Shrouded Key Bag',
  [P12_OID.certBag]: 'PKCS #12 V1 Cert Bag',
  [P12_OID.crlBag]: 'PKCS #12 V1 CRL Bag',
  [P12_OID.secretBag]: 'PKCS #12 V1 Secret Bag',
  [P12_OID.safeContentsBag]: 'PKCS #12 V1 Safe Contents Bag',
  [P12_OID.pbeSha1Rc4_128]: 'PKCS #12 V2 PBE With SHA-1 And 128 Bit RC4',
  [P12_OID.pbeSha1Rc4_40]: 'PKCS #12 V2 PBE With SHA-1 And 40 Bit RC4',
  [P12_OID.pbeSha1TripleDes]: 'PKCS #12 V2 PBE With SHA-1 And 3KEY Triple DES-CBC',
  [P12_OID.pbeSha1TwoKeyTripleDes]: 'PKCS #12 V2 PBE With SHA-1 And 2KEY Triple DES-CBC',
  [P12_OID.pbeSha1Rc2_128]: 'PKCS #12 V2 PBE With SHA-1 And 128 Bit RC2 CBC',
  [P12_OID.pbeSha1Rc2_40]: 'PKCS #12 V2 PBE With SHA-1 And 40 Bit RC2 CBC',
  [P12_OID.pbeMd2Des]: 'PKCS #5 Password Based Encryption with MD2 and DES-CBC',
  [P12_OID.pbeMd5Des]: 'PKCS #5 Password Based Encryption with MD5 and DES-CBC',
  [P12_OID.pbeSha1Des]: 'PKCS #5 Password Based Encryption with SHA-1 and DES-CBC',
  [P12_OID.pbkdf2]: 'PKCS #5 Password Based Key Dervive Function v2 ',
  [P12_OID.pbes2]: 'PKCS #5 Password Based Encryption v2 ',
  [P12_OID.hmacSha1]: 'HMAC SHA-1',
  [P12_OID.hmacSha224]: 'HMAC SHA-224',
  [P12_OID.hmacSha256]: 'HMAC SHA-256',
  [P12_OID.hmacSha384]: 'HMAC SHA-384',
  [P12_OID.hmacSha512]: 'HMAC SHA-512',
  [P12_OID.aes128Cbc]: 'AES-128-CBC',
  [P12_OID.aes192Cbc]: 'AES-192-CBC',
  [P12_OID.aes256Cbc]: 'AES-256-CBC',
  [P12_OID.desEde3Cbc]: 'DES-EDE3-CBC',
  [P12_OID.desCbc]: 'DES-CBC',
  [P12_OID.rc2Cbc]: 'RC2-CBC',
  [P12_OID.camellia128Cbc]: 'CAMELLIA-128-CBC',
  [P12_OID.camellia192Cbc]: 'CAMELLIA-192-CBC',
  [P12_OID.camellia256Cbc]: 'CAMELLIA-256-CBC',
  [P12_OID.seedCbc]: 'SEED-CBC',
  [P12_OID.md2]: 'MD2',
  [P12_OID.md5]: 'MD5',
  [P12_OID.sha1]: 'SHA-1',
  [P12_OID.sha224]: 'SHA-224',
  [P12_OID.sha256]: 'SHA-256',
  [P12_OID.sha384]: 'SHA-384',
  [P12_OID.sha512]: 'SHA-512',
}

/** NSS's name for an OID, or the dotted form NSS falls back to. */
export function describeOid(oid: string): string {
  return NSS_DESCRIPTION[oid] ?? `OID.${oid}`
}

/** A digest node:crypto can compute, with the sizes the PKCS #12 KDF needs. */
export interface DigestInfo {
  readonly oid: string
  /** node:crypto's name. */
  readonly node: string
  /** Output bytes (u in RFC 7292 Appendix B). */
  readonly size: number
  /** Input block bytes (v). */
  readonly block: number
  /** The HMAC PRF OID for PBKDF2 with this digest, when there is one. */
  readonly hmacOid: string | null
}

export const DIGESTS: readonly DigestInfo[] = [
  {oid: P12_OID.md5, node: 'md5', size: 16, block: 64, hmacOid: null},
  {oid: P12_OID.sha1, node: 'sha1', size: 20, block: 64, hmacOid: P12_OID.hmacSha1},
  {oid: P12_OID.sha224, node: 'sha224', size: 28, block: 64, hmacOid: P12_OID.hmacSha224},
  {oid: P12_OID.sha256, node: 'sha256', size: 32, block: 64, hmacOid: P12_OID.hmacSha256},
  {oid: P12_OID.sha384, node: 'sha384', size: 48, block: 128, hmacOid: P12_OID.hmacSha384},
  {oid: P12_OID.sha512, node: 'sha512', size: 64, block: 128, hmacOid: P12_OID.hmacSha512},
]

export function digestByOid(oid: string): DigestInfo | undefined {
  return DIGESTS.find((d) => d.oid === oid)
}

export function digestByHmacOid(oid: string): DigestInfo | undefined {
  return DIGESTS.find((d) => d.hmacOid === oid)
}
