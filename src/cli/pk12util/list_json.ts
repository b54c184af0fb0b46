/** `pk12util -l --json`: the same bags as the text listing, as data (salts as hex, names as NSS gives them). */
import {certHasKey, describeOid, type DecodedPfx, type PbeScheme, type Pkcs12Bag} from '../../core/pkcs12/index.js'
import {Certificate, describePublicKey, importPkcs8, nssKeyTypeName} from '../../core/pki/index.js'

function encryptionJson(scheme: PbeScheme | null): object | null {
  if (scheme === null) return null
  switch (scheme.kind) {
    case 'pkcs12':
    case 'pbes1':
      return {scheme: scheme.name, salt: scheme.salt.toString('hex'), iterations: scheme.iterations}
    case 'pbes2':
      return {
        scheme: 'PBES2',
        kdf: 'PBKDF2',
        prf: describeOid(scheme.kdf.prf.hmacOid ?? scheme.kdf.prf.oid),
        salt: scheme.kdf.salt.toString('hex'),
        iterations: scheme.kdf.iterations,
        keyLength: scheme.kdf.keyLength,
        cipher: scheme.cipherName,
      }
    case 'unsupported':
      return {scheme: scheme.name, salt: scheme.salt?.toString('hex') ?? null, iterations: scheme.iterations, supported: false}
  }
}

function keyType(privateKeyInfo: Buffer): string | null {
  try {
    return nssKeyTypeName(describePublicKey(importPkcs8(privateKeyInfo)).type)
  } catch {
    return null
  }
}

function bagJson(pfx: DecodedPfx, bag: Pkcs12Bag): object {
  const common = {friendlyName: bag.friendlyName, localKeyId: bag.localKeyId?.toString('hex') ?? null, safe: bag.safe + 1}
  switch (bag.type) {
    case 'key':
      return {type: 'key', ...common, keyType: keyType(bag.privateKeyInfo)}
    case 'shroudedKey':
      return {type: 'shroudedKey', ...common, keyType: keyType(bag.privateKeyInfo), encryption: encryptionJson(bag.encryption)}
    case 'certificate': {
      let details: object = {certType: describeOid(bag.certType)}
      try {
        const c = Certificate.fromDer(bag.value)
        details = {
          subject: c.subject.text,
          issuer: c.issuer.text,
          serialNumber: c.serialNumber.toString(),
          notBefore: c.notBefore.toISOString(),
          notAfter: c.notAfter.toISOString(),
          sha256: c.fingerprintSha256.toString('hex'),
          sha1: c.fingerprintSha1.toString('hex'),
        }
      } catch {
        // not an X.509 certificate: the type is all there is to say
      }
      return {type: 'certificate', ...common, hasPrivateKey: certHasKey(pfx, bag), ...details}
    }
    case 'other':
      return {type: 'other', bagType: describeOid(bag.bagId), ...common}
  }
}

export function listJson(pfx: DecodedPfx): object {
  return {
    mac: pfx.mac && {algorithm: describeOid(pfx.mac.digestOid), iterations: pfx.mac.iterations, saltLength: pfx.mac.salt.length},
    safes: pfx.safes.map((s) => ({type: describeOid(s.contentType), encryption: encryptionJson(s.encryption)})),
    bags: pfx.bags.map((b) => bagJson(pfx, b)),
  }
}
