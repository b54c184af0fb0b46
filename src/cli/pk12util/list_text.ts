/**
 * `pk12util -l`: the bags in file order, as NSS 3.87 prints them
 * (reference §3.3, and observed on files from NSS and OpenSSL):
 *
 * - a key bag is `Key:` or `Key(shrouded):`, then `Friendly Name:` and a
 *   blank line when it has one, then (shrouded) the encryption algorithm;
 * - a certificate bag is `Certificate:` (or `Certificate(has private key):`
 *   when a key bag carries its localKeyID), the certutil -L -n body through
 *   the SHA1 fingerprint, a blank line, then `Friendly Name:` and a blank
 *   line when it has one; with -r only `Certificate` and the name, the DER
 *   going to fileNNNN.der instead;
 * - NSS prints nothing under PBKDF2's `Parameters:` unless both the key
 *   length and the PRF are written out (OpenSSL leaves out the key length):
 *   its decoder wants both fields.
 */
import {certHasKey, describeOid, P12_OID, type DecodedPfx, type PbeScheme, type Pkcs12Bag} from '../../core/pkcs12/index.js'
import {Certificate} from '../../core/pki/index.js'
import {renderCertificateFields} from '../render/certutil_pretty.js'
import {nssHexDump} from '../render/hex.js'

const I = (n: number): string => '    '.repeat(n)

function countLine(label: string, n: number, depth: number): string {
  return `${I(depth)}${label}: ${n} (0x${n.toString(16)})\n`
}

function saltBlock(salt: Buffer, iterations: number, depth: number): string {
  return `${I(depth)}Salt:\n` + nssHexDump(salt, I(depth + 1)) + countLine('Iteration Count', iterations, depth)
}

export function renderEncryption(scheme: PbeScheme): string {
  let s = `${I(1)}Encryption algorithm: ${scheme.name}\n`
  switch (scheme.kind) {
    case 'pkcs12':
    case 'pbes1':
      return s + `${I(2)}Parameters:\n` + saltBlock(scheme.salt, scheme.iterations, 3)
    case 'pbes2': {
      const kdf = scheme.kdf
      s += `${I(2)}Encryption:\n${I(3)}KDF: PKCS #5 Password Based Key Dervive Function v2 \n${I(4)}Parameters:\n`
      if (kdf.keyLength !== null && kdf.prfExplicit) {
        s += saltBlock(kdf.salt, kdf.iterations, 5) + countLine('Key Length', kdf.keyLength, 5)
        s += `${I(5)}KDF algorithm: ${describeOid(kdf.prf.hmacOid ?? kdf.prf.oid)}\n`
      }
      s += `${I(3)}Cipher: ${scheme.cipherName}\n`
      if (scheme.cipherParameters.length > 0) s += `${I(4)}Args:\n` + nssHexDump(scheme.cipherParameters, I(5))
      return s
    }
    case 'unsupported':
      if (scheme.salt !== null && scheme.iterations !== null) return s + `${I(2)}Parameters:\n` + saltBlock(scheme.salt, scheme.iterations, 3)
      if (scheme.parameters !== null && scheme.parameters.length > 0) s += `${I(2)}Args:\n` + nssHexDump(scheme.parameters, I(3))
      return s
  }
}

function friendly(name: string | null): string {
  return name === null ? '' : `${I(1)}Friendly Name: ${name}\n\n`
}

/**
 * NSS's SECOidTag numbers for the bag types it names but does not list
 * (observed: a secret bag prints as tag 166). NSS 3.87 cannot decode CRL
 * bags or unknown bag OIDs at all; this lists them instead, unknown ones
 * under tag 0 (SEC_OID_UNKNOWN).
 */
const BAG_TAGS: Readonly<Record<string, number>> = {[P12_OID.crlBag]: 165, [P12_OID.secretBag]: 166}

function otherBag(bag: Extract<Pkcs12Bag, {type: 'other'}>): string {
  return `unknown bag type(${BAG_TAGS[bag.bagId] ?? 0}): ${describeOid(bag.bagId)}\n\n`
}

/** The listing; with `raw` (-r) certificates are only named, their DER going to files. */
export function renderList(pfx: DecodedPfx, raw: boolean): string {
  let s = ''
  for (const bag of pfx.bags) {
    switch (bag.type) {
      case 'key':
        s += 'Key:\n' + friendly(bag.friendlyName)
        break
      case 'shroudedKey':
        s += 'Key(shrouded):\n' + friendly(bag.friendlyName) + renderEncryption(bag.encryption)
        break
      case 'certificate': {
        if (raw) {
          s += 'Certificate' + friendly(bag.friendlyName)
          break
        }
        s += certHasKey(pfx, bag) ? 'Certificate(has private key):\n' : 'Certificate:\n'
        s += renderCertificateFields(Certificate.fromDer(bag.value)) + '\n' + friendly(bag.friendlyName)
        break
      }
      case 'other':
        s += otherBag(bag)
        break
    }
  }
  return s
}
