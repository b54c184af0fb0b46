/**
 * The directory check behind every password login (USER/PASS, PLAIN,
 * LOGIN), with the authorization-identity rule of RFC 4616 §2: an empty
 * authzid, or one naming the same user, acts as that user; acting as someone
 * else (proxy authorization) is refused, as no user may proxy yet.
 */
import type {Directory} from '../../session_types.js'

/** Resolves to the canonical user name, or null on any failure. */
export async function checkPassword(directory: Directory, authcid: string, password: string, authzid = ''): Promise<string | null> {
  const user = await directory.verifyPassword(authcid, password)
  if (user === null) return null
  if (authzid !== '' && authzid !== authcid && authzid !== user) return null
  return user
}
