/**
 * `certutil -L`: the nickname / trust table (reference §1.5.1).
 * Nicknames are padded to 60 columns, never cut; trust to 5.
 */

export interface CertListRow {
  readonly nickname: string
  /** The trust column, e.g. `CTu,Cu,Cu` (see formatTrust). */
  readonly trust: string
}

const row = (left: string, right: string): string => `${left.padEnd(60)} ${right.padEnd(5)}\n`

/** The header alone (what an empty database prints). */
export const CERT_LIST_HEADER = '\n' + row('Certificate Nickname', 'Trust Attributes') + row('', 'SSL,S/MIME,JAR/XPI') + '\n'

export function renderCertList(rows: readonly CertListRow[]): string {
  return CERT_LIST_HEADER + rows.map((r) => row(r.nickname, r.trust)).join('')
}
