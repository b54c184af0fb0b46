import {MsgctlError} from '../errors.js'
import type {Store} from '../store/index.js'
import {hashPassword} from './password_hash.js'
import {deriveScramCredentials} from './sasl/scram_credentials.js'
import type {ScramCredentials, ScramHash} from './sasl/mechanism.js'

export interface MailUser {
  readonly name: string
  /** E-mail address, for certificate login (certmap) and web mail's From; null when not set. */
  readonly mail: string | null
  readonly roles: readonly string[]
  /** Has the `admin` role: a store administrator, who may proxy-authenticate as other users (web mail portals). */
  readonly admin: boolean
  readonly createdAt: string
  readonly updatedAt: string
}

/** A user name as mail protocols carry it: no spaces, controls, quotes or backslashes; at most 255 bytes. */
const USER_NAME = /^[^\s"\\\x00-\x1f\x7f]{1,255}$/

export function checkUserName(name: string): void {
  if (!USER_NAME.test(name) || Buffer.byteLength(name) > 255) {
    throw new MsgctlError(`"${name}" is not a usable user name: use 1 to 255 characters without spaces, quotes, backslashes or control characters`, 2)
  }
}

interface Row {
  name: string
  mail: string | null
  scram: string | null
  password_hash: string
  roles: string
  created_at: string
  updated_at: string
}

const toUser = (r: Row): MailUser => ({name: r.name, mail: r.mail, roles: r.roles ? r.roles.split(' ') : [], admin: r.roles.split(' ').includes(ADMIN_ROLE), createdAt: r.created_at, updatedAt: r.updated_at})

/** An e-mail address as certificates carry it: local@domain, no spaces or controls. */
const MAIL = /^[^\s@"\\\x00-\x1f\x7f]{1,64}@[A-Za-z0-9.-]{1,253}$/

/** The role that makes a user a store administrator. */
export const ADMIN_ROLE = 'admin'

export async function addUser(store: Store, name: string, password: string, roles: readonly string[] = [], mail: string | null = null): Promise<MailUser> {
  checkUserName(name)
  if (mail !== null && !MAIL.test(mail)) throw new MsgctlError(`"${mail}" is not an e-mail address: give it as local-part@domain`, 2)
  if (findUser(store, name)) throw new MsgctlError(`user "${name}" already exists; change the password with msgctl user passwd ${name}`)
  const hash = await hashPassword(password)
  const scram = await scramKeysFor(password)
  const now = new Date().toISOString()
  store.write(() => {
    // Checked again inside the transaction: another process may have added it meanwhile.
    if (findUser(store, name)) throw new MsgctlError(`user "${name}" already exists`)
    if (mail !== null && findUserByMail(store, mail)) throw new MsgctlError(`the address ${mail} already belongs to user "${findUserByMail(store, mail)!.name}"`)
    store.db.prepare(`INSERT INTO mail_user (name, mail, password_hash, scram, roles, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)`).run(name, mail, hash, scram, roles.join(' '), now, now)
  })
  return findUser(store, name)!
}

export async function setUserPassword(store: Store, name: string, password: string): Promise<void> {
  const hash = await hashPassword(password)
  const scram = await scramKeysFor(password)
  store.write(() => {
    const r = store.db.prepare(`UPDATE mail_user SET password_hash = ?, scram = ?, updated_at = ? WHERE name = ?`).run(hash, scram, new Date().toISOString(), name)
    if (r.changes === 0) throw noSuchUser(name)
  })
}

/**
 * SCRAM keys for a user who has none yet (auto_transition after a clear-text
 * login); a password changed meanwhile (different hash) is left alone.
 */
export async function addScramKeys(store: Store, name: string, password: string, expectedHash: string): Promise<boolean> {
  const scram = await scramKeysFor(password)
  if (scram === null) return false
  return store.write(() => store.db.prepare(`UPDATE mail_user SET scram = ? WHERE name = ? AND password_hash = ? AND scram IS NULL`).run(scram, name, expectedHash).changes === 1)
}

/** The user's stored SCRAM keys for one hash, or null (unknown user, or none stored yet). */
export function scramKeysOf(store: Store, name: string, hash: ScramHash): ScramCredentials | null {
  const row = store.db.prepare(`SELECT scram FROM mail_user WHERE name = ?`).get(name) as Pick<Row, 'scram'> | undefined
  if (!row?.scram) return null
  const keys = (JSON.parse(row.scram) as Record<string, StoredScram | undefined>)[hash]
  if (!keys) return null
  return {salt: Buffer.from(keys.salt, 'base64'), iterations: keys.i, storedKey: Buffer.from(keys.storedKey, 'base64'), serverKey: Buffer.from(keys.serverKey, 'base64')}
}

interface StoredScram {
  salt: string
  i: number
  storedKey: string
  serverKey: string
}

/** Both SCRAM variants' keys as stored JSON; null for a password SASLprep refuses (SCRAM then stays off for that user). */
async function scramKeysFor(password: string): Promise<string | null> {
  const out: Record<string, StoredScram> = {}
  for (const hash of ['sha1', 'sha256'] as const) {
    let keys: ScramCredentials
    try {
      keys = await deriveScramCredentials(password, hash)
    } catch {
      return null
    }
    out[hash] = {salt: keys.salt.toString('base64'), i: keys.iterations, storedKey: keys.storedKey.toString('base64'), serverKey: keys.serverKey.toString('base64')}
  }
  return JSON.stringify(out)
}

/** Make the user a store administrator or an ordinary user; returns the canonical name. */
export function setStoreAdministrator(store: Store, name: string, admin: boolean): string {
  return store.write(() => {
    const found = findUser(store, name)
    if (!found) throw noSuchUser(name)
    // updated_at moves only on a real change, so a repeated call says nothing new happened.
    if (found.admin !== admin) {
      const roles = found.roles.filter((r) => r !== ADMIN_ROLE).concat(admin ? [ADMIN_ROLE] : [])
      store.db.prepare(`UPDATE mail_user SET roles = ?, updated_at = ? WHERE name = ?`).run(roles.join(' '), new Date().toISOString(), name)
    }
    return found.name
  })
}

/** Whether the user exists and is a store administrator (false for unknown users). */
export function isStoreAdministrator(store: Store, name: string): boolean {
  const row = store.db.prepare(`SELECT roles FROM mail_user WHERE name = ?`).get(name) as Pick<Row, 'roles'> | undefined
  return row !== undefined && row.roles.split(' ').includes(ADMIN_ROLE)
}

export function deleteUser(store: Store, name: string): void {
  store.write(() => {
    if (store.db.prepare(`DELETE FROM mail_user WHERE name = ?`).run(name).changes === 0) throw noSuchUser(name)
  })
}

export function findUser(store: Store, name: string): MailUser | null {
  const row = store.db.prepare(`SELECT * FROM mail_user WHERE name = ?`).get(name) as Row | undefined
  return row ? toUser(row) : null
}

export function findUserByMail(store: Store, mail: string): MailUser | null {
  const row = store.db.prepare(`SELECT * FROM mail_user WHERE mail = ?`).get(mail) as Row | undefined
  return row ? toUser(row) : null
}

/** The stored hash, for the directory's password check only; hasScram says whether SCRAM keys are stored. */
export function passwordHashOf(store: Store, name: string): {name: string; hash: string; hasScram: boolean} | null {
  const row = store.db.prepare(`SELECT name, password_hash, scram IS NOT NULL AS has_scram FROM mail_user WHERE name = ?`).get(name) as (Row & {has_scram: number}) | undefined
  return row ? {name: row.name, hash: row.password_hash, hasScram: row.has_scram === 1} : null
}

export function listUsers(store: Store): MailUser[] {
  return (store.db.prepare(`SELECT * FROM mail_user ORDER BY name`).all() as Row[]).map(toUser)
}

function noSuchUser(name: string): MsgctlError {
  return new MsgctlError(`no user "${name}" in the embedded directory; msgctl user list shows them`)
}
