/**
 * Find a token by name across the module database and log in to it. The
 * one entry point for every tool that works on a named token (certutil -h,
 * modutil -changepw, and pk12util later): give it the store, the token name
 * and where PINs come from.
 */
import {Pkcs11Error, Pkcs11Library, type SlotDescription, type TokenSession} from '../pkcs11/index.js'
import type {Store} from '../store/index.js'
import {ModuleError, MODUTIL_EXIT} from './errors.js'
import {isInternalCryptoToken, isInternalKeyToken} from './internal_module.js'
import {listModuleRecords, slotSettings, type ModuleRecord} from './module_db.js'
import type {PinSource} from './pin_source.js'

export type ResolvedToken = InternalToken | ExternalToken

/** The store's own token: keys sealed in msg.db (certdb does the work). */
export interface InternalToken {
  readonly kind: 'internal'
  readonly name: string
}

/** A token behind a PKCS #11 library, with an open session; close() when done. */
export interface ExternalToken {
  readonly kind: 'external'
  /** The token label, blanks trimmed. */
  readonly name: string
  readonly module: ModuleRecord
  readonly slot: SlotDescription
  readonly session: TokenSession
  /** True once logged in (keys are private objects: listing and signing need it). */
  readonly loggedIn: boolean
  close(): void
}

export interface ResolveOptions {
  /** Log in now (with the PIN from `pins`); default true. */
  readonly login?: boolean
}

/** `pkcs11:token=NAME;...` names a token by its token attribute. */
export function tokenNameOf(text: string): string {
  if (!text.toLowerCase().startsWith('pkcs11:')) return text
  const attr = text.slice(7).split(/[;?]/).find((p) => p.startsWith('token='))
  return attr === undefined ? text : decodeURIComponent(attr.slice(6))
}

/**
 * The token called `name`: the internal one for its aliases, else the
 * first enabled slot of an external module whose token label is `name`.
 * ModuleError: not found (33), no PIN given (37), PIN refused (35).
 */
export function resolveToken(store: Store, name: string, pins: PinSource, options: ResolveOptions = {}): ResolvedToken {
  const wanted = tokenNameOf(name).trim()
  if (isInternalKeyToken(wanted)) return {kind: 'internal', name: wanted}
  if (isInternalCryptoToken(wanted)) throw new ModuleError(`Token "${wanted}" holds no keys; use the store's token "Internal (Software) Token".`, MODUTIL_EXIT.NO_SUCH_TOKEN)
  for (const module of listModuleRecords(store)) {
    if (module.internal || module.library === null) continue
    const found = openOn(store, module, wanted)
    if (!found) continue
    const {library, slot} = found
    let session: TokenSession | undefined
    try {
      session = library.openSession(slot)
      const login = options.login ?? true
      let loggedIn = false
      if (login && slot.token!.loginRequired) {
        const pin = pins.pinFor(wanted)
        if (pin === null) {
          throw new ModuleError(`no PIN for token "${wanted}": give a password file with a "${wanted}:PIN" line (-f FILE), or add that line to sslpassword.conf.`, MODUTIL_EXIT.AUTHENTICATION_FAILED)
        }
        loginWith(session, wanted, pin)
        loggedIn = true
      }
      const s = session
      return {kind: 'external', name: wanted, module, slot, session: s, loggedIn, close: () => (s.close(), library.close())}
    } catch (err) {
      session?.close()
      library.close()
      throw err
    }
  }
  throw new ModuleError(`Token "${wanted}" not found.`, MODUTIL_EXIT.NO_SUCH_TOKEN)
}

/** C_Login, with a refused PIN reported as such. */
export function loginWith(session: TokenSession, token: string, pin: string): void {
  try {
    session.login(pin)
  } catch (err) {
    if (err instanceof Pkcs11Error && err.badPin) throw new ModuleError(`Incorrect password/PIN for token "${token}".`, MODUTIL_EXIT.BAD_PASSWORD)
    throw err
  }
}

/** Load the module and find the enabled slot holding the token; null (library closed) when it is not there. */
function openOn(store: Store, module: ModuleRecord, token: string): {library: Pkcs11Library; slot: SlotDescription} | null {
  let library: Pkcs11Library
  try {
    library = Pkcs11Library.open(module.library!, module.parameters)
  } catch {
    // A module that no longer loads cannot hold the token; -list shows it as "not loaded".
    return null
  }
  try {
    const disabled = slotSettings(store, module.name)
    const slot = library.slots().find((s) => s.token !== null && s.token.initialized && s.token.label.trim() === token && !disabled.get(s.description.trimEnd())?.disabled)
    if (slot) return {library, slot}
  } catch {
    // Fall through: treat a failing library as not holding the token.
  }
  library.close()
  return null
}

/** Every initialised token on the enabled slots of external modules, by name (for certutil -L -h all). */
export function externalTokenNames(store: Store): string[] {
  const names: string[] = []
  for (const module of listModuleRecords(store)) {
    if (module.internal || module.library === null) continue
    let library: Pkcs11Library
    try {
      library = Pkcs11Library.open(module.library, module.parameters)
    } catch {
      continue
    }
    try {
      const disabled = slotSettings(store, module.name)
      for (const s of library.slots()) {
        if (s.token?.initialized && !disabled.get(s.description.trimEnd())?.disabled) names.push(s.token.label.trim())
      }
    } finally {
      library.close()
    }
  }
  return names
}
