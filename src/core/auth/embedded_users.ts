import {MsgctlError} from '../errors.js'
import type {Store} from '../store/index.js'
import {hashPassword} from './password_hash.js'

export interface MailUser {
  readonly name: string
  readonly roles: readonly string[]
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
  password_hash: string
  roles: string
  created_at: string
  updated_at: string
}

const toUser = (r: Row): MailUser => ({name: r.name, roles: r.roles ? r.roles.split(' ') : [], createdAt: r.created_at, updatedAt: r.updated_at})

export async function addUser(store: Store, name: string, password: string, roles: readonly string[] = []): Promise<MailUser> {
  checkUserName(name)
  if (findUser(store, name)) throw new MsgctlError(`user "${name}" already exists; change the password with msgctl user passwd ${name}`)
  const hash = await hashPassword(password)
  const now = new Date().toISOString()
  store.write(() => {
    // Checked again inside the transaction: another process may have added it meanwhile.
    if (findUser(store, name)) throw new MsgctlError(`user "${name}" already exists`)
    store.db.prepare(`INSERT INTO mail_user (name, password_hash, roles, created_at, updated_at) VALUES (?, ?, ?, ?, ?)`).run(name, hash, roles.join(' '), now, now)
  })
  return findUser(store, name)!
}

export async function setUserPassword(store: Store, name: string, password: string): Promise<void> {
  const hash = await hashPassword(password)
  store.write(() => {
    const r = store.db.prepare(`UPDATE mail_user SET password_hash = ?, updated_at = ? WHERE name = ?`).run(hash, new Date().toISOString(), name)
    if (r.changes === 0) throw noSuchUser(name)
  })
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

/** The stored hash, for the directory's password check only. */
export function passwordHashOf(store: Store, name: string): {name: string; hash: string} | null {
  const row = store.db.prepare(`SELECT name, password_hash FROM mail_user WHERE name = ?`).get(name) as Row | undefined
  return row ? {name: row.name, hash: row.password_hash} : null
}

export function listUsers(store: Store): MailUser[] {
  return (store.db.prepare(`SELECT * FROM mail_user ORDER BY name`).all() as Row[]).map(toUser)
}

function noSuchUser(name: string): MsgctlError {
  return new MsgctlError(`no user "${name}" in the embedded directory; msgctl user list shows them`)
}
