import {listCertificates} from '../core/certdb/index.js'
import {TRUST} from '../core/pki/index.js'
import type {Store} from '../core/store/index.js'
import {EmbeddedDirectory} from './embedded_directory.js'
import {LdapDirectory, LdapConfigError} from './ldap_directory.js'
import type {Directory} from './session_types.js'

/** The parameters an LDAP directory is built from; a reload rebuilds it only when one of them changed. */
const LDAP_PARAMETERS = [
  'local.ugldaphost',
  'local.ugldapport',
  'local.ugldapusessl',
  'local.ugldapbasedn',
  'local.ugldapbinddn',
  'local.ugldapbindcred',
  'local.ldapcheckcert',
  'sasl.default.ldap.searchfilter',
  'sasl.default.ldap.searchfordomain',
  'sasl.default.ldap.has_plain_passwords',
  'sasl.default.auto_transition',
  'local.store.admingroupdn',
]

export interface DirectoryChoice {
  readonly directory: Directory
  /** Identifies the settings it was built from. */
  readonly key: string
  close(): Promise<void>
}

/**
 * The user directory of a snapshot: LDAP when local.ugldaphost names a
 * server, else the store's embedded one. An unchanged LDAP configuration
 * keeps the directory (and its connections and cache) of the previous
 * snapshot; a broken one refuses the snapshot with the reason.
 */
export function chooseDirectory(store: Store, get: (name: string) => string, previous: DirectoryChoice | null, log: (line: string) => void): DirectoryChoice {
  if (get('local.ugldaphost').trim() === '') {
    const autoTransition = get('sasl.default.auto_transition') === 'yes'
    const key = `embedded:${autoTransition}`
    if (previous?.key === key) return previous
    return {directory: new EmbeddedDirectory(store, {autoTransition, log}), key, close: async () => undefined}
  }
  // LDAPS servers are checked against the CAs the store trusts for SSL (trust C); a change of trust rebuilds the directory too.
  const caCertificates = listCertificates(store)
    .filter((c) => c.trust.ssl & TRUST.TRUSTED_CA)
    .map((c) => c.certificate.toPem())
  const key = JSON.stringify([...LDAP_PARAMETERS.map((n) => get(n)), ...caCertificates])
  if (previous?.key === key) return previous
  try {
    const ldap = new LdapDirectory(get, {caCertificates, log})
    return {directory: ldap, key, close: () => ldap.close()}
  } catch (err) {
    if (err instanceof LdapConfigError) throw new Error(`LDAP directory: ${err.message}`)
    throw err
  }
}
