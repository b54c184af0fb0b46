import type {LevelReport, SignerReport} from '../../core/cms/index.js'
import {dnAttribute, dnEmail, type Certificate} from '../../core/pki/index.js'

/** The signer's common name as NSS shows it in `signerN.id` (empty when unknown). */
export function signerName(s: SignerReport): string {
  return s.certificate ? (dnAttribute(s.certificate.subject, 'CN') ?? '') : ''
}

/**
 * cmsutil -D -h N: `SMIME: ` then, outermost first, `\tlevel=N.depth; type=...; `
 * with each signer on its own `\t\t` line; a certs-only message ends after
 * `nsigners=0; ` without a newline, and its depth still counts the data level
 * it announces (NSS 3.87, reference §4.3).
 */
export function renderHeader(levels: readonly LevelReport[], n: number): string {
  const certsOnly = levels.some((l) => l.certsOnly)
  const depthOf = (i: number) => levels.length - i + (certsOnly ? 1 : 0)
  let out = 'SMIME: '
  levels.forEach((l, i) => {
    out += `\tlevel=${n}.${depthOf(i)}; type=${l.type}; `
    if (l.type === 'signedData') {
      const signers = l.signers ?? []
      out += `nsigners=${signers.length}; `
      signers.forEach((s, j) => (out += `\n\t\tsigner${j}.id="${signerName(s)}"; signer${j}.status=${s.status}; `))
      if (l.certsOnly) return
    }
    out += '\n'
  })
  return out
}

function certJson(c: Certificate | null | undefined) {
  if (!c) return null
  return {subject: c.subject.text, issuer: c.issuer.text, serialNumber: c.serialNumber.toString(16), email: dnEmail(c.subject), notAfter: c.notAfter.toISOString()}
}

/** --json: the same facts as -h, with the certificates and reasons spelled out. */
export function reportJson(levels: readonly LevelReport[], contentBytes: number | null): unknown {
  return {
    levels: levels.map((l, i) => ({
      depth: levels.length - i,
      type: l.type,
      ...(l.type === 'signedData'
        ? {
            certsOnly: l.certsOnly === true,
            detached: l.detached === true,
            certificates: (l.certificates ?? []).map(certJson),
            signers: (l.signers ?? []).map((s, j) => ({
              index: j,
              id: signerName(s),
              status: s.status,
              error: s.error,
              detail: s.detail,
              digestAlgorithm: s.digestAlgorithm,
              signatureAlgorithm: s.signatureAlgorithm,
              signingTime: s.signingTime?.toISOString() ?? null,
              certificate: certJson(s.certificate),
            })),
          }
        : {}),
      ...(l.cipher ? {cipher: l.cipher} : {}),
      ...(l.recipients !== undefined ? {recipients: l.recipients, decryptedWith: certJson(l.recipient)} : {}),
    })),
    contentBytes,
  }
}
