import {Pkcs11Error} from './errors.js'

/** CKA_EC_PARAMS for the named curves: the DER OBJECT IDENTIFIER of the curve. */
export const EC_PARAMS = {
  nistp256: Buffer.from('06082a8648ce3d030107', 'hex'),
  nistp384: Buffer.from('06052b81040022', 'hex'),
  nistp521: Buffer.from('06052b81040023', 'hex'),
} as const

interface CurveFacts {
  readonly jwk: string
  /** Uncompressed point: 0x04, x, y. */
  readonly pointLength: number
}

const CURVES: Record<string, CurveFacts> = {
  [EC_PARAMS.nistp256.toString('hex')]: {jwk: 'P-256', pointLength: 65},
  [EC_PARAMS.nistp384.toString('hex')]: {jwk: 'P-384', pointLength: 97},
  [EC_PARAMS.nistp521.toString('hex')]: {jwk: 'P-521', pointLength: 133},
}

export function curveOfParams(params: Buffer): CurveFacts {
  const c = CURVES[params.toString('hex')]
  if (!c) throw new Pkcs11Error(`the token's key is on a curve this version does not use (CKA_EC_PARAMS ${params.toString('hex')})`)
  return c
}
