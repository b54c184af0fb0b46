import assert from 'node:assert/strict'
import {execFileSync} from 'node:child_process'
import {test} from 'node:test'
import {CipherListError, DEFAULT_TLS12_CIPHERS, DEFAULT_TLS13_SUITES, parseCipherList} from '../../src/daemon/tls/index.js'

const TLS13_DEFAULT = DEFAULT_TLS13_SUITES.join(':')

/** Input, expected TLS 1.2 list, expected TLS 1.3 list, and one substring per expected warning (in order). */
const ACCEPTED: ReadonlyArray<readonly [string, string, string, readonly string[]]> = [
  ['', DEFAULT_TLS12_CIPHERS.join(':'), TLS13_DEFAULT, []],
  ['  , ,  ', DEFAULT_TLS12_CIPHERS.join(':'), TLS13_DEFAULT, []],
  ['ECDHE-RSA-AES128-GCM-SHA256', 'ECDHE-RSA-AES128-GCM-SHA256', TLS13_DEFAULT, []],
  ['TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256', 'ECDHE-RSA-AES128-GCM-SHA256', TLS13_DEFAULT, []],
  // Mixed spellings and separators; order kept, duplicates once.
  [
    'TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256, ECDHE-RSA-AES256-GCM-SHA384 tls_ecdhe_rsa_with_aes_256_gcm_sha384,ecdhe-ecdsa-aes128-sha',
    'ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-AES128-SHA',
    TLS13_DEFAULT,
    [],
  ],
  ['TLS_AES_256_GCM_SHA384,ECDHE-RSA-AES128-GCM-SHA256', 'ECDHE-RSA-AES128-GCM-SHA256', 'TLS_AES_256_GCM_SHA384', []],
  ['TLS_CHACHA20_POLY1305_SHA256 TLS_AES_128_GCM_SHA256', '', 'TLS_CHACHA20_POLY1305_SHA256:TLS_AES_128_GCM_SHA256', ['only TLS 1.3 clients']],
  // The 389-DS +/- form: a disabled suite is left out, silently.
  ['+ECDHE-RSA-AES128-GCM-SHA256,-ECDHE-RSA-AES256-GCM-SHA384,-rsa_rc4_128_md5', 'ECDHE-RSA-AES128-GCM-SHA256', TLS13_DEFAULT, []],
  ['!DES-CBC3-SHA:ECDHE-ECDSA-AES256-GCM-SHA384', 'ECDHE-ECDSA-AES256-GCM-SHA384', TLS13_DEFAULT, []],
  // Static RSA: enabled, with a warning naming the forward-secret twin.
  ['AES128-GCM-SHA256', 'AES128-GCM-SHA256', TLS13_DEFAULT, ['AES128-GCM-SHA256 has no forward secrecy (RSA key exchange); it is enabled, but prefer ECDHE-RSA-AES128-GCM-SHA256']],
  ['tls_rsa_aes_256_sha', 'AES256-SHA', TLS13_DEFAULT, ['prefer ECDHE-RSA-AES256-GCM-SHA384']],
  ['DHE-RSA-AES128-GCM-SHA256', 'DHE-RSA-AES128-GCM-SHA256', TLS13_DEFAULT, []],
  // The seed's six ciphers of Table 19-2 next to one modern suite: refused one by one, by name.
  [
    'rsa_rc4_128_md5,rsa_3des_sha,rsa_des_sha,rsa_rc4_40_md5,rsa_rc2_40_md5,rsa_null_md5,ECDHE-RSA-AES128-GCM-SHA256',
    'ECDHE-RSA-AES128-GCM-SHA256',
    TLS13_DEFAULT,
    [
      'rsa_rc4_128_md5 is RC4 and is never enabled; use ECDHE-RSA-AES128-GCM-SHA256',
      'rsa_3des_sha is 3DES and is never enabled',
      'rsa_des_sha is single DES and is never enabled',
      'rsa_rc4_40_md5 is RC4',
      'rsa_rc2_40_md5 is RC2',
      'rsa_null_md5 is NULL (no encryption)',
    ],
  ],
  [
    'SSL_RSA_WITH_RC4_128_MD5 fortezza fortezza_null tls_rsa_export1024_with_rc4_56_sha TLS_ECDHE_ECDSA_WITH_RC4_128_SHA ADH-AES128-SHA EXP-RC4-MD5 DES-CBC3-SHA TLS_DHE_DSS_WITH_AES_128_CBC_SHA rsa_fips_3des_sha desede3 TLS_AES_128_GCM_SHA256',
    '',
    'TLS_AES_128_GCM_SHA256',
    [
      'SSL_RSA_WITH_RC4_128_MD5 is RC4',
      'fortezza is FORTEZZA',
      'fortezza_null is NULL',
      'tls_rsa_export1024_with_rc4_56_sha is an export-grade suite',
      'TLS_ECDHE_ECDSA_WITH_RC4_128_SHA is RC4 and is never enabled; use ECDHE-ECDSA-AES128-GCM-SHA256',
      'ADH-AES128-SHA is anonymous',
      'EXP-RC4-MD5 is an export-grade suite',
      'DES-CBC3-SHA is 3DES',
      'TLS_DHE_DSS_WITH_AES_128_CBC_SHA is DSS',
      'rsa_fips_3des_sha is 3DES',
      'desede3 is 3DES',
      'only TLS 1.3 clients',
    ],
  ],
]

test('accepted cipher lists: names mapped, order kept, warnings per legacy or weak name', () => {
  for (const [input, ciphers, ciphersuites, warnings] of ACCEPTED) {
    const r = parseCipherList(input)
    assert.equal(r.ciphers, ciphers, input)
    assert.equal(r.ciphersuites, ciphersuites, input)
    assert.equal(r.warnings.length, warnings.length, `${input}: ${JSON.stringify(r.warnings)}`)
    warnings.forEach((w, i) => assert.ok(r.warnings[i]!.includes(w), `${input}: warning ${i} ${JSON.stringify(r.warnings[i])} lacks ${JSON.stringify(w)}`))
  }
})

test('a legacy suite never reaches the enabled lists', () => {
  const r = parseCipherList('rsa_rc4_128_md5 SSL_RSA_WITH_3DES_EDE_CBC_SHA ECDHE-RSA-AES128-GCM-SHA256 RC4-SHA NULL-SHA256')
  for (const bad of ['RC4', 'DES', 'NULL', 'MD5']) assert.ok(!`${r.ciphers}:${r.ciphersuites}`.includes(bad), bad)
})

test('a list of legacy suites alone (the seed\'s) falls back to the built-in set, with a warning per suite', () => {
  const r = parseCipherList('rsa_rc4_128_md5,rsa_3des_sha,rsa_des_sha,rsa_rc4_40_md5,rsa_rc2_40_md5,rsa_null_md5')
  assert.equal(r.ciphers, DEFAULT_TLS12_CIPHERS.join(':'))
  assert.equal(r.ciphersuites, DEFAULT_TLS13_SUITES.join(':'))
  assert.equal(r.warnings.filter((w) => /is never enabled/.test(w)).length, 6)
  assert.match(r.warnings.at(-1)!, /only legacy suites .* the built-in modern set is used instead/)
})

/** Input, and the names the error must carry. */
const REFUSED: ReadonlyArray<readonly [string, readonly string[], RegExp]> = [
  ['ECDHE-RSA-AES128-GCM-SHA256,ECDHE-RSA-AES128-GCM-SHA257', ['ECDHE-RSA-AES128-GCM-SHA257'], /does not know or offer: "ECDHE-RSA-AES128-GCM-SHA257"/],
  ['bogus, also-bogus', ['bogus', 'also-bogus'], /"bogus", "also-bogus"/],
  // Real suites msgctl chooses not to offer are errors too, not silent drops.
  ['TLS_RSA_WITH_CAMELLIA_128_CBC_SHA', ['TLS_RSA_WITH_CAMELLIA_128_CBC_SHA'], /does not know or offer/],
  ['HIGH:!aNULL:@STRENGTH', ['HIGH', '!aNULL', '@STRENGTH'], /OpenSSL cipher-string keywords \(HIGH, !aNULL, @STRENGTH\) are not accepted/],
  // Nothing usable left.
  ['-ECDHE-RSA-AES128-GCM-SHA256', [], /only disabled suites/],
]

test('refused cipher lists: a typed error naming every bad name', () => {
  for (const [input, names, message] of REFUSED) {
    assert.throws(
      () => parseCipherList(input),
      (e: unknown) => {
        assert.ok(e instanceof CipherListError, `${input}: ${String(e)}`)
        assert.deepEqual(e.names, names, input)
        assert.match(e.message, message, input)
        return true
      },
    )
  }
})

test('every suite the parser can enable is one node\'s OpenSSL knows, by both names', () => {
  const table = execFileSync('openssl', ['ciphers', '-V', '-stdname', 'ALL'], {encoding: 'utf8'})
  const pairs = new Map(table.split('\n').filter((l) => l.trim()).map((l) => {
    const f = l.trim().split(/\s+/)
    return [f[2]!, f[4]!] as const
  }))
  const iana = [...pairs.keys()].filter((n) => /^TLS_(AES|CHACHA20|ECDHE_(RSA|ECDSA)_WITH_(AES_(128|256)_(GCM|CBC)|CHACHA20)|DHE_RSA_WITH_(AES_(128|256)_(GCM|CBC)|CHACHA20)|RSA_WITH_AES_(128|256)_(GCM|CBC))/.test(n))
  assert.ok(iana.length >= 30, 'openssl lists the modern suites')
  for (const name of iana) {
    const r = parseCipherList(name)
    const got = name.startsWith('TLS_AES') || name.startsWith('TLS_CHACHA20') ? r.ciphersuites : r.ciphers
    assert.equal(got, pairs.get(name), name)
  }
})
