/**
 * A loaded PKCS #11 library (a "module" in NSS's words), over pkcs11js.
 * pkcs11js is loaded on first use only: most commands never touch a module
 * and should not pay for the native addon at start-up.
 */
import {createRequire} from 'node:module'
import type * as Pkcs11js from 'pkcs11js'
import {CKR, Pkcs11Error, p11} from './errors.js'
import {TokenSession} from './token_session.js'
import type {ModuleDescription, SlotDescription, TokenDescription} from './types.js'

type Binding = typeof Pkcs11js

let binding: Binding | undefined

/** The pkcs11js module, loaded once. */
export function pkcs11js(): Binding {
  binding ??= createRequire(import.meta.url)('pkcs11js') as Binding
  return binding
}

/** PKCS #11 slot and token flag bits used here (v2.40 section 3.2). */
const CKF = {
  TOKEN_PRESENT: 0x1,
  HW_SLOT: 0x4,
  WRITE_PROTECTED: 0x2,
  LOGIN_REQUIRED: 0x4,
  USER_PIN_INITIALIZED: 0x8,
  TOKEN_INITIALIZED: 0x400,
  RW_SESSION: 0x2,
  SERIAL_SESSION: 0x4,
} as const

export class Pkcs11Library {
  private constructor(
    readonly path: string,
    private readonly module: Pkcs11js.PKCS11,
  ) {}

  /**
   * dlopen the library and C_Initialize it; Pkcs11Error with the loader's
   * reason when it cannot be. `parameters` (modutil -string) reaches the
   * library as its initialisation parameters, as NSS hands them over.
   */
  static open(path: string, parameters = ''): Pkcs11Library {
    const m = new (pkcs11js().PKCS11)()
    try {
      m.load(path)
    } catch (err) {
      throw new Pkcs11Error(`cannot load PKCS #11 library "${path}": ${(err as Error).message.replace(/^.*?: /, '')}`)
    }
    try {
      m.C_Initialize(parameters === '' ? undefined : {libraryParameters: parameters})
    } catch (err) {
      const code = (err as {code?: number}).code
      if (code !== CKR.CRYPTOKI_ALREADY_INITIALIZED) {
        m.close()
        throw new Pkcs11Error(`PKCS #11 library "${path}" failed to initialise: ${(err as Error).message.split(':')[0]}`, code ?? null)
      }
    }
    return new Pkcs11Library(path, m)
  }

  /** C_GetInfo, fields kept as padded as the library returns them. */
  info(): ModuleDescription {
    const i = p11('C_GetInfo', () => this.module.C_GetInfo())
    return {
      manufacturer: i.manufacturerID,
      description: i.libraryDescription,
      cryptokiVersion: `${i.cryptokiVersion.major}.${i.cryptokiVersion.minor}`,
      libraryVersion: `${i.libraryVersion.major}.${i.libraryVersion.minor}`,
    }
  }

  /** Every slot, with its token when one is present. */
  slots(): SlotDescription[] {
    const handles = p11('C_GetSlotList', () => this.module.C_GetSlotList(false))
    return handles.map((h) => this.describeSlot(h))
  }

  private describeSlot(handle: Buffer): SlotDescription {
    const s = p11('C_GetSlotInfo', () => this.module.C_GetSlotInfo(handle))
    let token: TokenDescription | null = null
    if (s.flags & CKF.TOKEN_PRESENT) {
      const t = p11('C_GetTokenInfo', () => this.module.C_GetTokenInfo(handle))
      token = {
        label: t.label,
        manufacturer: t.manufacturerID,
        model: t.model,
        serialNumber: t.serialNumber,
        hardwareVersion: `${t.hardwareVersion.major}.${t.hardwareVersion.minor}`,
        firmwareVersion: `${t.firmwareVersion.major}.${t.firmwareVersion.minor}`,
        writeProtected: (t.flags & CKF.WRITE_PROTECTED) !== 0,
        loginRequired: (t.flags & CKF.LOGIN_REQUIRED) !== 0,
        userPinInitialized: (t.flags & CKF.USER_PIN_INITIALIZED) !== 0,
        initialized: (t.flags & CKF.TOKEN_INITIALIZED) !== 0,
      }
    }
    return {
      handle,
      description: s.slotDescription,
      manufacturer: s.manufacturerID,
      hardware: (s.flags & CKF.HW_SLOT) !== 0,
      hardwareVersion: `${s.hardwareVersion.major}.${s.hardwareVersion.minor}`,
      firmwareVersion: `${s.firmwareVersion.major}.${s.firmwareVersion.minor}`,
      token,
    }
  }

  /** A read-write session on the slot (key generation and C_SetPIN need one). */
  openSession(slot: SlotDescription): TokenSession {
    const h = p11('C_OpenSession', () => this.module.C_OpenSession(slot.handle, CKF.RW_SESSION | CKF.SERIAL_SESSION))
    return new TokenSession(this.module, h, slot.token?.label.trim() ?? '')
  }

  /** C_Finalize and unload; safe to call twice. */
  close(): void {
    try {
      this.module.C_Finalize()
    } catch {
      // Already finalised, or the library is broken: unloading is all that is left.
    }
    try {
      this.module.close()
    } catch {
      // ditto
    }
  }
}
