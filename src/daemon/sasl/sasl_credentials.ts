/**
 * The directory as the core SASL mechanisms see it. Optional abilities are
 * passed on only when the directory has them, so a mechanism that needs one
 * (CRAM-MD5 without clear-text passwords, SCRAM without stored keys or
 * clear-text passwords, EXTERNAL without certmap) fails as
 * 'unavailable' instead of calling something that is not there.
 */
import type {SaslCredentials, ScramHash} from '../../core/auth/sasl/index.js'
import type {Directory} from '../session_types.js'

export function saslCredentials(directory: Directory): SaslCredentials {
  return {
    verifyPassword: (user, password) => directory.verifyPassword(user, password),
    lookup: (user) => directory.lookup(user),
    ...(directory.cleartextPassword ? {cleartextPassword: (user: string) => directory.cleartextPassword!(user)} : {}),
    ...(directory.mapCertificate ? {mapCertificate: (der: Buffer) => directory.mapCertificate!(der)} : {}),
    ...(directory.scramCredentials ? {scramCredentials: (user: string, hash: ScramHash) => directory.scramCredentials!(user, hash)} : {}),
  }
}
