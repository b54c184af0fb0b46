/**
 * Choosing the user among the entries a certmap search returned (389-ds
 * `ldapu_cert_to_ldap_entry` / `ldapu_cert_to_user` outcomes): exactly one
 * entry must remain, and its uid is the login name.
 */
import type {CertmapQuery, CertmapRefusal} from './certmap_query.js'

export interface CertmapCandidate {
  readonly dn: string
  readonly uid: string | null
  /** The entry's userCertificate values (DER). */
  readonly certificates: readonly Buffer[]
}

export interface CertmapUser {
  readonly refused: false
  readonly user: string
}

/**
 * With verifycert on, an entry counts only if it stores the presented
 * certificate byte for byte; that is also how one entry wins among several.
 * Without it, several entries are a failure: guessing would log in as the
 * wrong user.
 */
export function selectEntry(query: CertmapQuery, candidates: readonly CertmapCandidate[], presentedDer: Buffer): CertmapUser | CertmapRefusal {
  const where = `(map "${query.mapName}")`
  // The DN-attribute and fallback searches may both return an entry.
  const seen = new Set<string>()
  let entries = candidates.filter((c) => {
    const key = c.dn.toLowerCase()
    if (seen.has(key)) return false
    seen.add(key)
    return true
  })
  if (entries.length === 0) return refuse(`certificate maps to no entry ${where}`)
  if (query.verifyCert) {
    const found = entries.length
    entries = entries.filter((c) => c.certificates.some((der) => der.equals(presentedDer)))
    if (entries.length === 0) return refuse(`no entry holds this certificate ${where}; ${found} found, verifycert is on`)
  }
  if (entries.length > 1) return refuse(`certificate maps to ${entries.length} entries ${where}`)
  const entry = entries[0]!
  // The DN comes from the directory: control characters in it must not split the log line.
  if (entry.uid === null || entry.uid === '') return refuse(`entry "${entry.dn.replace(/[\x00-\x1f\x7f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`)}" has no uid ${where}`)
  return Object.freeze({refused: false, user: entry.uid})
}

function refuse(reason: string): CertmapRefusal {
  return Object.freeze({refused: true, reason})
}
