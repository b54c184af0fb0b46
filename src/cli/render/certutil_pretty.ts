/**
 * `certutil -L -n NICK`: a certificate in NSS's pretty-print layout
 * (reference §1.5.2), four spaces per level. Layout facts were observed
 * with NSS 3.87 on certificates made by certutil and by openssl.
 */
import {
  OID, EKU_NAMES, KEY_USAGE_BITS, NS_CERT_TYPE_BITS, der, decodeGeneralName, formatNssDate,
  type Certificate, type Extension, type GeneralName, type TrustBlock,
} from '../../core/pki/index.js'
import {oidDisplay, renderAny, renderAnyBytes, smallIntegerText} from './der_any.js'
import {lines, nssHexDump, upperColonHex} from './hex.js'

const I1 = '    '
const I2 = I1 + I1
const I3 = I2 + I1
const I4 = I3 + I1
const I5 = I4 + I1

/** `Label: N (0xN)` for up to 4 content octets, else `Label:` and a dump one level deeper. */
export function renderInteger(label: string, content: Buffer, indent: string): string {
  const small = smallIntegerText(content)
  return small !== null ? `${indent}${label}: ${small}\n` : `${indent}${label}:\n` + nssHexDump(content, indent + I1)
}

/** One GeneralName as NSS lists it (SAN, issuer alt name, AKI issuer, CRL DP). */
export function renderGeneralName(n: GeneralName, indent: string): string {
  switch (n.type) {
    case 'dNSName':
      return `${indent}DNS name: "${n.value}"\n`
    case 'rfc822Name':
      return `${indent}RFC822 Name: "${n.value}"\n`
    case 'uniformResourceIdentifier':
      return `${indent}URI: "${n.value}"\n`
    case 'iPAddress':
      return `${indent}IP Address: ${n.value}\n`
    case 'directoryName':
      return `${indent}Directory Name: "${n.name.text}"\n`
    case 'registeredID':
      return `${indent}Registered ID: ${oidDisplay(n.oid)}\n`
    case 'otherName':
      return renderOtherName(n.der, n.typeId, indent)
    case 'x400Address':
    case 'ediPartyName':
      return `${indent}${n.type === 'x400Address' ? 'X400 Address' : 'EDI Party'}:\n` + nssHexDump(n.der, indent + I1)
  }
}

function renderOtherName(raw: Buffer, typeId: string, indent: string): string {
  // [0] { type-id OID, [0] EXPLICIT value }
  let value = ''
  try {
    const explicitValue = der.childrenOf(der.parseDer(raw))[1]
    const inner = explicitValue === undefined ? undefined : der.childrenOf(explicitValue)[0]
    if (inner !== undefined) value = renderAny(inner, indent, 'Other Name')
  } catch {
    value = ''
  }
  if (value === '') value = `${indent}Other Name:\n` + nssHexDump(raw, indent + I1)
  return value + `${indent}${I1}OID: ${oidDisplay(typeId)}\n`
}

function bitNames(table: readonly {bit: number; display: string}[], bits: number): string[] {
  return table.filter((b) => (bits & (1 << b.bit)) !== 0).map((b) => b.display)
}

/** The lines of one extension's value (after `Name:` and `Critical:`). */
function extensionBody(e: Extension): string {
  const d = e.decoded
  switch (d?.kind) {
    case 'basicConstraints':
      if (!d.ca) return `${I3}Data: Is not a CA.\n`
      return d.pathLength === null
        ? `${I3}Data: Is a CA with no maximum path length.\n`
        : `${I3}Data: Is a CA with a maximum path length of ${d.pathLength}.\n`
    case 'keyUsage':
      return bitNames(KEY_USAGE_BITS, d.bits).map((n, i) => `${I3}${i === 0 ? 'Usages: ' : '        '}${n}\n`).join('')
    case 'extKeyUsage':
      return d.purposes.map((p) => `${I4}${EKU_NAMES[p] ?? oidDisplay(p)}\n`).join('')
    case 'subjectAltName':
    case 'issuerAltName':
      return d.names.map((n) => renderGeneralName(n, I3)).join('')
    case 'nsCertType':
      return `${I3}Data: <${bitNames(NS_CERT_TYPE_BITS, d.bits).join(',')}>\n`
    case 'subjectKeyIdentifier':
      return `${I3}Data:\n` + nssHexDump(d.keyIdentifier, I4)
    case 'authorityKeyIdentifier': {
      let s = ''
      if (d.keyIdentifier !== null) s += `${I3}Key ID:\n` + nssHexDump(d.keyIdentifier, I4)
      if (d.authorityCertIssuer !== null) s += `${I3}Issuer: \n` + d.authorityCertIssuer.map((n) => renderGeneralName(n, I4)).join('')
      if (d.authorityCertSerialNumber !== null) s += renderSerialOf(e.value, I3)
      return s
    }
    default:
      return otherExtensionBody(e)
  }
}

/** The AKI's authorityCertSerialNumber ([2] IMPLICIT INTEGER), printed like a serial. */
function renderSerialOf(akiValue: Buffer, indent: string): string {
  const serial = der.childrenOf(der.parseDer(akiValue)).find((n) => n.cls === 2 && n.tagNumber === 2)
  return serial === undefined ? '' : renderInteger('Serial Number', serial.content, indent)
}

const AIA_METHODS: Readonly<Record<string, string>> = {
  '1.3.6.1.5.5.7.48.1': 'PKIX Online Certificate Status Protocol',
}

/** Extensions the PKI core leaves undecoded: the simple forms observed, else the generic dump. */
function otherExtensionBody(e: Extension): string {
  try {
    switch (e.oid) {
      case OID.certificatePolicies: {
        const policies = der.childrenOf(der.parseDer(e.value))
        if (policies.some((p) => der.childrenOf(p).length !== 1)) break
        return `${I3}Data: \n` + policies.map((p) => `${I4}Policy Name: ${oidDisplay(der.decodeOid(der.childrenOf(p)[0] as der.DerNode))}\n`).join('')
      }
      case OID.crlDistributionPoints: {
        let s = ''
        for (const dp of der.childrenOf(der.parseDer(e.value))) {
          const parts = der.childrenOf(dp)
          const dpName = parts[0]
          if (parts.length !== 1 || dpName === undefined || dpName.tagNumber !== 0) return renderAnyBytes(e.value, I3, 'Data')
          const fullName = der.childrenOf(dpName)[0]
          if (fullName === undefined || fullName.tagNumber !== 0) return renderAnyBytes(e.value, I3, 'Data')
          s += `${I3}Distribution point:\n`
          for (const gn of der.childrenOf(fullName)) s += renderGeneralName(decodeGeneralName(gn), I4)
        }
        return s
      }
      case OID.authorityInfoAccess: {
        let s = ''
        for (const ad of der.childrenOf(der.parseDer(e.value))) {
          const [method, location] = der.childrenOf(ad)
          if (method === undefined || location === undefined) return renderAnyBytes(e.value, I3, 'Data')
          const m = der.decodeOid(method)
          const name = AIA_METHODS[m]
          if (name === undefined) return renderAnyBytes(e.value, I3, 'Data')
          s += `${I3}Method: ${name}\n${I3}Location: \n` + renderGeneralName(decodeGeneralName(location), I4)
        }
        return s
      }
    }
  } catch {
    // fall through to the generic dump
  }
  return renderAnyBytes(e.value, I3, 'Data')
}

/** `Signed Extensions:` and every extension, each followed by a blank line; empty when there are none. */
export function renderExtensions(extensions: readonly Extension[]): string {
  if (extensions.length === 0) return ''
  let s = `${I2}Signed Extensions:\n`
  for (const e of extensions) {
    const name = e.name === e.oid ? `OID.${e.oid}` : e.name
    s += `${I3}Name: ${name}\n`
    if (e.critical) s += `${I3}Critical: True\n`
    s += extensionBody(e) + '\n'
  }
  return s
}

function renderPublicKey(cert: Certificate): string {
  const spki = cert.subjectPublicKeyInfo
  let s = `${I2}Subject Public Key Info:\n${I3}Public Key Algorithm: ${spki.algorithmName}\n`
  if (spki.rsa !== null && spki.type === 'rsa') {
    s += `${I3}RSA Public Key:\n${I4}Modulus:\n` + nssHexDump(spki.rsa.modulus, I5)
    const e = spki.rsa.exponent
    s += `${I4}Exponent: ${e} (0x${e.toString(16)})\n`
  } else if (spki.ec !== null) {
    if (spki.algorithm.parameters !== null) s += `${I4}Args:\n` + nssHexDump(spki.algorithm.parameters, I5)
    s += `${I3}EC Public Key:\n${I4}PublicValue:\n` + nssHexDump(spki.ec.point, I5)
    if (spki.ec.curveOid !== null) s += `${I4}Curve: ${spki.ec.curveDisplayName}\n`
  } else {
    s += `${I3}Public Key:\n` + nssHexDump(spki.subjectPublicKey, I4)
  }
  return s
}

/** The `Certificate Trust Flags:` block (one level in). */
export function renderTrustBlock(trust: TrustBlock): string {
  const cat = (label: string, ls: readonly string[]): string => `${I2}${label}:\n` + ls.map((l) => `${I3}${l}\n`).join('')
  return `${I1}Certificate Trust Flags:\n` + cat('SSL Flags', trust.ssl) + cat('Email Flags', trust.email) + cat('Object Signing Flags', trust.objectSigning)
}

/**
 * The whole `-L -n` output for a certificate. `trust` comes from
 * trustBlockLines(flags, hasPrivateKey); null leaves the trust block out
 * (a certificate without a trust record).
 */
export function renderCertificate(cert: Certificate, trust: TrustBlock | null): string {
  let s = 'Certificate:\n' + renderCertificateFields(cert)
  s += lines(['', `${I1}Mozilla-CA-Policy: false (attribute missing)`])
  if (trust !== null) s += renderTrustBlock(trust)
  return s + '\n'
}

/**
 * The body under the `Certificate:` line, from `Data:` through the SHA1
 * fingerprint: what pk12util -l prints for a certificate bag.
 */
export function renderCertificateFields(cert: Certificate): string {
  let s = `${I1}Data:\n`
  s += `${I2}Version: ${cert.version} (0x${(cert.version - 1).toString(16)})\n`
  s += renderInteger('Serial Number', cert.serialNumberBytes, I2)
  s += lines([
    `${I2}Signature Algorithm: ${cert.signatureAlgorithm.name}`,
    `${I2}Issuer: "${cert.issuer.text}"`,
    `${I2}Validity:`,
    `${I3}Not Before: ${formatNssDate(cert.notBefore)}`,
    `${I3}Not After : ${formatNssDate(cert.notAfter)}`,
    `${I2}Subject: "${cert.subject.text}"`,
  ])
  s += renderPublicKey(cert)
  s += renderExtensions(cert.extensions)
  s += `${I1}Signature Algorithm: ${cert.signatureAlgorithm.name}\n${I1}Signature:\n` + nssHexDump(cert.signature, I2)
  s += lines([
    `${I1}Fingerprint (SHA-256):`, `${I2}${upperColonHex(cert.fingerprintSha256)}`,
    `${I1}Fingerprint (SHA1):`, `${I2}${upperColonHex(cert.fingerprintSha1)}`,
  ])
  return s
}
