import {
  EKU_NAMES, formatNssDate, KEY_USAGE_BITS, NS_CERT_TYPE_BITS, type Certificate, type GeneralName, type TrustBlock,
} from '../core/pki/index.js'

const hexLines = (b: Buffer, indent: string): string[] => {
  const out: string[] = []
  for (let i = 0; i < b.length; i += 16) out.push(indent + [...b.subarray(i, i + 16)].map((x) => x.toString(16).padStart(2, '0')).join(':') + (i + 16 < b.length ? ':' : ''))
  return out
}
const upperHex = (b: Buffer) => [...b].map((x) => x.toString(16).toUpperCase().padStart(2, '0')).join(':')

/** NSS prints small integers as "N (0xN)" and wider ones as colon hex on their own line. */
function integerLines(label: string, bytes: Buffer, value: bigint, indent: string): string[] {
  const trimmed = bytes.length > 1 && bytes[0] === 0 ? bytes.subarray(1) : bytes
  if (trimmed.length <= 4) return [`${indent}${label}: ${value} (0x${value.toString(16)})`]
  return [`${indent}${label}:`, ...hexLines(bytes, indent + '    ')]
}

function generalName(n: GeneralName): string {
  switch (n.type) {
    case 'dNSName':
      return `DNS name: "${n.value}"`
    case 'rfc822Name':
      return `RFC822 Name: "${n.value}"`
    case 'uniformResourceIdentifier':
      return `URI: "${n.value}"`
    case 'iPAddress':
      return `IP Address: ${n.value}`
    case 'directoryName':
      return `Directory Name: "${n.name.text}"`
    case 'registeredID':
      return `Registered ID: ${n.oid}`
    default:
      return `Other Name: ${n.type}`
  }
}

/** The extension block lines of -L -n, indented 12. */
function extensionLines(cert: Certificate): string[] {
  const ind = '            '
  const blocks: string[][] = []
  for (const e of cert.extensions) {
    const lines = [`${ind}Name: ${e.name}`]
    if (e.critical) lines.push(`${ind}Critical: True`)
    const d = e.decoded
    switch (d?.kind) {
      case 'subjectAltName':
        lines.push(...d.names.map((n) => ind + generalName(n)))
        break
      case 'extKeyUsage':
        lines.push(...d.purposes.map((p) => `${ind}    ${EKU_NAMES[p] ?? p}`))
        break
      case 'keyUsage': {
        const names = KEY_USAGE_BITS.filter((b) => d.bits & (1 << b.bit)).map((b) => b.display)
        lines.push(...names.map((n, i) => (i === 0 ? `${ind}Usages: ${n}` : `${ind}        ${n}`)))
        break
      }
      case 'nsCertType': {
        const names = NS_CERT_TYPE_BITS.filter((b) => d.bits & (1 << b.bit)).map((b) => `<${b.display}>`)
        lines.push(`${ind}Data: ${names.join(',')}`)
        break
      }
      case 'basicConstraints':
        lines.push(`${ind}Data: ${d.ca ? (d.pathLength === null ? 'Is a CA with no maximum path length.' : `Is a CA with a maximum path length of ${d.pathLength}.`) : 'Is not a CA.'}`)
        break
      case 'subjectKeyIdentifier':
        lines.push(`${ind}Data:`, ...hexLines(d.keyIdentifier, ind + '    '))
        break
      default:
        lines.push(`${ind}Data:`, ...hexLines(e.value, ind + '    '))
    }
    blocks.push(lines)
  }
  return blocks.flatMap((b, i) => (i < blocks.length - 1 ? [...b, ''] : b))
}

/** certutil -L -n NICK: the certificate in NSS's pretty-print layout (reference §1.5.2). */
export function renderCertificate(cert: Certificate, trust: TrustBlock): string {
  const spki = cert.subjectPublicKeyInfo
  const L: string[] = ['Certificate:', '    Data:', `        Version: ${cert.version} (0x${(cert.version - 1).toString(16)})`]
  L.push(...integerLines('Serial Number', cert.serialNumberBytes, cert.serialNumber, '        '))
  L.push(
    `        Signature Algorithm: ${cert.signatureAlgorithm.name}`,
    `        Issuer: "${cert.issuer.text}"`,
    '        Validity:',
    `            Not Before: ${formatNssDate(cert.notBefore)}`,
    `            Not After : ${formatNssDate(cert.notAfter)}`,
    `        Subject: "${cert.subject.text}"`,
    '        Subject Public Key Info:',
    `            Public Key Algorithm: ${spki.algorithmName}`,
  )
  if (spki.rsa) {
    L.push('            RSA Public Key:', '                Modulus:', ...hexLines(spki.rsa.modulus, '                    '))
    L.push(`                Exponent: ${spki.rsa.exponent} (0x${spki.rsa.exponent.toString(16)})`)
  } else if (spki.ec) {
    const params = spki.algorithm.parameters
    if (params) L.push('                Args:', ...hexLines(params, '                    '))
    L.push('            EC Public Key:', '                PublicValue:', ...hexLines(spki.ec.point, '                    '), `                Curve: ${spki.ec.curveDisplayName}`)
  } else {
    L.push('            Public Key:', ...hexLines(spki.subjectPublicKey, '                '))
  }
  if (cert.extensions.length > 0) L.push('        Signed Extensions:', ...extensionLines(cert))
  L.push('', `    Signature Algorithm: ${cert.signatureAlgorithm.name}`, '    Signature:', ...hexLines(cert.signature, '        '))
  L.push('    Fingerprint (SHA-256):', `        ${upperHex(cert.fingerprintSha256)}`, '    Fingerprint (SHA1):', `        ${upperHex(cert.fingerprintSha1)}`, '')
  L.push('    Mozilla-CA-Policy: false (attribute missing)', '    Certificate Trust Flags:')
  for (const [label, lines] of [['SSL Flags', trust.ssl], ['Email Flags', trust.email], ['Object Signing Flags', trust.objectSigning]] as const) {
    L.push(`        ${label}:`, ...lines.map((l) => `            ${l}`))
  }
  return L.join('\n') + '\n\n'
}
