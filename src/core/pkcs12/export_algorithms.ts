/**
 * pk12util's -c, -C and -M: algorithm names as NSS takes them (its OID
 * descriptions, compared without regard to case), mapped the way NSS 3.87
 * maps them (observed with `openssl pkcs12 -info` on its exports):
 *
 * - a block cipher with a PBES2 form (AES, Camellia) gives PBES2 with
 *   PBKDF2, whose PRF is HMAC with the -M digest (HMAC-SHA-1 when that
 *   digest has no HMAC PRF, e.g. MD5);
 * - DES-EDE3-CBC, RC2-CBC and RC4 give the PKCS #12 SHA-1 PBE scheme for
 *   that cipher (RC2 and RC4: 128-bit, or 40-bit with a key length of 40);
 * - DES-CBC gives PKCS #5 v1 "with SHA-1 and DES-CBC" (PBES1), as do the
 *   full PBES1 names (MD5 or SHA-1; not MD2, which OpenSSL 3 lacks);
 * - a full PKCS #12 PBE name gives that scheme.
 *
 * The defaults are NSS 3.87's: AES-256-CBC for keys, AES-128-CBC for
 * certificates, SHA-256 for the MAC, 600000 iterations.
 */
import {Pkcs12Error} from './errors.js'
import {DIGESTS, NSS_DESCRIPTION, P12_OID, type DigestInfo} from './oids.js'
import {isWritablePbes1, isWritablePbes2Cipher, isWritablePkcs12Pbe, type PbeChoice} from './password_based_encryption.js'

/** NSS_PBE_DEFAULT_ITERATION_COUNT in NSS 3.87 release builds. */
export const DEFAULT_ITERATIONS = 600000
export const DEFAULT_KEY_CIPHER = 'AES-256-CBC'
export const DEFAULT_CERT_CIPHER = 'AES-128-CBC'
export const DEFAULT_MAC = 'SHA-256'

const invalid = (name: string): never => {
  throw new Pkcs12Error('algorithm', `Algorithm: "${name}": SEC_ERROR_INVALID_ALGORITHM: security library: invalid algorithm.`)
}

/** The OID whose NSS description is `name` (any case), among `candidates`. */
function oidNamed(name: string, candidates: readonly string[]): string | undefined {
  const wanted = name.toLowerCase()
  return candidates.find((oid) => NSS_DESCRIPTION[oid]?.toLowerCase() === wanted)
}

const DIGEST_OIDS = DIGESTS.map((d) => d.oid)

/** -M: SHA-1, SHA-224, SHA-256 (default), SHA-384, SHA-512 or MD5. */
export function parseMacAlgorithm(name: string | undefined): DigestInfo {
  const oid = oidNamed(name ?? DEFAULT_MAC, DIGEST_OIDS)
  return DIGESTS.find((d) => d.oid === oid) ?? invalid(name ?? DEFAULT_MAC)
}

const PBES2_CIPHER_OIDS = [P12_OID.aes128Cbc, P12_OID.aes192Cbc, P12_OID.aes256Cbc, P12_OID.camellia128Cbc, P12_OID.camellia192Cbc, P12_OID.camellia256Cbc]
const PKCS12_PBE_OIDS = [P12_OID.pbeSha1Rc4_128, P12_OID.pbeSha1Rc4_40, P12_OID.pbeSha1TripleDes, P12_OID.pbeSha1TwoKeyTripleDes, P12_OID.pbeSha1Rc2_128, P12_OID.pbeSha1Rc2_40]
const SHA1 = DIGESTS.find((d) => d.oid === P12_OID.sha1) as DigestInfo

/** Plain cipher names NSS turns into a PKCS #12 PBE scheme, by key length in bits. */
const CIPHER_TO_PKCS12: Readonly<Record<string, Readonly<Record<number, string>>>> = {
  'des-ede3-cbc': {192: P12_OID.pbeSha1TripleDes},
  'rc2-cbc': {128: P12_OID.pbeSha1Rc2_128, 40: P12_OID.pbeSha1Rc2_40},
  rc4: {128: P12_OID.pbeSha1Rc4_128, 40: P12_OID.pbeSha1Rc4_40},
}
const DEFAULT_BITS: Readonly<Record<string, number>> = {'des-ede3-cbc': 192, 'rc2-cbc': 128, rc4: 128}

/** The reasons an export cannot use a named scheme that NSS itself knows. */
export class UnwritableSchemeError extends Pkcs12Error {}

/**
 * -c / -C: the scheme for `name` (null for -C NONE). `keyBits` is
 * --key_len / --cert_key_len, which only the variable-length ciphers use.
 */
export function parseCipher(name: string, keyBits: number | undefined, mac: DigestInfo, allowNone: boolean): PbeChoice | null {
  const lower = name.toLowerCase()
  if (allowNone && lower === 'none') return null
  const pbes2 = oidNamed(name, PBES2_CIPHER_OIDS)
  if (pbes2 !== undefined) {
    if (!isWritablePbes2Cipher(pbes2)) invalid(name)
    return {kind: 'pbes2', cipherOid: pbes2, prf: mac.hmacOid ? mac : SHA1}
  }
  if (lower === 'des-cbc') return {kind: 'pbes1', oid: P12_OID.pbeSha1Des}
  const pbes1 = oidNamed(name, [P12_OID.pbeMd5Des, P12_OID.pbeSha1Des])
  if (pbes1 !== undefined && isWritablePbes1(pbes1)) return {kind: 'pbes1', oid: pbes1}
  const byCipher = CIPHER_TO_PKCS12[lower]
  if (byCipher !== undefined) return {kind: 'pkcs12', oid: byCipher[keyBits ?? (DEFAULT_BITS[lower] as number)] ?? invalid(name)}
  const pkcs12 = oidNamed(name, PKCS12_PBE_OIDS)
  if (pkcs12 !== undefined) {
    // NSS 3.87 knows two-key Triple DES by name but cannot make its safes (exit 27).
    if (pkcs12 === P12_OID.pbeSha1TwoKeyTripleDes) {
      throw new UnwritableSchemeError('algorithm', 'key or cert safe creation failed: SEC_ERROR_INVALID_KEY: The key does not support the requested operation.')
    }
    if (isWritablePkcs12Pbe(pkcs12)) return {kind: 'pkcs12', oid: pkcs12}
  }
  return invalid(name)
}
