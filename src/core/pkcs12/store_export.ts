/**
 * pk12util -o: gather a certificate with its key and issuer chain from the
 * store and encode them. As NSS 3.87 exports: every certificate with a key
 * under the nickname (NSS's "user certs"), each leaf's key and certificate
 * with friendlyName = nickname and localKeyID = SHA-1 of the certificate,
 * and the issuers found in the store up to the root, with their nicknames
 * and no localKeyID.
 */
import {buildChain, CertDbError, findCertificates, loadPrivateKey, type StoredCertificate} from '../certdb/index.js'
import {exportPkcs8, type TokenKey} from '../pki/index.js'
import type {Store} from '../store/index.js'
import {encodePfx, type EncodeOptions, type ExportCertificate, type ExportKey} from './pfx_encode.js'

/** pk12util's status when the nickname finds nothing to export (reference §3.4). */
export const EXIT_FIND_CERT = 24

/** The certificates with keys that `nickname` names; fails as NSS does when there are none. */
export function findUserCertificates(store: Store, nickname: string): StoredCertificate[] {
  const found = findCertificates(store, nickname)
  if (found.length === 0) {
    throw new CertDbError('find user certs from nickname failed: SEC_ERROR_UNKNOWN_CERT: The requested certificate could not be found.', EXIT_FIND_CERT)
  }
  const withKeys = found.filter((c) => c.hasPrivateKey)
  if (withKeys.length === 0) throw new CertDbError('no user certs from given nickname', EXIT_FIND_CERT)
  return withKeys
}

export interface ExportSummary {
  readonly der: Buffer
  /** Nicknames of the certificates written, in file order. */
  readonly certificates: readonly string[]
  readonly keys: number
}

export function exportToPfx(store: Store, tokenKey: TokenKey, leaves: readonly StoredCertificate[], options: EncodeOptions): ExportSummary {
  const keys: ExportKey[] = []
  const certs: ExportCertificate[] = []
  const written: string[] = []
  const seen = new Set<string>()
  const addCert = (c: StoredCertificate, localKeyId: Buffer | null): void => {
    const fp = c.certificate.fingerprintSha256.toString('hex')
    if (seen.has(fp)) return
    seen.add(fp)
    certs.push({der: c.certificate.der, friendlyName: c.nickname, localKeyId})
    written.push(c.nickname)
  }
  for (const leaf of leaves) {
    const localKeyId = leaf.certificate.fingerprintSha1
    const key = loadPrivateKey(store, tokenKey, leaf.certificate.keyId)
    keys.push({pkcs8: exportPkcs8(key), friendlyName: leaf.nickname, localKeyId})
    for (const issuer of buildChain(store, leaf).slice(1)) addCert(issuer, null)
    addCert(leaf, localKeyId)
  }
  return {der: encodePfx(keys, certs, options), certificates: written, keys: keys.length}
}
