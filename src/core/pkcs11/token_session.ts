/**
 * One session on a token: login, the key and certificate objects NSS keeps
 * there, key pair generation, signing and C_SetPIN.
 */
import {createHash, createPublicKey, type KeyObject} from 'node:crypto'
import type * as Pkcs11js from 'pkcs11js'
import {describePublicKey, exportSpki} from '../pki/index.js'
import {CKR, Pkcs11Error, asPkcs11Error, p11} from './errors.js'
import {pkcs11js} from './library.js'
import {curveOfParams, EC_PARAMS} from './ec_params.js'
import type {TokenCertificate, TokenKeySpec, TokenPrivateKey} from './types.js'

const CKU_USER = 1

export class TokenSession {
  constructor(
    private readonly module: Pkcs11js.PKCS11,
    private readonly session: Buffer,
    /** The token label, blanks trimmed, for messages. */
    readonly tokenName: string,
  ) {}

  /** C_Login as the user; Pkcs11Error with `badPin` set for a refused PIN. */
  login(pin: string): void {
    try {
      this.module.C_Login(this.session, CKU_USER, pin)
    } catch (err) {
      const e = asPkcs11Error(`login to token "${this.tokenName}"`, err)
      if (e.ckr === CKR.USER_ALREADY_LOGGED_IN) return
      throw e
    }
  }

  /** C_SetPIN (the user's own PIN; needs the old one). */
  setPin(oldPin: string, newPin: string): void {
    p11(`changing the PIN of token "${this.tokenName}"`, () => this.module.C_SetPIN(this.session, oldPin, newPin))
  }

  close(): void {
    try {
      this.module.C_CloseSession(this.session)
    } catch {
      // The library is going away anyway.
    }
  }

  private find(template: Pkcs11js.Template): Buffer[] {
    return p11('C_FindObjects', () => {
      this.module.C_FindObjectsInit(this.session, template)
      try {
        const out: Buffer[] = []
        for (;;) {
          const batch = this.module.C_FindObjects(this.session, 64)
          if (batch.length === 0) return out
          out.push(...batch)
        }
      } finally {
        this.module.C_FindObjectsFinal(this.session)
      }
    })
  }

  private attributes(handle: Buffer, types: number[]): Map<number, Buffer> {
    const got = p11('C_GetAttributeValue', () => this.module.C_GetAttributeValue(this.session, handle, types.map((type) => ({type}))))
    return new Map(got.map((a) => [a.type, a.value]))
  }

  /** Private keys (needs login: they are private objects). */
  privateKeys(): TokenPrivateKey[] {
    const c = pkcs11js()
    return this.find([{type: c.CKA_CLASS, value: c.CKO_PRIVATE_KEY}]).map((handle) => {
      const a = this.attributes(handle, [c.CKA_KEY_TYPE, c.CKA_ID, c.CKA_LABEL])
      const kt = a.get(c.CKA_KEY_TYPE)?.readUIntLE(0, Math.min(6, a.get(c.CKA_KEY_TYPE)!.length)) ?? -1
      const label = a.get(c.CKA_LABEL)?.toString('utf8') ?? ''
      return {handle, keyType: kt === c.CKK_RSA ? 'rsa' : kt === c.CKK_EC ? 'ec' : 'unknown', id: a.get(c.CKA_ID) ?? Buffer.alloc(0), label: label === '' ? null : label}
    })
  }

  privateKeyById(id: Buffer): TokenPrivateKey | null {
    return this.privateKeys().find((k) => k.id.equals(id)) ?? null
  }

  /** Certificates (public objects: no login needed). */
  certificates(): TokenCertificate[] {
    const c = pkcs11js()
    return this.find([{type: c.CKA_CLASS, value: c.CKO_CERTIFICATE}]).map((handle) => {
      const a = this.attributes(handle, [c.CKA_ID, c.CKA_LABEL, c.CKA_VALUE])
      const label = a.get(c.CKA_LABEL)?.toString('utf8') ?? ''
      return {handle, id: a.get(c.CKA_ID) ?? Buffer.alloc(0), label: label === '' ? null : label, der: a.get(c.CKA_VALUE) ?? Buffer.alloc(0)}
    })
  }

  /** The public key for a key id, from its public key object (EC) or the private key's public attributes (RSA). */
  publicKey(key: TokenPrivateKey): KeyObject {
    const c = pkcs11js()
    const pub = this.find([{type: c.CKA_CLASS, value: c.CKO_PUBLIC_KEY}, {type: c.CKA_ID, value: key.id}])[0]
    if (key.keyType === 'rsa') {
      const a = this.attributes(pub ?? key.handle, [c.CKA_MODULUS, c.CKA_PUBLIC_EXPONENT])
      return rsaPublicKey(a.get(c.CKA_MODULUS)!, a.get(c.CKA_PUBLIC_EXPONENT)!)
    }
    if (key.keyType === 'ec' && pub !== undefined) {
      const a = this.attributes(pub, [c.CKA_EC_PARAMS, c.CKA_EC_POINT])
      return ecPublicKey(a.get(c.CKA_EC_PARAMS)!, a.get(c.CKA_EC_POINT)!)
    }
    throw new Pkcs11Error(`token "${this.tokenName}" has no usable public key for key id ${key.id.toString('hex')}`)
  }

  /**
   * Generate a key pair on the token. The private key is a token object,
   * private, sensitive and not extractable: it never leaves the token.
   * CKA_ID is set afterwards to NSS's key id (SHA-1 of the public value),
   * which is only known once the key exists.
   */
  generateKeyPair(spec: TokenKeySpec, label: string | null): {key: TokenPrivateKey; publicKey: KeyObject} {
    const c = pkcs11js()
    const tempId = Buffer.from(`msgctl-${process.pid}-${Date.now()}`)
    const common = [{type: c.CKA_TOKEN, value: true}, {type: c.CKA_ID, value: tempId}, ...(label ? [{type: c.CKA_LABEL, value: label}] : [])]
    const priv: Pkcs11js.Template = [
      ...common,
      {type: c.CKA_PRIVATE, value: true},
      {type: c.CKA_SENSITIVE, value: true},
      {type: c.CKA_EXTRACTABLE, value: false},
      {type: c.CKA_SIGN, value: true},
    ]
    let mechanism: number
    let pub: Pkcs11js.Template
    if (spec.type === 'ec') {
      mechanism = c.CKM_EC_KEY_PAIR_GEN
      pub = [...common, {type: c.CKA_PRIVATE, value: false}, {type: c.CKA_VERIFY, value: true}, {type: c.CKA_EC_PARAMS, value: EC_PARAMS[spec.curve]}]
      priv.push({type: c.CKA_DERIVE, value: true})
    } else {
      mechanism = c.CKM_RSA_PKCS_KEY_PAIR_GEN
      const hex = spec.publicExponent.toString(16)
      const e = Buffer.from(hex.length % 2 === 1 ? `0${hex}` : hex, 'hex')
      pub = [
        ...common,
        {type: c.CKA_PRIVATE, value: false},
        {type: c.CKA_VERIFY, value: true},
        {type: c.CKA_ENCRYPT, value: true},
        {type: c.CKA_MODULUS_BITS, value: spec.bits},
        {type: c.CKA_PUBLIC_EXPONENT, value: e},
      ]
      priv.push({type: c.CKA_DECRYPT, value: true})
    }
    const pair = p11(`generating a key pair on token "${this.tokenName}"`, () => this.module.C_GenerateKeyPair(this.session, {mechanism}, pub, priv))
    const key0: TokenPrivateKey = {handle: pair.privateKey, keyType: spec.type, id: tempId, label}
    const publicKey = this.publicKey(key0)
    const id = describePublicKey(publicKey).keyId
    p11('setting CKA_ID', () => {
      this.module.C_SetAttributeValue(this.session, pair.privateKey, [{type: c.CKA_ID, value: id}])
      this.module.C_SetAttributeValue(this.session, pair.publicKey, [{type: c.CKA_ID, value: id}])
    })
    return {key: {...key0, id}, publicKey}
  }

  /** Store a certificate on the token beside its key (as NSS does for keys on external tokens). */
  addCertificate(der: Buffer, id: Buffer, label: string, subject: Buffer, issuer: Buffer, serial: Buffer): void {
    const c = pkcs11js()
    p11(`storing the certificate on token "${this.tokenName}"`, () =>
      this.module.C_CreateObject(this.session, [
        {type: c.CKA_CLASS, value: c.CKO_CERTIFICATE},
        {type: c.CKA_CERTIFICATE_TYPE, value: c.CKC_X_509},
        {type: c.CKA_TOKEN, value: true},
        {type: c.CKA_PRIVATE, value: false},
        {type: c.CKA_LABEL, value: label},
        {type: c.CKA_ID, value: id},
        {type: c.CKA_SUBJECT, value: subject},
        {type: c.CKA_ISSUER, value: issuer},
        {type: c.CKA_SERIAL_NUMBER, value: serial},
        {type: c.CKA_VALUE, value: der},
      ]),
    )
  }

  /**
   * Sign `data`. ECDSA: the token signs the hash (CKM_ECDSA) and returns
   * r||s, which X.509 wants as a DER SEQUENCE of two INTEGERs. RSA: the
   * token hashes and pads (CKM_SHAxxx_RSA_PKCS).
   */
  sign(key: TokenPrivateKey, hash: 'SHA1' | 'SHA224' | 'SHA256' | 'SHA384' | 'SHA512', data: Buffer): Buffer {
    const c = pkcs11js()
    const out = Buffer.alloc(1024)
    if (key.keyType === 'ec') {
      const digest = createHash(hash.replace('SHA', 'sha')).update(data).digest()
      const raw = p11('C_Sign (ECDSA)', () => {
        this.module.C_SignInit(this.session, {mechanism: c.CKM_ECDSA}, key.handle)
        return this.module.C_Sign(this.session, digest, out)
      })
      return ecdsaDer(raw)
    }
    if (key.keyType === 'rsa') {
      const mech = {SHA1: c.CKM_SHA1_RSA_PKCS, SHA224: c.CKM_SHA224_RSA_PKCS, SHA256: c.CKM_SHA256_RSA_PKCS, SHA384: c.CKM_SHA384_RSA_PKCS, SHA512: c.CKM_SHA512_RSA_PKCS}[hash]
      return Buffer.from(
        p11('C_Sign (RSA)', () => {
          this.module.C_SignInit(this.session, {mechanism: mech}, key.handle)
          return this.module.C_Sign(this.session, data, out)
        }),
      )
    }
    throw new Pkcs11Error(`cannot sign with key ${key.id.toString('hex')}: its type is not RSA or EC`)
  }
}

function b64url(b: Buffer): string {
  return b.toString('base64url')
}

function rsaPublicKey(modulus: Buffer, exponent: Buffer): KeyObject {
  return createPublicKey({key: {kty: 'RSA', n: b64url(modulus), e: b64url(exponent)}, format: 'jwk'})
}

/** CKA_EC_POINT is a DER OCTET STRING holding the uncompressed point (some libraries omit the wrapping). */
function ecPublicKey(params: Buffer, point: Buffer): KeyObject {
  const curve = curveOfParams(params)
  let p = point
  if (p[0] === 0x04 && p.length !== curve.pointLength) {
    const lenByte = p[1]!
    const skip = lenByte < 0x80 ? 2 : 2 + (lenByte & 0x7f)
    p = p.subarray(skip)
  }
  if (p.length !== curve.pointLength || p[0] !== 0x04) throw new Pkcs11Error('the token returned an EC point that is not an uncompressed point')
  const n = (p.length - 1) / 2
  return createPublicKey({key: {kty: 'EC', crv: curve.jwk, x: b64url(p.subarray(1, 1 + n)), y: b64url(p.subarray(1 + n))}, format: 'jwk'})
}

/** r||s (each half the signature) as ECDSA-Sig-Value DER. */
export function ecdsaDer(raw: Buffer): Buffer {
  const half = raw.length / 2
  const int = (b: Buffer): Buffer => {
    let i = 0
    while (i < b.length - 1 && b[i] === 0) i++
    const v = b.subarray(i)
    const body = v[0]! & 0x80 ? Buffer.concat([Buffer.from([0]), v]) : v
    return Buffer.concat([Buffer.from([0x02, body.length]), body])
  }
  const content = Buffer.concat([int(raw.subarray(0, half)), int(raw.subarray(half))])
  const len = content.length < 0x80 ? Buffer.from([content.length]) : Buffer.from([0x81, content.length])
  return Buffer.concat([Buffer.from([0x30]), len, content])
}

/** SPKI DER of a public key (re-exported for callers that hold only this module). */
export const spkiOf = exportSpki
