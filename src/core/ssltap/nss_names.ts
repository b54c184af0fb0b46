/**
 * Names as NSS 3.87 ssltap prints them in `-s` output. These tables were
 * observed by feeding every code point through /usr/bin/ssltap, so that
 * scripts written against NSS output keep matching; codes NSS does not know
 * print as UNKNOWN_SUITE even where the IANA registry names them.
 */

export const UNKNOWN_SUITE = '????/????????/?????????/???'

const SUITES: readonly (readonly [number, string])[] = [
  [0x0001, 'SSL3/RSA/NULL/MD5'],
  [0x0002, 'SSL3/RSA/NULL/SHA'],
  [0x0003, 'SSL3/RSA/RC4-40/MD5'],
  [0x0004, 'SSL3/RSA/RC4-128/MD5'],
  [0x0005, 'SSL3/RSA/RC4-128/SHA'],
  [0x0006, 'SSL3/RSA/RC2CBC40/MD5'],
  [0x0007, 'SSL3/RSA/IDEA128CBC/SHA'],
  [0x0008, 'SSL3/RSA/DES40-CBC/SHA'],
  [0x0009, 'SSL3/RSA/DES56-CBC/SHA'],
  [0x000a, 'SSL3/RSA/3DES192EDE-CBC/SHA'],
  [0x000b, 'SSL3/DH-DSS/DES40-CBC/SHA'],
  [0x000c, 'SSL3/DH-DSS/DES56-CBC/SHA'],
  [0x000d, 'SSL3/DH-DSS/DES192EDE3CBC/SHA'],
  [0x000e, 'SSL3/DH-RSA/DES40-CBC/SHA'],
  [0x000f, 'SSL3/DH-RSA/DES56-CBC/SHA'],
  [0x0010, 'SSL3/DH-RSA/3DES192EDE-CBC/SHA'],
  [0x0011, 'SSL3/DHE-DSS/DES40-CBC/SHA'],
  [0x0012, 'SSL3/DHE-DSS/DES56-CBC/SHA'],
  [0x0013, 'SSL3/DHE-DSS/DES192EDE3CBC/SHA'],
  [0x0014, 'SSL3/DHE-RSA/DES40-CBC/SHA'],
  [0x0015, 'SSL3/DHE-RSA/DES56-CBC/SHA'],
  [0x0016, 'SSL3/DHE-RSA/3DES192EDE-CBC/SHA'],
  [0x0017, 'SSL3/DH-anon/RC4-40/MD5'],
  [0x0018, 'SSL3/DH-anon/RC4-128/MD5'],
  [0x0019, 'SSL3/DH-anon/DES40-CBC/SHA'],
  [0x001a, 'SSL3/DH-anon/DES56-CBC/SHA'],
  [0x001b, 'SSL3/DH-anon/3DES192EDE-CBC/SHA'],
  [0x001c, 'SSL3/FORTEZZA-DMS/NULL/SHA'],
  [0x001d, 'SSL3/FORTEZZA-DMS/FORTEZZA-CBC/SHA'],
  [0x001e, 'SSL3/FORTEZZA-DMS/RC4-128/SHA'],
  [0x002f, 'TLS/RSA/AES128-CBC/SHA'],
  [0x0030, 'TLS/DH-DSS/AES128-CBC/SHA'],
  [0x0031, 'TLS/DH-RSA/AES128-CBC/SHA'],
  [0x0032, 'TLS/DHE-DSS/AES128-CBC/SHA'],
  [0x0033, 'TLS/DHE-RSA/AES128-CBC/SHA'],
  [0x0034, 'TLS/DH-ANON/AES128-CBC/SHA'],
  [0x0035, 'TLS/RSA/AES256-CBC/SHA'],
  [0x0036, 'TLS/DH-DSS/AES256-CBC/SHA'],
  [0x0037, 'TLS/DH-RSA/AES256-CBC/SHA'],
  [0x0038, 'TLS/DHE-DSS/AES256-CBC/SHA'],
  [0x0039, 'TLS/DHE-RSA/AES256-CBC/SHA'],
  [0x003a, 'TLS/DH-ANON/AES256-CBC/SHA'],
  [0x003b, 'TLS/RSA/NULL/SHA256'],
  [0x003c, 'TLS/RSA/AES128-CBC/SHA256'],
  [0x003d, 'TLS/RSA/AES256-CBC/SHA256'],
  [0x003e, 'TLS/DH-DSS/AES128-CBC/SHA256'],
  [0x003f, 'TLS/DH-RSA/AES128-CBC/SHA256'],
  [0x0040, 'TLS/DHE-DSS/AES128-CBC/SHA256'],
  [0x0041, 'TLS/RSA/CAMELLIA128-CBC/SHA'],
  [0x0042, 'TLS/DH-DSS/CAMELLIA128-CBC/SHA'],
  [0x0043, 'TLS/DH-RSA/CAMELLIA128-CBC/SHA'],
  [0x0044, 'TLS/DHE-DSS/CAMELLIA128-CBC/SHA'],
  [0x0045, 'TLS/DHE-RSA/CAMELLIA128-CBC/SHA'],
  [0x0046, 'TLS/DH-ANON/CAMELLIA128-CBC/SHA'],
  [0x0060, 'TLS/RSA-EXPORT1024/RC4-56/MD5'],
  [0x0061, 'TLS/RSA-EXPORT1024/RC2CBC56/MD5'],
  [0x0062, 'TLS/RSA-EXPORT1024/DES56-CBC/SHA'],
  [0x0063, 'TLS/DHE-DSS_EXPORT1024/DES56-CBC/SHA'],
  [0x0064, 'TLS/RSA-EXPORT1024/RC4-56/SHA'],
  [0x0065, 'TLS/DHE-DSS_EXPORT1024/RC4-56/SHA'],
  [0x0066, 'TLS/DHE-DSS/RC4-128/SHA'],
  [0x0067, 'TLS/DHE-RSA/AES128-CBC/SHA256'],
  [0x0068, 'TLS/DH-DSS/AES256-CBC/SHA256'],
  [0x0069, 'TLS/DH-RSA/AES256-CBC/SHA256'],
  [0x006a, 'TLS/DHE-DSS/AES256-CBC/SHA256'],
  [0x006b, 'TLS/DHE-RSA/AES256-CBC/SHA256'],
  [0x0072, 'TLS/DHE-DSS/3DESEDE-CBC/RMD160'],
  [0x0073, 'TLS/DHE-DSS/AES128-CBC/RMD160'],
  [0x0074, 'TLS/DHE-DSS/AES256-CBC/RMD160'],
  [0x0079, 'TLS/DHE-RSA/AES256-CBC/RMD160'],
  [0x007c, 'TLS/RSA/3DESEDE-CBC/RMD160'],
  [0x007d, 'TLS/RSA/AES128-CBC/RMD160'],
  [0x007e, 'TLS/RSA/AES256-CBC/RMD160'],
  [0x0080, 'TLS/GOST341094/GOST28147-OFB/GOST28147'],
  [0x0081, 'TLS/GOST34102001/GOST28147-OFB/GOST28147'],
  [0x0082, 'TLS/GOST341094/NULL/GOSTR3411'],
  [0x0083, 'TLS/GOST34102001/NULL/GOSTR3411'],
  [0x0084, 'TLS/RSA/CAMELLIA256-CBC/SHA'],
  [0x0085, 'TLS/DH-DSS/CAMELLIA256-CBC/SHA'],
  [0x0086, 'TLS/DH-RSA/CAMELLIA256-CBC/SHA'],
  [0x0087, 'TLS/DHE-DSS/CAMELLIA256-CBC/SHA'],
  [0x0088, 'TLS/DHE-RSA/CAMELLIA256-CBC/SHA'],
  [0x0089, 'TLS/DH-ANON/CAMELLIA256-CBC/SHA'],
  [0x008a, 'TLS/PSK/RC4-128/SHA'],
  [0x008b, 'TLS/PSK/3DES-EDE-CBC/SHA'],
  [0x008c, 'TLS/PSK/AES128-CBC/SHA'],
  [0x008d, 'TLS/PSK/AES256-CBC/SHA'],
  [0x008e, 'TLS/DHE-PSK/RC4-128/SHA'],
  [0x008f, 'TLS/DHE-PSK/3DES-EDE-CBC/SHA'],
  [0x0090, 'TLS/DHE-PSK/AES128-CBC/SHA'],
  [0x0091, 'TLS/DHE-PSK/AES256-CBC/SHA'],
  [0x0092, 'TLS/RSA-PSK/RC4-128/SHA'],
  [0x0093, 'TLS/RSA-PSK/3DES-EDE-CBC/SHA'],
  [0x0094, 'TLS/RSA-PSK/AES128-CBC/SHA'],
  [0x0095, 'TLS/RSA-PSK/AES256-CBC/SHA'],
  [0x0096, 'TLS/RSA/SEED-CBC/SHA'],
  [0x0097, 'TLS/DH-DSS/SEED-CBC/SHA'],
  [0x0098, 'TLS/DH-RSA/SEED-CBC/SHA'],
  [0x0099, 'TLS/DHE-DSS/SEED-CBC/SHA'],
  [0x009a, 'TLS/DHE-RSA/SEED-CBC/SHA'],
  [0x009b, 'TLS/DH-ANON/SEED-CBC/SHA'],
  [0x009c, 'TLS/RSA/AES128-GCM/SHA256'],
  [0x009e, 'TLS/DHE-RSA/AES128-GCM/SHA256'],
  [0x00ff, 'TLS_EMPTY_RENEGOTIATION_INFO_SCSV'],
  [0x5600, 'TLS_FALLBACK_SCSV'],
  [0xc001, 'TLS/ECDH-ECDSA/NULL/SHA'],
  [0xc002, 'TLS/ECDH-ECDSA/RC4-128/SHA'],
  [0xc003, 'TLS/ECDH-ECDSA/3DES-EDE-CBC/SHA'],
  [0xc004, 'TLS/ECDH-ECDSA/AES128-CBC/SHA'],
  [0xc005, 'TLS/ECDH-ECDSA/AES256-CBC/SHA'],
  [0xc006, 'TLS/ECDHE-ECDSA/NULL/SHA'],
  [0xc007, 'TLS/ECDHE-ECDSA/RC4-128/SHA'],
  [0xc008, 'TLS/ECDHE-ECDSA/3DES-EDE-CBC/SHA'],
  [0xc009, 'TLS/ECDHE-ECDSA/AES128-CBC/SHA'],
  [0xc00a, 'TLS/ECDHE-ECDSA/AES256-CBC/SHA'],
  [0xc00b, 'TLS/ECDH-RSA/NULL/SHA'],
  [0xc00c, 'TLS/ECDH-RSA/RC4-128/SHA'],
  [0xc00d, 'TLS/ECDH-RSA/3DES-EDE-CBC/SHA'],
  [0xc00e, 'TLS/ECDH-RSA/AES128-CBC/SHA'],
  [0xc00f, 'TLS/ECDH-RSA/AES256-CBC/SHA'],
  [0xc010, 'TLS/ECDHE-RSA/NULL/SHA'],
  [0xc011, 'TLS/ECDHE-RSA/RC4-128/SHA'],
  [0xc012, 'TLS/ECDHE-RSA/3DES-EDE-CBC/SHA'],
  [0xc013, 'TLS/ECDHE-RSA/AES128-CBC/SHA'],
  [0xc014, 'TLS/ECDHE-RSA/AES256-CBC/SHA'],
  [0xc015, 'TLS/ECDH-anon/NULL/SHA'],
  [0xc016, 'TLS/ECDH-anon/RC4-128/SHA'],
  [0xc017, 'TLS/ECDH-anon/3DES-EDE-CBC/SHA'],
  [0xc018, 'TLS/ECDH-anon/AES128-CBC/SHA'],
  [0xc019, 'TLS/ECDH-anon/AES256-CBC/SHA'],
  [0xc023, 'TLS/ECDHE-ECDSA/AES128-CBC/SHA256'],
  [0xc024, 'TLS/ECDHE-ECDSA/AES256-CBC/SHA384'],
  [0xc025, 'TLS/ECDH-ECDSA/AES128-CBC/SHA256'],
  [0xc026, 'TLS/ECDH-ECDSA/AES256-CBC/SHA384'],
  [0xc027, 'TLS/ECDHE-RSA/AES128-CBC/SHA256'],
  [0xc028, 'TLS/ECDHE-RSA/AES256-CBC/SHA384'],
  [0xc029, 'TLS/ECDH-RSA/AES128-CBC/SHA256'],
  [0xc02a, 'TLS/ECDH-RSA/AES256-CBC/SHA384'],
  [0xc02b, 'TLS/ECDHE-ECDSA/AES128-GCM/SHA256'],
  [0xc02c, 'TLS/ECDHE-ECDSA/AES256-GCM/SHA384'],
  [0xc02f, 'TLS/ECDHE-RSA/AES128-GCM/SHA256'],
  [0xcca8, 'TLS/ECDHE-RSA/CHACHA20-POLY1305/SHA256'],
  [0xcca9, 'TLS/ECDHE-ECDSA/CHACHA20-POLY1305/SHA256'],
  [0xccaa, 'TLS/DHE-RSA/CHACHA20-POLY1305/SHA256'],
  [0xfefe, 'SSL3/RSA-FIPS/DES-CBC/SHA'],
  [0xfeff, 'SSL3/RSA-FIPS/3DESEDE-CBC/SHA'],
  [0xffe0, 'SSL3/RSA-FIPS/3DES192EDE-CBC/SHA'],
  [0xffe1, 'SSL3/RSA-FIPS/DES56-CBC/SHA'],
  [0x010080, 'SSL2/RSA/RC4-128/MD5'],
  [0x020080, 'SSL2/RSA/RC4-40/MD5'],
  [0x030080, 'SSL2/RSA/RC2CBC128/MD5'],
  [0x040080, 'SSL2/RSA/RC2CBC40/MD5'],
  [0x050080, 'SSL2/RSA/IDEA128CBC/MD5'],
  [0x060040, 'SSL2/RSA/DES56-CBC/MD5'],
  [0x0700c0, 'SSL2/RSA/3DES192EDE-CBC/MD5'],
]

const SUITE_NAMES = new Map<number, string>(SUITES)

/** NSS's short name of a cipher suite (2-byte TLS or 3-byte SSLv2 code). */
export function nssSuiteName(code: number): string {
  return SUITE_NAMES.get(code) ?? UNKNOWN_SUITE
}

/** NSS treats a suite as a NULL cipher (records stay readable after change_cipher_spec). */
export function nssIsNullCipher(code: number): boolean {
  return (SUITE_NAMES.get(code) ?? '').includes('/NULL/')
}

const EXTENSIONS = new Map<number, string>([
  [0, 'server_name'], [1, 'max_fragment_length'], [2, 'client_certificate_url'], [3, 'trusted_ca_keys'],
  [4, 'truncated_hmac'], [5, 'status_request'], [10, 'elliptic_curves'], [11, 'ec_point_formats'],
  [13, 'signature_algorithms'], [35, 'session_ticket'], [0xff01, 'renegotiation_info'],
])

export function nssExtensionName(type: number): string {
  return EXTENSIONS.get(type) ?? String(type)
}

const HANDSHAKES = new Map<number, string>([
  [0, 'hello_request'], [1, 'client_hello'], [2, 'server_hello'], [4, 'new_session_ticket'], [11, 'certificate'],
  [12, 'server_key_exchange'], [13, 'certificate_request'], [14, 'server_hello_done'], [15, 'certificate_verify'],
  [16, 'client_key_exchange'], [20, 'finished'], [22, 'certificate_status'],
])

export function nssHandshakeName(type: number): string {
  return HANDSHAKES.get(type) ?? 'unknown'
}

const RECORD_TYPES = new Map<number, string>([[20, 'change_cipher_spec'], [21, 'alert'], [22, 'handshake'], [23, 'application_data']])

export function nssRecordTypeName(type: number): string {
  return RECORD_TYPES.get(type) ?? 'unknown'
}

const ALERTS = new Map<number, string>([
  [0, 'close_notify'], [10, 'unexpected_message'], [20, 'bad_record_mac'], [21, 'decryption_failed'], [22, 'record_overflow'],
  [30, 'decompression_failure'], [40, 'handshake_failure'], [41, 'no_certificate'], [42, 'bad_certificate'],
  [43, 'unsupported_certificate'], [44, 'certificate_revoked'], [45, 'certificate_expired'], [46, 'certificate_unknown'],
  [47, 'illegal_parameter'], [48, 'unknown_ca'], [49, 'access_denied'], [50, 'decode_error'], [51, 'decrypt_error'],
  [60, 'export_restriction'], [70, 'protocol_version'], [71, 'insufficient_security'], [80, 'internal_error'],
  [90, 'user_canceled'], [100, 'no_renegotiation'], [110, 'unsupported_extension'], [111, 'certificate_unobtainable'],
  [112, 'unrecognized_name'], [113, 'bad_certificate_status_response'], [114, 'bad_certificate_hash_value'],
])

/** `null` when NSS prints `unknown alert N`. */
export function nssAlertName(desc: number): string | null {
  return ALERTS.get(desc) ?? null
}

const COMPRESSION = new Map<number, string>([[0, 'NULL'], [1, 'DEFLATE'], [64, 'LZS']])

export function nssCompressionName(code: number): string {
  return COMPRESSION.get(code) ?? '???'
}
