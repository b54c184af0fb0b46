import {Certificate, dnEmail, NO_TRUST, type TrustFlags} from '../pki/index.js'
import type {Store} from '../store/index.js'
import {CertDbError} from './errors.js'

/** A stored certificate with its trust and whether its private key is present. */
export interface StoredCertificate {
  readonly id: number
  readonly nickname: string
  readonly certificate: Certificate
  readonly trust: TrustFlags
  readonly hasPrivateKey: boolean
}

interface Row {
  id: number
  nickname: string
  der: Buffer
  trust_ssl: number
  trust_email: number
  trust_objsign: number
  has_key: number
}

const SELECT = `
  SELECT c.id, c.nickname, c.der, c.trust_ssl, c.trust_email, c.trust_objsign,
         EXISTS (SELECT 1 FROM private_key k WHERE k.key_id = c.key_id) AS has_key
  FROM certificate c`

function fromRow(r: Row): StoredCertificate {
  return {
    id: r.id,
    nickname: r.nickname,
    certificate: Certificate.fromDer(r.der),
    trust: {ssl: r.trust_ssl, email: r.trust_email, objectSigning: r.trust_objsign},
    hasPrivateKey: r.has_key === 1,
  }
}

/** The e-mail address NSS files a certificate under: the subject's, else the first SAN rfc822Name. */
function emailOf(cert: Certificate): string | null {
  const fromDn = dnEmail(cert.subject)
  if (fromDn) return fromDn.toLowerCase()
  const san = cert.subjectAltNames.find((n) => n.type === 'rfc822Name')
  return san && san.type === 'rfc822Name' ? san.value.toLowerCase() : null
}

/**
 * Add a certificate (certutil -A/-E/-S, pk12util -i). A nickname already
 * used for a different subject is a clash, as in NSS; the same certificate
 * twice is refused rather than silently duplicated.
 */
export function addCertificate(store: Store, nickname: string, cert: Certificate, trust: TrustFlags = NO_TRUST): StoredCertificate {
  if (nickname.trim() === '') throw new CertDbError('the nickname is empty; give -n NAME')
  return store.write(() => {
    const same = store.db.prepare(`SELECT nickname FROM certificate WHERE sha256 = ?`).get(cert.fingerprintSha256) as {nickname: string} | undefined
    if (same) throw new CertDbError(`this certificate is already in the store as "${same.nickname}"`)
    const clash = store.db.prepare(`SELECT subject FROM certificate WHERE nickname = ? AND subject <> ? LIMIT 1`).get(nickname, cert.subject.text) as {subject: string} | undefined
    if (clash) throw new CertDbError(`the nickname "${nickname}" is already used by a certificate for a different subject ("${clash.subject}"); choose another -n`)
    const serialTaken = store.db.prepare(`SELECT nickname FROM certificate WHERE issuer_der = ? AND serial = ?`).get(cert.issuer.der, cert.serialNumberBytes) as {nickname: string} | undefined
    if (serialTaken) throw new CertDbError(`"${serialTaken.nickname}" already has serial number ${cert.serialNumber} from the same issuer; give another -m`)
    const info = store.db
      .prepare(
        `INSERT INTO certificate (nickname, der, sha256, subject, issuer, issuer_der, serial, key_id, email, not_before, not_after,
                                  trust_ssl, trust_email, trust_objsign, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        nickname, cert.der, cert.fingerprintSha256, cert.subject.text, cert.issuer.text, cert.issuer.der, cert.serialNumberBytes,
        cert.keyId, emailOf(cert), cert.notBefore.toISOString(), cert.notAfter.toISOString(),
        trust.ssl, trust.email, trust.objectSigning, new Date().toISOString(),
      )
    return fromRow(store.db.prepare(`${SELECT} WHERE c.id = ?`).get(info.lastInsertRowid) as Row)
  })
}

/** Every certificate, in the order added (NSS lists in token order, not sorted). */
export function listCertificates(store: Store): StoredCertificate[] {
  return (store.db.prepare(`${SELECT} ORDER BY c.id`).all() as Row[]).map(fromRow)
}

/** What the certutil -L table needs, read without decoding any certificate. */
export interface CertificateSummary {
  readonly nickname: string
  readonly trust: TrustFlags
  readonly hasPrivateKey: boolean
}

export function listCertificateSummaries(store: Store): CertificateSummary[] {
  const rows = store.db
    .prepare(
      `SELECT c.nickname, c.trust_ssl, c.trust_email, c.trust_objsign,
              EXISTS (SELECT 1 FROM private_key k WHERE k.key_id = c.key_id) AS has_key
       FROM certificate c ORDER BY c.id`,
    )
    .all() as Omit<Row, 'id' | 'der'>[]
  return rows.map((r) => ({nickname: r.nickname, trust: {ssl: r.trust_ssl, email: r.trust_email, objectSigning: r.trust_objsign}, hasPrivateKey: r.has_key === 1}))
}

/** Certificates with this nickname, or else with this e-mail address (as NSS looks up -n). */
export function findCertificates(store: Store, nicknameOrEmail: string): StoredCertificate[] {
  const byNick = store.db.prepare(`${SELECT} WHERE c.nickname = ? ORDER BY c.id`).all(nicknameOrEmail) as Row[]
  if (byNick.length > 0) return byNick.map(fromRow)
  return (store.db.prepare(`${SELECT} WHERE c.email = ? ORDER BY c.id`).all(nicknameOrEmail.toLowerCase()) as Row[]).map(fromRow)
}

/** The certificates issued under `subjectDer` (chain building). */
export function findBySubject(store: Store, subjectText: string): StoredCertificate[] {
  return (store.db.prepare(`${SELECT} WHERE c.subject = ? ORDER BY c.id`).all(subjectText) as Row[]).map(fromRow)
}

/** One certificate by nickname or e-mail, or the error certutil prints. */
export function requireCertificate(store: Store, nicknameOrEmail: string): StoredCertificate {
  const found = findCertificates(store, nicknameOrEmail)
  if (found.length === 0) throw new CertDbError(`could not find certificate named "${nicknameOrEmail}"`)
  // Several certificates under one nickname: the newest is the one NSS picks for use.
  return found.reduce((a, b) => (b.certificate.notBefore > a.certificate.notBefore ? b : a))
}

/** certutil -M: set the trust of every certificate with this nickname. */
export function setTrust(store: Store, nicknameOrEmail: string, trust: TrustFlags): number {
  return store.write(() => {
    const ids = findCertificates(store, nicknameOrEmail).map((c) => c.id)
    if (ids.length === 0) throw new CertDbError(`could not find certificate named "${nicknameOrEmail}"`)
    const upd = store.db.prepare(`UPDATE certificate SET trust_ssl = ?, trust_email = ?, trust_objsign = ? WHERE id = ?`)
    for (const id of ids) upd.run(trust.ssl, trust.email, trust.objectSigning, id)
    return ids.length
  })
}

/** certutil -D: delete the certificates (not their keys). */
export function deleteCertificates(store: Store, nicknameOrEmail: string): number {
  return store.write(() => {
    const ids = findCertificates(store, nicknameOrEmail).map((c) => c.id)
    if (ids.length === 0) throw new CertDbError(`could not find certificate named "${nicknameOrEmail}"`)
    const del = store.db.prepare(`DELETE FROM certificate WHERE id = ?`)
    for (const id of ids) del.run(id)
    return ids.length
  })
}

/** certutil --rename. */
export function renameCertificates(store: Store, oldName: string, newName: string): number {
  if (newName.trim() === '') throw new CertDbError('the new nickname is empty; give --new-n NAME')
  return store.write(() => {
    const n = store.db.prepare(`UPDATE certificate SET nickname = ? WHERE nickname = ?`).run(newName, oldName).changes
    if (n === 0) throw new CertDbError(`could not find certificate named "${oldName}"`)
    store.db.prepare(`UPDATE private_key SET nickname = ? WHERE nickname = ?`).run(newName, oldName)
    return n
  })
}
