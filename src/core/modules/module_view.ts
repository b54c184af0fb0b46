/**
 * What modutil -list shows for one module: the database record joined with
 * what the library itself reports (C_GetInfo, slots, tokens), loaded fresh.
 */
import {Pkcs11Library, type Pkcs11Error} from '../pkcs11/index.js'
import {tokenSecret, unlockToken} from '../certdb/index.js'
import type {Store} from '../store/index.js'
import {INTERNAL_DESCRIPTION, INTERNAL_MANUFACTURER, INTERNAL_SLOTS} from './internal_module.js'
import {slotSettings, type ModuleRecord} from './module_db.js'

/** The NSS release whose internal module this one stands in for (its layout and version numbers). */
export const INTERNAL_VERSION = '3.87'

export interface TokenView {
  readonly name: string
  readonly manufacturer: string
  readonly model: string
  readonly serialNumber: string
  readonly version: string
  readonly firmwareVersion: string
  readonly writeProtected: boolean
  readonly loginRequired: boolean
  readonly userPinInitialized: boolean
}

export interface SlotView {
  /** Slot description with PKCS #11's trailing blanks removed (NSS's slot name). */
  readonly name: string
  readonly manufacturer: string
  readonly hardware: boolean
  readonly version: string
  readonly firmwareVersion: string
  readonly disabled: boolean
  /** Colon list, '' for none. */
  readonly mechanisms: string
  readonly token: TokenView | null
}

export interface ModuleView {
  readonly record: ModuleRecord
  readonly loaded: boolean
  /** Why the library did not load, when it did not. */
  readonly loadError: string | null
  readonly manufacturer: string
  readonly description: string
  readonly cryptokiVersion: string
  readonly libraryVersion: string
  readonly slots: readonly SlotView[]
}

const pad = (s: string, n: number) => s.padEnd(n, ' ')

/** `detail`: also find out whether the internal token needs a login (costs one key derivation). */
export function viewModule(store: Store, record: ModuleRecord, detail = false): ModuleView {
  const settings = slotSettings(store, record.name)
  const slotFlags = (name: string, fallback: string) => {
    const s = settings.get(name)
    return {disabled: s?.disabled ?? false, mechanisms: s?.mechanisms ?? fallback}
  }
  if (record.internal) {
    const secret = tokenSecret(store)
    let loginRequired = false
    if (secret && detail) {
      try {
        unlockToken(store, '')
      } catch {
        loginRequired = true
      }
    }
    const slots = INTERNAL_SLOTS.map((s, i): SlotView => ({
      name: s.slot,
      manufacturer: pad(INTERNAL_MANUFACTURER, 32),
      hardware: false,
      version: INTERNAL_VERSION,
      firmwareVersion: '1.0',
      // Only the first slot does the crypto; NSS lists the key slot with no mechanisms.
      ...slotFlags(s.slot, i === 0 ? record.defaultMechanisms : ''),
      token: {
        name: pad(s.token, 32),
        manufacturer: pad(INTERNAL_MANUFACTURER, 32),
        model: pad('NSS 3', 16),
        serialNumber: '0000000000000000',
        version: '4.0',
        firmwareVersion: '0.0',
        writeProtected: !s.keys,
        loginRequired: s.keys && loginRequired,
        userPinInitialized: s.keys && secret !== null,
      },
    }))
    return {record, loaded: true, loadError: null, manufacturer: pad(INTERNAL_MANUFACTURER, 32), description: pad(INTERNAL_DESCRIPTION, 32), cryptokiVersion: '3.0', libraryVersion: INTERNAL_VERSION, slots}
  }
  let lib: Pkcs11Library
  try {
    lib = Pkcs11Library.open(record.library!, record.parameters)
  } catch (err) {
    return {record, loaded: false, loadError: (err as Pkcs11Error).message, manufacturer: '', description: '', cryptokiVersion: '', libraryVersion: '', slots: []}
  }
  try {
    const info = lib.info()
    const slots = lib.slots().map((s): SlotView => {
      const name = s.description.trimEnd()
      const t = s.token
      return {
        name,
        manufacturer: s.manufacturer,
        hardware: s.hardware,
        version: s.hardwareVersion,
        firmwareVersion: s.firmwareVersion,
        ...slotFlags(name, record.defaultMechanisms),
        token: t && {
          name: t.label, manufacturer: t.manufacturer, model: t.model, serialNumber: t.serialNumber, version: t.hardwareVersion,
          firmwareVersion: t.firmwareVersion, writeProtected: t.writeProtected, loginRequired: t.loginRequired, userPinInitialized: t.userPinInitialized,
        },
      }
    })
    return {record, loaded: true, loadError: null, manufacturer: info.manufacturer, description: info.description, cryptokiVersion: info.cryptokiVersion, libraryVersion: info.libraryVersion, slots}
  } finally {
    lib.close()
  }
}
