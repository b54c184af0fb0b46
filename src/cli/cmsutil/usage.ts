import {MsgctlError} from '../../core/errors.js'

/** cmsutil's usage message (NSS 3.87, reference §4.1), printed on stderr with exit 255. */
const USAGE_HEAD = `Usage:  cmsutil [-C|-D|-E|-O|-S] [<options>] [-d dbdir] [-u certusage]
 -C            create a CMS encrypted data message
 -D            decode a CMS message
  -b           decode a batch of files named in infile
  -c content   use this detached content
  -n           suppress output of content
  -h num       display num levels of CMS message info as email headers
  -k           keep decoded encryption certs in perm cert db
 -E            create a CMS enveloped data message
  -r id,...    create envelope for these recipients,
               where id can be a certificate nickname or email address
 -S            create a CMS signed data message
  -G           include a signing time attribute
  -H hash      use hash (default:SHA256)
  -N nick      use certificate named "nick" for signing
  -P           include a SMIMECapabilities attribute
  -T           do not include content in CMS message
  -Y nick      include a EncryptionKeyPreference attribute with cert
                 (use "NONE" to omit)
 -O            create a CMS signed message containing only certificates
 General Options:
 -d dbdir      key/cert database directory (default: ~/.netscape)
 -e envelope   enveloped data message in this file is used for bulk key
 -i infile     use infile as source of data (default: stdin)
 -o outfile    use outfile as destination of data (default: stdout)
 -p password   use password as key db password (default: prompt)
 -f pwfile     use password file to set password on all PKCS#11 tokens)
 -u certusage  set type of certificate usage (default: certUsageEmailSigner)
 -v            print debugging information

Cert usage codes:
`

/** certUsage names by cmsutil -u code; 12 (IPsec) is listed but refused, as in NSS 3.87. */
export const CERT_USAGES = [
  'certUsageSSLClient', 'certUsageSSLServer', 'certUsageSSLServerWithStepUp', 'certUsageSSLCA', 'certUsageEmailSigner',
  'certUsageEmailRecipient', 'certUsageObjectSigner', 'certUsageUserCertImport', 'certUsageVerifyCA',
  'certUsageProtectedObjectSigner', 'certUsageStatusResponder', 'certUsageAnyCA', 'certUsageIPsec',
] as const

/** The certutil -V letter that checks the same thing as each cmsutil usage code. */
export const USAGE_LETTERS = ['C', 'V', 'I', 'L', 'S', 'R', 'J', 'S', 'A', 'J', 'O', 'A'] as const

export function usageText(): string {
  return USAGE_HEAD + CERT_USAGES.map((name, i) => `${''.padEnd(25)} ${String(i).padStart(2)} - ${name}\n`).join('')
}

/** Print the usage and exit 255, after an optional `cmsutil: ...` line. */
export function usageError(message?: string): never {
  throw new MsgctlError(`${message ?? 'no mode given; use one of -C -D -E -O -S'}\n${usageText()}`.replace(/\n$/, ''), 255)
}

export type Mode = 'encrypted' | 'decode' | 'envelope' | 'certsonly' | 'sign'

const MODES: readonly [Mode, string][] = [['encrypted', 'C'], ['decode', 'D'], ['envelope', 'E'], ['certsonly', 'O'], ['sign', 'S']]

/** Options that belong to one mode (NSS refuses them elsewhere). */
const MODE_OPTIONS: readonly [string, string, Mode][] = [
  ['signingtime', 'G', 'sign'], ['hash', 'H', 'sign'], ['nickname', 'N', 'sign'], ['capabilities', 'P', 'sign'], ['detached', 'T', 'sign'],
  ['keypref', 'Y', 'sign'], ['subjectkeyid', 'Z', 'sign'],
  ['batch', 'b', 'decode'], ['content', 'c', 'decode'], ['headers', 'h', 'decode'], ['keep', 'k', 'decode'], ['nocontent', 'n', 'decode'], ['json', '-json', 'decode'],
]

export function modeOf(flags: Record<string, unknown>): Mode {
  const given = MODES.filter(([name]) => flags[name] === true)
  if (given.length === 0) usageError()
  if (given.length > 1) usageError(`only one mode at a time: ${given.map(([, l]) => `-${l}`).join(' ')}`)
  const mode = given[0]![0]
  const letter = given[0]![1]
  for (const [name, opt, owner] of MODE_OPTIONS) {
    if (flags[name] !== undefined && owner !== mode) {
      const ownerLetter = MODES.find(([m]) => m === owner)![1]
      usageError(`option -${opt} only supported with option -${ownerLetter}.${letter ? '' : ''}`)
    }
  }
  return mode
}
