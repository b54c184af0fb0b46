import type {Directory} from '../session_types.js'
import type {CertificateMapper} from './certificate_mapper.js'

/** The snapshot's directory with certificate login added (its mapCertificate is the certmap mapper). */
export function withCertificateLogin(directory: Directory, mapper: CertificateMapper): Directory {
  return {
    verifyPassword: (user, password) => directory.verifyPassword(user, password),
    lookup: (user) => directory.lookup(user),
    ...(directory.lookupAsync ? {lookupAsync: (user: string) => directory.lookupAsync!(user)} : {}),
    ...(directory.cleartextPassword ? {cleartextPassword: (user: string) => directory.cleartextPassword!(user)} : {}),
    ...(directory.scramCredentials ? {scramCredentials: directory.scramCredentials.bind(directory)} : {}),
    ...(directory.isStoreAdministrator ? {isStoreAdministrator: (user: string) => directory.isStoreAdministrator!(user)} : {}),
    ...(directory.mailAddress ? {mailAddress: (user: string) => directory.mailAddress!(user)} : {}),
    mapCertificate: (der) => mapper.map(der),
  }
}
