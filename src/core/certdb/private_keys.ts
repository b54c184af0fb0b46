import type {KeyObject} from 'node:crypto'
import {describePublicKey, exportPkcs8, exportSpki, importPkcs8, INTERNAL_TOKEN_NAME, publicKeyOf, type TokenKey} from '../pki/index.js'
import type {Store} from '../store/index.js'
import {CertDbError} from './errors.js'

/** A stored key's public facts; the private part stays sealed until asked for. */
export interface StoredKey {
  readonly keyId: Buffer
  readonly keyType: string
  /** The key's own label, else the nickname of a certificate for it, else null (an orphan). */
  readonly nickname: string | null
  /** True when `nickname` is the key's own label rather than its certificate's nickname. */
  readonly labelled: boolean
}

/** Seal and store a private key under the token key; returns its key id. */
export function addPrivateKey(store: Store, tokenKey: TokenKey, privateKey: KeyObject, nickname: string | null, token: string = INTERNAL_TOKEN_NAME): Buffer {
  const info = describePublicKey(privateKey)
  const spki = exportSpki(publicKeyOf(privateKey))
  const sealed = tokenKey.seal(exportPkcs8(privateKey), info.keyId)
  store.write(() => {
    const exists = store.db.prepare(`SELECT 1 FROM private_key WHERE key_id = ?`).get(info.keyId)
    if (exists) throw new CertDbError(`a private key with id ${info.keyId.toString('hex')} is already in the store`)
    store.db
      .prepare(`INSERT INTO private_key (key_id, token, key_type, nickname, spki, sealed_pkcs8, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`)
      .run(info.keyId, token, info.type, nickname, spki, sealed, new Date().toISOString())
  })
  return info.keyId
}

/** Every private key, with the nickname NSS would show for it. */
export function listPrivateKeys(store: Store): StoredKey[] {
  const rows = store.db
    .prepare(
      `SELECT k.key_id, k.key_type, k.nickname AS label,
              (SELECT c.nickname FROM certificate c WHERE c.key_id = k.key_id ORDER BY c.id LIMIT 1) AS cert_nickname
       FROM private_key k ORDER BY k.created_at, k.key_id`,
    )
    .all() as {key_id: Buffer; key_type: string; label: string | null; cert_nickname: string | null}[]
  return rows.map((r) => ({keyId: r.key_id, keyType: r.key_type, nickname: r.label ?? r.cert_nickname, labelled: r.label !== null}))
}

/** Unseal a private key (signing with -c, export with pk12util). */
export function loadPrivateKey(store: Store, tokenKey: TokenKey, keyId: Buffer): KeyObject {
  const row = store.db.prepare(`SELECT sealed_pkcs8 FROM private_key WHERE key_id = ?`).get(keyId) as {sealed_pkcs8: Buffer} | undefined
  if (!row) throw new CertDbError(`no private key with id ${keyId.toString('hex')} in the store`)
  return importPkcs8(tokenKey.open(row.sealed_pkcs8, keyId))
}

export function hasPrivateKey(store: Store, keyId: Buffer): boolean {
  return store.db.prepare(`SELECT 1 FROM private_key WHERE key_id = ?`).get(keyId) !== undefined
}

/** certutil -F: delete a key and every certificate for it. */
export function deletePrivateKey(store: Store, keyId: Buffer): void {
  store.write(() => {
    if (store.db.prepare(`DELETE FROM private_key WHERE key_id = ?`).run(keyId).changes === 0) {
      throw new CertDbError(`no private key with id ${keyId.toString('hex')} in the store`)
    }
    store.db.prepare(`DELETE FROM certificate WHERE key_id = ?`).run(keyId)
  })
}
