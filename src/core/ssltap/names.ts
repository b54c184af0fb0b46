import {ianaSuiteName} from './iana_suites.js'
import {nssAlertName, nssCompressionName, nssExtensionName, nssHandshakeName, nssRecordTypeName, nssSuiteName, UNKNOWN_SUITE} from './nss_names.js'
import {Reader, Truncated} from './reader.js'

/** `nss`: exactly what NSS ssltap prints; `iana`: the registries' names where NSS has none. */
export type Naming = 'nss' | 'iana'

const isGrease = (v: number): boolean => (v & 0x0f0f) === 0x0a0a && v >> 8 === (v & 0xff)

export function suiteName(code: number, n: Naming): string {
  const nss = nssSuiteName(code)
  if (n === 'nss' || code > 0xffff) return nss
  const iana = ianaSuiteName(code)
  return iana ?? (nss === UNKNOWN_SUITE ? `unassigned` : nss)
}

const EXTENSIONS = new Map<number, string>([
  [0, 'server_name'], [1, 'max_fragment_length'], [2, 'client_certificate_url'], [3, 'trusted_ca_keys'], [4, 'truncated_hmac'],
  [5, 'status_request'], [6, 'user_mapping'], [7, 'client_authz'], [8, 'server_authz'], [9, 'cert_type'], [10, 'supported_groups'],
  [11, 'ec_point_formats'], [12, 'srp'], [13, 'signature_algorithms'], [14, 'use_srtp'], [15, 'heartbeat'],
  [16, 'application_layer_protocol_negotiation'], [17, 'status_request_v2'], [18, 'signed_certificate_timestamp'],
  [19, 'client_certificate_type'], [20, 'server_certificate_type'], [21, 'padding'], [22, 'encrypt_then_mac'],
  [23, 'extended_master_secret'], [24, 'token_binding'], [25, 'cached_info'], [26, 'tls_lts'], [27, 'compress_certificate'],
  [28, 'record_size_limit'], [29, 'pwd_protect'], [30, 'pwd_clear'], [31, 'password_salt'], [32, 'ticket_pinning'],
  [33, 'tls_cert_with_extern_psk'], [34, 'delegated_credential'], [35, 'session_ticket'], [36, 'TLMSP'], [37, 'TLMSP_proxying'],
  [38, 'TLMSP_delegate'], [39, 'supported_ekt_ciphers'], [41, 'pre_shared_key'], [42, 'early_data'], [43, 'supported_versions'],
  [44, 'cookie'], [45, 'psk_key_exchange_modes'], [47, 'certificate_authorities'], [48, 'oid_filters'], [49, 'post_handshake_auth'],
  [50, 'signature_algorithms_cert'], [51, 'key_share'], [52, 'transparency_info'], [53, 'connection_id_deprecated'], [54, 'connection_id'],
  [55, 'external_id_hash'], [56, 'external_session_id'], [57, 'quic_transport_parameters'], [58, 'ticket_request'],
  [59, 'dnssec_chain'], [60, 'sequence_number_encryption_algorithms'], [61, 'rrc'], [0xfd00, 'ech_outer_extensions'],
  [0xfe0d, 'encrypted_client_hello'], [0xff01, 'renegotiation_info'], [13172, 'next_protocol_negotiation'], [17513, 'application_settings'],
])

export function extensionName(type: number, n: Naming): string {
  if (n === 'nss') return nssExtensionName(type)
  const name = EXTENSIONS.get(type) ?? (isGrease(type) ? 'GREASE' : 'unassigned')
  return `${name} (${type})`
}

const HANDSHAKES = new Map<number, string>([
  [3, 'hello_verify_request'], [5, 'end_of_early_data'], [6, 'hello_retry_request'], [8, 'encrypted_extensions'], [9, 'request_connection_id'],
  [10, 'new_connection_id'], [17, 'certificate_url'], [21, 'certificate_url'], [23, 'supplemental_data'], [24, 'key_update'],
  [25, 'compressed_certificate'], [26, 'ekt_key'], [254, 'message_hash'],
])

export function handshakeName(type: number, n: Naming): string {
  const nss = nssHandshakeName(type)
  return n === 'iana' && nss === 'unknown' ? (HANDSHAKES.get(type) ?? 'unknown') : nss
}

export function recordTypeName(type: number, n: Naming): string {
  if (n === 'iana' && type === 24) return 'heartbeat'
  if (n === 'iana' && type === 25) return 'tls12_cid'
  return nssRecordTypeName(type)
}

const ALERTS = new Map<number, string>([
  [86, 'inappropriate_fallback'], [109, 'missing_extension'], [115, 'unknown_psk_identity'], [116, 'certificate_required'],
  [117, 'general_error'], [120, 'no_application_protocol'], [121, 'ech_required'],
])

export function alertName(desc: number, n: Naming): string | null {
  return nssAlertName(desc) ?? (n === 'iana' ? (ALERTS.get(desc) ?? null) : null)
}

export function compressionName(code: number, _n: Naming): string {
  return nssCompressionName(code)
}

const GROUPS = new Map<number, string>([
  [1, 'sect163k1'], [2, 'sect163r1'], [3, 'sect163r2'], [4, 'sect193r1'], [5, 'sect193r2'], [6, 'sect233k1'], [7, 'sect233r1'],
  [8, 'sect239k1'], [9, 'sect283k1'], [10, 'sect283r1'], [11, 'sect409k1'], [12, 'sect409r1'], [13, 'sect571k1'], [14, 'sect571r1'],
  [15, 'secp160k1'], [16, 'secp160r1'], [17, 'secp160r2'], [18, 'secp192k1'], [19, 'secp192r1'], [20, 'secp224k1'], [21, 'secp224r1'],
  [22, 'secp256k1'], [23, 'secp256r1'], [24, 'secp384r1'], [25, 'secp521r1'], [26, 'brainpoolP256r1'], [27, 'brainpoolP384r1'],
  [28, 'brainpoolP512r1'], [29, 'x25519'], [30, 'x448'], [31, 'brainpoolP256r1tls13'], [32, 'brainpoolP384r1tls13'],
  [33, 'brainpoolP512r1tls13'], [34, 'GC256A'], [35, 'GC256B'], [36, 'GC256C'], [37, 'GC256D'], [38, 'GC512A'], [39, 'GC512B'],
  [40, 'GC512C'], [41, 'curveSM2'], [256, 'ffdhe2048'], [257, 'ffdhe3072'], [258, 'ffdhe4096'], [259, 'ffdhe6144'], [260, 'ffdhe8192'],
  [512, 'MLKEM512'], [513, 'MLKEM768'], [514, 'MLKEM1024'], [4587, 'SecP256r1MLKEM768'], [4588, 'X25519MLKEM768'], [4589, 'SecP384r1MLKEM1024'],
  [25497, 'X25519Kyber768Draft00'], [0xff01, 'arbitrary_explicit_prime_curves'], [0xff02, 'arbitrary_explicit_char2_curves'],
])

export function groupName(g: number): string {
  return GROUPS.get(g) ?? (isGrease(g) ? 'GREASE' : `unknown`)
}

const SCHEMES = new Map<number, string>([
  [0x0201, 'rsa_pkcs1_sha1'], [0x0203, 'ecdsa_sha1'], [0x0401, 'rsa_pkcs1_sha256'], [0x0403, 'ecdsa_secp256r1_sha256'],
  [0x0420, 'rsa_pkcs1_sha256_legacy'], [0x0501, 'rsa_pkcs1_sha384'], [0x0503, 'ecdsa_secp384r1_sha384'], [0x0520, 'rsa_pkcs1_sha384_legacy'],
  [0x0601, 'rsa_pkcs1_sha512'], [0x0603, 'ecdsa_secp521r1_sha512'], [0x0620, 'rsa_pkcs1_sha512_legacy'], [0x0704, 'eccsi_sha256'],
  [0x0705, 'iso_ibs1'], [0x0706, 'iso_ibs2'], [0x0707, 'iso_chinese_ibs'], [0x0708, 'sm2sig_sm3'], [0x0709, 'gostr34102012_256a'],
  [0x070a, 'gostr34102012_256b'], [0x070b, 'gostr34102012_256c'], [0x070c, 'gostr34102012_256d'], [0x070d, 'gostr34102012_512a'],
  [0x070e, 'gostr34102012_512b'], [0x070f, 'gostr34102012_512c'], [0x0804, 'rsa_pss_rsae_sha256'], [0x0805, 'rsa_pss_rsae_sha384'],
  [0x0806, 'rsa_pss_rsae_sha512'], [0x0807, 'ed25519'], [0x0808, 'ed448'], [0x0809, 'rsa_pss_pss_sha256'], [0x080a, 'rsa_pss_pss_sha384'],
  [0x080b, 'rsa_pss_pss_sha512'], [0x081a, 'ecdsa_brainpoolP256r1tls13_sha256'], [0x081b, 'ecdsa_brainpoolP384r1tls13_sha384'],
  [0x081c, 'ecdsa_brainpoolP512r1tls13_sha512'], [0x0904, 'mldsa44'], [0x0905, 'mldsa65'], [0x0906, 'mldsa87'],
])
const HASHES = ['none', 'md5', 'sha1', 'sha224', 'sha256', 'sha384', 'sha512']
const SIGS = ['anonymous', 'rsa', 'dsa', 'ecdsa']

/** TLS 1.3 scheme name, else the TLS 1.2 hash/signature pair. */
export function schemeName(s: number): string {
  const n = SCHEMES.get(s)
  if (n) return n
  if (isGrease(s)) return 'GREASE'
  const h = HASHES[s >> 8]
  const g = SIGS[s & 0xff]
  return h && g ? `${g}_${h}` : 'unknown'
}

const VERSIONS = new Map<number, string>([[0x0002, 'SSL 2'], [0x0300, 'SSL 3.0'], [0x0301, 'TLS 1.0'], [0x0302, 'TLS 1.1'], [0x0303, 'TLS 1.2'], [0x0304, 'TLS 1.3'], [0xfeff, 'DTLS 1.0'], [0xfefd, 'DTLS 1.2'], [0xfefc, 'DTLS 1.3']])

export function versionName(v: number): string {
  return VERSIONS.get(v) ?? (v >> 8 === 0x7f ? `TLS 1.3 draft ${v & 0xff}` : isGrease(v) ? 'GREASE' : 'unknown')
}

const hex4 = (v: number): string => `0x${v.toString(16).padStart(4, '0')}`
const MAX_LINES = 64

/**
 * Readable lines for an extension body, for `--full` and `--json`: names
 * for groups, signature schemes and versions, lengths for key material.
 * `from` says which message it sits in, as some bodies differ (RFC 8446 4.2).
 * Type -13 names a single signature scheme (used by CertificateRequest).
 */
export function describeExtension(type: number, data: Uint8Array, from: 'client' | 'server' | 'retry'): string[] {
  const r = new Reader(data)
  const out: string[] = []
  const list16 = (name: (v: number) => string): void => {
    const l = r.sub(r.u16('list length'), 'list')
    while (l.left > 0) {
      const v = l.u16('entry')
      out.push(`${hex4(v)} ${name(v)}`)
    }
  }
  try {
    switch (type) {
      case -13:
        out.push(schemeName(r.u16('scheme')))
        break
      case 0: {
        if (data.length === 0) break
        const l = r.sub(r.u16('server name list length'), 'server name list')
        while (l.left > 0) {
          const t = l.u8('name type')
          const name = Buffer.from(l.bytes(l.u16('name length'), 'name')).toString('latin1')
          out.push(t === 0 ? `host_name: ${printable(name)}` : `name type ${t}: ${printable(name)}`)
        }
        break
      }
      case 10:
        list16(groupName)
        break
      case 13:
      case 50:
        list16(schemeName)
        break
      case 11: {
        const formats = ['uncompressed', 'ansiX962_compressed_prime', 'ansiX962_compressed_char2']
        for (const f of r.bytes(r.u8('formats length'), 'formats')) out.push(formats[f] ?? `format ${f}`)
        break
      }
      case 15: {
        const m = r.u8('heartbeat mode')
        out.push(m === 1 ? 'peer_allowed_to_send' : m === 2 ? 'peer_not_allowed_to_send' : `mode ${m}`)
        break
      }
      case 16: {
        const l = r.sub(r.u16('protocol list length'), 'protocol list')
        while (l.left > 0) out.push(printable(Buffer.from(l.bytes(l.u8('protocol length'), 'protocol')).toString('latin1')))
        break
      }
      case 43:
        if (from === 'client') {
          const l = r.sub(r.u8('versions length'), 'versions')
          while (l.left > 0) {
            const v = l.u16('version')
            out.push(`${hex4(v)} ${versionName(v)}`)
          }
        } else {
          const v = r.u16('selected version')
          out.push(`selected ${hex4(v)} ${versionName(v)}`)
        }
        break
      case 45: {
        const modes = ['psk_ke', 'psk_dhe_ke']
        for (const m of r.bytes(r.u8('modes length'), 'modes')) out.push(modes[m] ?? `mode ${m}`)
        break
      }
      case 51:
        if (from === 'retry') {
          const g = r.u16('selected group')
          out.push(`selected_group ${hex4(g)} ${groupName(g)}`)
        } else if (from === 'server') {
          const g = r.u16('group')
          out.push(`${hex4(g)} ${groupName(g)}, key_exchange length ${r.bytes(r.u16('key length'), 'key_exchange').length}`)
        } else {
          const l = r.sub(r.u16('client shares length'), 'client shares')
          while (l.left > 0) {
            const g = l.u16('group')
            out.push(`${hex4(g)} ${groupName(g)}, key_exchange length ${l.bytes(l.u16('key length'), 'key_exchange').length}`)
          }
        }
        break
      case 41:
        if (from === 'server') out.push(`selected_identity ${r.u16('selected identity')}`)
        else {
          const ids = r.sub(r.u16('identities length'), 'identities')
          let n = 0
          while (ids.left > 0) {
            const id = ids.bytes(ids.u16('identity length'), 'identity')
            out.push(`identity ${n++}: length ${id.length}, obfuscated_ticket_age ${ids.u32('ticket age')}`)
          }
          const b = r.sub(r.u16('binders length'), 'binders')
          while (b.left > 0) out.push(`binder length ${b.bytes(b.u8('binder length'), 'binder').length}`)
        }
        break
      case 1:
        out.push(`2^${8 + r.u8('max fragment length')}`)
        break
      case 28:
        out.push(`limit ${r.u16('record size limit')}`)
        break
      case 44:
        out.push(`cookie length ${r.bytes(r.u16('cookie length'), 'cookie').length}`)
        break
      case 0xff01:
        out.push(`renegotiated_connection length ${r.bytes(r.u8('length'), 'renegotiated_connection').length}`)
        break
      default:
        return out
    }
  } catch (err) {
    if (!(err instanceof Truncated)) throw err
    out.push(`[malformed: ${err.message}]`)
  }
  return out.length > MAX_LINES ? [...out.slice(0, MAX_LINES), `... ${out.length - MAX_LINES} more`] : out
}

/** Peer-supplied text is shown with control characters escaped, so it cannot forge output lines. */
export function printable(s: string): string {
  return s.replace(/[^\x20-\x7e]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`)
}
