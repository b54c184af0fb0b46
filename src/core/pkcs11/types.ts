/** C_GetInfo. Text fields keep PKCS #11's blank padding (modutil -list shows it). */
export interface ModuleDescription {
  readonly manufacturer: string
  readonly description: string
  readonly cryptokiVersion: string
  readonly libraryVersion: string
}

/** C_GetTokenInfo, flags decoded. */
export interface TokenDescription {
  readonly label: string
  readonly manufacturer: string
  readonly model: string
  readonly serialNumber: string
  readonly hardwareVersion: string
  readonly firmwareVersion: string
  readonly writeProtected: boolean
  readonly loginRequired: boolean
  readonly userPinInitialized: boolean
  readonly initialized: boolean
}

/** C_GetSlotInfo, with the token in it (null when none is present). */
export interface SlotDescription {
  readonly handle: Buffer
  readonly description: string
  readonly manufacturer: string
  readonly hardware: boolean
  readonly hardwareVersion: string
  readonly firmwareVersion: string
  readonly token: TokenDescription | null
}

/** A private key object on a token. */
export interface TokenPrivateKey {
  readonly handle: Buffer
  readonly keyType: 'rsa' | 'ec' | 'unknown'
  /** CKA_ID: NSS's key id, the SHA-1 of the public value. */
  readonly id: Buffer
  /** CKA_LABEL, or null when empty. */
  readonly label: string | null
}

/** A certificate object on a token. */
export interface TokenCertificate {
  readonly handle: Buffer
  readonly id: Buffer
  readonly label: string | null
  readonly der: Buffer
}

/** What to generate on the token. */
export type TokenKeySpec = {readonly type: 'ec'; readonly curve: 'nistp256' | 'nistp384' | 'nistp521'} | {readonly type: 'rsa'; readonly bits: number; readonly publicExponent: number}
