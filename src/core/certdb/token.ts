import {
  createTokenSecretSync,
  INTERNAL_TOKEN_NAME,
  unlockTokenSync,
  type KdfParameters,
  type TokenKey,
  type TokenSecret,
} from '../pki/index.js'
import type {Store} from '../store/index.js'
import {CertDbError} from './errors.js'

interface TokenRow {
  kdf_params: string
  salt: Buffer
  password_check: Buffer
}

/** The internal token's sealed-password record, or null before `certutil -N`. */
export function tokenSecret(store: Store, token: string = INTERNAL_TOKEN_NAME): TokenSecret | null {
  const row = store.db.prepare(`SELECT kdf_params, salt, password_check FROM token WHERE name = ?`).get(token) as TokenRow | undefined
  if (!row) return null
  return {salt: row.salt, params: JSON.parse(row.kdf_params) as KdfParameters, check: row.password_check}
}

/** certutil -N: set the token password on a store that has none. */
export function initToken(store: Store, password: string, token: string = INTERNAL_TOKEN_NAME): TokenKey {
  if (tokenSecret(store, token)) throw new CertDbError(`the token "${token}" is already initialised; use -W to change its password`)
  const {secret, key} = createTokenSecretSync(password)
  store.write(() => {
    store.db
      .prepare(`INSERT INTO token (name, kdf_params, salt, password_check, created_at) VALUES (?, ?, ?, ?, ?)`)
      .run(token, JSON.stringify(secret.params), secret.salt, secret.check, new Date().toISOString())
  })
  return key
}

/** Derive the token key; IncorrectPasswordError when the password is wrong. */
export function unlockToken(store: Store, password: string, token: string = INTERNAL_TOKEN_NAME): TokenKey {
  const secret = tokenSecret(store, token)
  if (!secret) throw new CertDbError(`the token "${token}" has no password yet; initialise it with certutil -N`)
  return unlockTokenSync(password, secret)
}

/**
 * certutil -W: re-seal every private key under the new password in one
 * transaction, so a crash leaves either the old password or the new one.
 */
export function changeTokenPassword(store: Store, oldKey: TokenKey, newPassword: string, token: string = INTERNAL_TOKEN_NAME): TokenKey {
  const {secret, key} = createTokenSecretSync(newPassword)
  store.write(() => {
    const rows = store.db.prepare(`SELECT key_id, sealed_pkcs8 FROM private_key WHERE token = ?`).all(token) as {key_id: Buffer; sealed_pkcs8: Buffer}[]
    const update = store.db.prepare(`UPDATE private_key SET sealed_pkcs8 = ? WHERE key_id = ?`)
    for (const r of rows) update.run(oldKey.reseal(r.sealed_pkcs8, r.key_id, key), r.key_id)
    store.db
      .prepare(`UPDATE token SET kdf_params = ?, salt = ?, password_check = ? WHERE name = ?`)
      .run(JSON.stringify(secret.params), secret.salt, secret.check, token)
  })
  return key
}

/**
 * certutil -T: put the token back to its state before -N: every private key,
 * every certificate and the password record go, in one transaction.
 */
export function resetToken(store: Store, token: string = INTERNAL_TOKEN_NAME): {keys: number; certificates: number} {
  return store.write(() => {
    const keys = store.db.prepare(`DELETE FROM private_key WHERE token = ?`).run(token).changes
    const certificates = store.db.prepare(`DELETE FROM certificate`).run().changes
    store.db.prepare(`DELETE FROM token WHERE name = ?`).run(token)
    return {keys, certificates}
  })
}
