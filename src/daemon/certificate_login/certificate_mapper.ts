import {certmapQuery, selectEntry, type CertmapCandidate, type CertmapConfig, type CertmapQuery} from '../../core/auth/certmap/index.js'
import {Certificate} from '../../core/pki/x509_certificate.js'

/** The directory side of certificate login: the entries a certmap query finds. */
export interface CertmapSearch {
  /**
   * Entries matching the query, each with the login name the directory gives
   * it (its uid, or uid@domain where domains are in use) and, when the query
   * verifies certificates, its stored certificates. Throws a
   * CertmapUnsupported for a query this directory cannot answer.
   */
  candidates(query: CertmapQuery): Promise<CertmapCandidate[]>
}

/** A query the directory cannot run (the embedded directory knows only uid and mail). */
export class CertmapUnsupported extends Error {
  override readonly name = 'CertmapUnsupported'
}

/**
 * Certificate login (the seed's certmap.conf): from a client certificate the
 * TLS layer has already verified against the CAs trusted for client
 * certificates, to exactly one user, or to none with a logged reason.
 */
export class CertificateMapper {
  constructor(
    private readonly config: CertmapConfig,
    private readonly search: CertmapSearch,
    private readonly log: (line: string) => void,
  ) {}

  async map(der: Buffer): Promise<string | null> {
    let certificate: Certificate
    try {
      certificate = Certificate.fromDer(der)
    } catch (err) {
      this.log(`certificate login refused: the client certificate cannot be read (${(err as Error).message})`)
      return null
    }
    const subject = certificate.subject.text
    const query = certmapQuery(this.config, certificate)
    if (query.refused) {
      this.log(`certificate login refused for "${subject}": ${query.reason}`)
      return null
    }
    let candidates: CertmapCandidate[]
    try {
      candidates = await this.search.candidates(query)
    } catch (err) {
      this.log(`certificate login refused for "${subject}": ${err instanceof CertmapUnsupported ? err.message : `the directory could not be searched (${(err as Error).message})`}`)
      return null
    }
    const outcome = selectEntry(query, candidates, der)
    if (outcome.refused) {
      this.log(`certificate login refused for "${subject}": ${outcome.reason}`)
      return null
    }
    this.log(`certificate "${subject}" maps to ${outcome.user} (map "${query.mapName}")`)
    return outcome.user
  }
}
