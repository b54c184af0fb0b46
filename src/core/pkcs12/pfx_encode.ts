/**
 * Writing a PFX the way NSS pk12util lays it out (observed with NSS 3.87):
 * with an encrypted certificate safe, a data safe holding the shrouded key
 * bags comes first and the encrypted safe of certificate bags (issuers,
 * then the certificate itself) second; with certificates in the clear
 * (`-C NONE`) one data safe holds the certificates and then the keys.
 * Key bags are always shrouded. The file is DER (definite lengths).
 */
import {randomBytes} from 'node:crypto'
import {der} from '../pki/index.js'
import {computeMac} from './mac.js'
import {P12_OID, type DigestInfo} from './oids.js'
import {passwordBytes} from './password.js'
import {pbeEncrypt, type PbeChoice} from './password_based_encryption.js'

export interface ExportCertificate {
  readonly der: Buffer
  readonly friendlyName: string | null
  readonly localKeyId: Buffer | null
}

export interface ExportKey {
  /** PrivateKeyInfo DER. */
  readonly pkcs8: Buffer
  readonly friendlyName: string | null
  readonly localKeyId: Buffer | null
}

export interface EncodeOptions {
  readonly password: string
  readonly keyEncryption: PbeChoice
  /** null: certificates in the clear. */
  readonly certEncryption: PbeChoice | null
  readonly mac: DigestInfo
  /** PBE and MAC iteration count. */
  readonly iterations: number
}

const MAC_SALT_BYTES = 16

function bmpString(text: string): Buffer {
  const bytes = Buffer.from(text, 'utf16le')
  bytes.swap16()
  return der.tlv(der.Tag.BMP_STRING, bytes)
}

function attributes(friendlyName: string | null, localKeyId: Buffer | null): Buffer[] {
  const attrs: Buffer[] = []
  if (friendlyName !== null) attrs.push(der.sequence(der.oid(P12_OID.friendlyName), der.set(bmpString(friendlyName))))
  if (localKeyId !== null) attrs.push(der.sequence(der.oid(P12_OID.localKeyId), der.set(der.octetString(localKeyId))))
  return attrs.length > 0 ? [der.set(...attrs)] : []
}

function safeBag(bagId: string, value: Buffer, friendlyName: string | null, localKeyId: Buffer | null): Buffer {
  return der.sequence(der.oid(bagId), der.explicit(0, value), ...attributes(friendlyName, localKeyId))
}

function certBag(c: ExportCertificate): Buffer {
  const value = der.sequence(der.oid(P12_OID.x509Certificate), der.explicit(0, der.octetString(c.der)))
  return safeBag(P12_OID.certBag, value, c.friendlyName, c.localKeyId)
}

function shroudedKeyBag(k: ExportKey, options: EncodeOptions): Buffer {
  const {algorithm, ciphertext} = pbeEncrypt(options.keyEncryption, passwordBytes(options.password), options.iterations, k.pkcs8)
  return safeBag(P12_OID.pkcs8ShroudedKeyBag, der.sequence(algorithm, der.octetString(ciphertext)), k.friendlyName, k.localKeyId)
}

function dataSafe(bags: Buffer[]): Buffer {
  return der.sequence(der.oid(P12_OID.data), der.explicit(0, der.octetString(der.sequence(...bags))))
}

function encryptedSafe(bags: Buffer[], choice: PbeChoice, options: EncodeOptions): Buffer {
  const {algorithm, ciphertext} = pbeEncrypt(choice, passwordBytes(options.password), options.iterations, der.sequence(...bags))
  const encryptedContentInfo = der.sequence(der.oid(P12_OID.data), algorithm, der.implicit(0, ciphertext))
  return der.sequence(der.oid(P12_OID.encryptedData), der.explicit(0, der.sequence(der.integer(0), encryptedContentInfo)))
}

export function encodePfx(keys: readonly ExportKey[], certs: readonly ExportCertificate[], options: EncodeOptions): Buffer {
  const keyBags = keys.map((k) => shroudedKeyBag(k, options))
  const certBags = certs.map(certBag)
  const safes = options.certEncryption === null
    ? [dataSafe([...certBags, ...keyBags])]
    : [dataSafe(keyBags), encryptedSafe(certBags, options.certEncryption, options)]
  const authSafe = der.sequence(...safes)
  const macParams = {digest: options.mac, salt: randomBytes(MAC_SALT_BYTES), iterations: options.iterations}
  const mac = computeMac(macParams, passwordBytes(options.password).bmp, authSafe)
  const macData = der.sequence(
    der.sequence(der.sequence(der.oid(options.mac.oid), der.nullValue()), der.octetString(mac)),
    der.octetString(macParams.salt),
    der.integer(options.iterations),
  )
  return der.sequence(der.integer(3), der.sequence(der.oid(P12_OID.data), der.explicit(0, der.octetString(authSafe))), macData)
}
