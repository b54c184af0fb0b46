/**
 * The two ways a PKCS #12 password becomes bytes.
 *
 * The PKCS #12 KDF (MAC keys, the SHA-1 PBE ciphers) takes the password as
 * a BMPString: UTF-16 big-endian with a two-byte zero terminator (RFC 7292
 * Appendix B.1). PBES2 inside a PKCS #12 file takes the UTF-8 bytes, as
 * OpenSSL and NSS both do (observed: a non-ASCII password round-trips
 * between them in both schemes).
 *
 * The empty password is ambiguous in the wild: most tools encode it as the
 * bare terminator (00 00), some as no bytes at all. Readers try both.
 */

export interface PasswordBytes {
  /** For the PKCS #12 KDF. */
  readonly bmp: Buffer
  /** For PBES2 / PBKDF2. */
  readonly utf8: Buffer
}

/** BMPString form with its terminator. */
export function bmpPassword(password: string): Buffer {
  const utf16 = Buffer.from(password + '\0', 'utf16le')
  utf16.swap16()
  return utf16
}

export function passwordBytes(password: string): PasswordBytes {
  return {bmp: bmpPassword(password), utf8: Buffer.from(password, 'utf8')}
}

/** The encodings a reader should try for `password`, most common first. */
export function passwordCandidates(password: string): PasswordBytes[] {
  const usual = passwordBytes(password)
  return password === '' ? [usual, {bmp: Buffer.alloc(0), utf8: usual.utf8}] : [usual]
}
