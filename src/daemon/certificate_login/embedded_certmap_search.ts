import {findUser, findUserByMail, type MailUser} from '../../core/auth/index.js'
import type {CertmapCandidate, CertmapQuery} from '../../core/auth/certmap/index.js'
import {findCertificates} from '../../core/certdb/index.js'
import type {Store} from '../../core/store/index.js'
import {CertmapUnsupported, type CertmapSearch} from './certificate_mapper.js'

/**
 * certmap over the embedded directory, which is no LDAP tree: FilterComps
 * may use `uid` (the user name) and `e`/`mail` (the address set with
 * `msgctl user add --mail`), all of which must name the same user; DNComps
 * has no tree to select and is ignored. A user's "stored certificates" for
 * verifycert are the store's certificates carrying that user's address.
 */
export class EmbeddedCertmapSearch implements CertmapSearch {
  constructor(private readonly store: Store) {}

  async candidates(query: CertmapQuery): Promise<CertmapCandidate[]> {
    if (query.attributes.length === 0) {
      throw new CertmapUnsupported(`map "${query.mapName}" has no FilterComps; the embedded directory finds users by uid or e-mail address only (FilterComps e or uid)`)
    }
    let user: MailUser | null | undefined
    for (const {attribute, value} of query.attributes) {
      let found: MailUser | null
      if (attribute === 'uid') found = findUser(this.store, value)
      else if (attribute === 'mail') found = findUserByMail(this.store, value)
      else throw new CertmapUnsupported(`map "${query.mapName}" filters on ${attribute}, which the embedded directory does not keep (only uid and e)`)
      // Every component must name the same user, as (&(a=x)(b=y)) would.
      if (found === null || (user !== undefined && user?.name !== found.name)) return []
      user = found
    }
    if (!user) return []
    const certificates = query.verifyCert && user.mail ? findCertificates(this.store, user.mail).map((c) => c.certificate.der) : []
    return [{dn: `uid=${user.name}`, uid: user.name, certificates}]
  }
}
