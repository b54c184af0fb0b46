import assert from 'node:assert/strict'
import {execFileSync, spawnSync} from 'node:child_process'
import {existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {before, describe, test} from 'node:test'
import {findCertificates, loadPrivateKey, unlockToken} from '../../src/core/certdb/index.js'
import {locateStore, Store} from '../../src/core/store/index.js'
import {runTool, systemTool, tempDir} from '../helpers/cli.js'

const MSG = 'Hello, CMS world.\n'
const NSS_CMSUTIL = '/usr/bin/cmsutil'

interface Fixture {
  dir: string
  db: string
  msg: string
  pem: (nick: string, part: 'crt' | 'key') => string
  nss: string | null
}

let fx: Fixture

function ok(args: string[], what = args.join(' ')) {
  const r = runTool('cmsutil', args)
  assert.equal(r.status, 0, `cmsutil ${what}: ${r.stderr}`)
  return r
}

function openssl(args: string[]): {status: number | null; stdout: string; stderr: string} {
  const r = spawnSync('openssl', args, {encoding: 'utf8'})
  return {status: r.status, stdout: r.stdout, stderr: r.stderr}
}

function header(n: number, signer: string | null, outer = 'signedData'): string {
  const s = signer === null ? '' : `nsigners=1; \n\t\tsigner0.id="${signer}"; signer0.status=GoodSignature; `
  return `SMIME: \tlevel=${n}.2; type=${outer}; ${s}\n\tlevel=${n}.1; type=data; \n`
}

before(() => {
  const dir = tempDir({after: (fn) => process.on('exit', fn)}, 'msgctl-cms-')
  const db = join(dir, 'db')
  const cert = (args: string[]) => {
    const r = runTool('certutil', [...args, '-d', db])
    assert.equal(r.status, 0, `certutil ${args.join(' ')}: ${r.stderr}`)
  }
  cert(['-N', '--empty-password'])
  cert(['-S', '-n', 'CA', '-s', 'CN=Test CA,O=Example', '-x', '-t', 'CT,C,C', '-m', '1', '-v', '12'])
  cert(['-S', '-n', 'Bob', '-s', 'CN=Bob,E=bob@example.com,O=Example', '-c', 'CA', '-t', 'u,u,u', '-m', '2', '-v', '12'])
  cert(['-S', '-n', 'Eve', '-s', 'CN=Eve,E=eve@example.com,O=Example', '-c', 'CA', '-t', 'u,u,u', '-k', 'ec', '-m', '3', '-v', '12'])
  // PEM copies for openssl and NSS, read through the store's own API.
  const store = Store.open(locateStore(db))
  const token = unlockToken(store, '')
  for (const nick of ['CA', 'Bob', 'Eve']) {
    const c = findCertificates(store, nick)[0]!
    writeFileSync(join(dir, `${nick}.crt`), c.certificate.toPem())
    if (c.hasPrivateKey) writeFileSync(join(dir, `${nick}.key`), loadPrivateKey(store, token, c.certificate.keyId).export({format: 'pem', type: 'pkcs8'}) as string)
  }
  store.close()
  const msg = join(dir, 'msg.txt')
  writeFileSync(msg, MSG)
  let nss: string | null = null
  if (spawnSync(NSS_CMSUTIL, ['-H'], {stdio: 'ignore'}).error === undefined) {
    nss = join(dir, 'nss')
    mkdirSync(nss)
    execFileSync('certutil', ['-N', '-d', `sql:${nss}`, '--empty-password'])
    execFileSync('certutil', ['-A', '-d', `sql:${nss}`, '-n', 'CA', '-t', 'CT,C,C', '-i', join(dir, 'CA.crt')])
    for (const nick of ['Bob', 'Eve']) {
      const p12 = join(dir, `${nick}.p12`)
      execFileSync('openssl', ['pkcs12', '-export', '-in', join(dir, `${nick}.crt`), '-inkey', join(dir, `${nick}.key`), '-name', nick, '-out', p12, '-passout', 'pass:pw'])
      execFileSync('pk12util', ['-i', p12, '-d', `sql:${nss}`, '-W', 'pw', '-K', ''], {stdio: 'ignore'})
    }
  }
  fx = {dir, db, msg, pem: (nick, part) => join(dir, `${nick}.${part}`), nss}
})

const out = (name: string) => join(fx.dir, name)

describe('signing and verifying with our own tool', () => {
  for (const signer of ['Bob', 'Eve']) {
    test(`-S attached and detached with ${signer}, -D -h prints NSS's header`, () => {
      ok(['-S', '-N', signer, '-G', '-P', '-d', fx.db, '-i', fx.msg, '-o', out(`a-${signer}.p7m`)])
      assert.equal(ok(['-D', '-d', fx.db, '-i', out(`a-${signer}.p7m`), '-h', '1']).stdout, header(1, signer) + MSG)
      assert.equal(ok(['-D', '-d', fx.db, '-i', out(`a-${signer}.p7m`)]).stdout, MSG)
      ok(['-S', '-T', '-N', signer, '-d', fx.db, '-i', fx.msg, '-o', out(`d-${signer}.p7s`)])
      assert.equal(ok(['-D', '-d', fx.db, '-i', out(`d-${signer}.p7s`), '-c', fx.msg, '-h', '0']).stdout, header(0, signer) + MSG)
      assert.equal(ok(['-D', '-d', fx.db, '-i', out(`d-${signer}.p7s`), '-c', fx.msg, '-n']).stdout, '')
    })
  }

  test('-Z (subject key identifier), -H SHA512, -Y NONE and getopt grouping', () => {
    ok(['-S', '-N', 'Bob', '-Z', '-H', 'SHA512', '-Y', 'NONE', '-d', fx.db, '-i', fx.msg, '-o', out('z.p7m')])
    assert.equal(ok(['-Dh1', '-d', fx.db, '-i', out('z.p7m')]).stdout, header(1, 'Bob') + MSG)
  })

  test('tampered content is DigestMismatch, a damaged signature BadSignature; exit 1, no output file', () => {
    const good = readFileSync(out('a-Bob.p7m'))
    const at = good.indexOf('Hello')
    const tampered = Buffer.from(good)
    tampered[at] = 'J'.charCodeAt(0)
    writeFileSync(out('tampered.p7m'), tampered)
    let r = runTool('cmsutil', ['-D', '-d', fx.db, '-i', out('tampered.p7m'), '-o', out('never.txt')])
    assert.equal(r.status, 1)
    assert.match(r.stderr, /^signer 0 status = DigestMismatch\ncmsutil: problem decoding: SEC_ERROR_PKCS7_BAD_SIGNATURE: /)
    assert.equal(existsSync(out('never.txt')), false)
    const badSig = Buffer.from(good)
    badSig[good.length - 20] ^= 1 // inside the signature value, which ends just before the closing EOCs
    writeFileSync(out('badsig.p7m'), badSig)
    r = runTool('cmsutil', ['-D', '-d', fx.db, '-i', out('badsig.p7m'), '-o', out('never.txt')])
    assert.equal(r.status, 1)
    assert.match(r.stderr, /^signer 0 status = BadSignature\n/)
    // Header mode reports and exits 0, as NSS does.
    r = runTool('cmsutil', ['-D', '-d', fx.db, '-i', out('tampered.p7m'), '-h', '1'])
    assert.equal(r.status, 0)
    assert.match(r.stdout, /signer0\.status=DigestMismatch; \n/)
    const other = join(fx.dir, 'other.txt')
    writeFileSync(other, 'not what was signed\n')
    r = runTool('cmsutil', ['-D', '-d', fx.db, '-i', out('d-Eve.p7s'), '-c', other])
    assert.equal(r.status, 1)
    assert.match(r.stderr, /signer 0 status = DigestMismatch/)
    assert.deepEqual(readdirSync(fx.dir).filter((f) => f.endsWith('.tmp')), [])
  })

  test('a store without the CA: SigningCertNotTrusted', (t) => {
    const empty = tempDir(t)
    assert.equal(runTool('certutil', ['-N', '-d', empty, '--empty-password']).status, 0)
    const r = runTool('cmsutil', ['-D', '-d', empty, '-i', out('a-Bob.p7m')])
    assert.equal(r.status, 1)
    assert.match(r.stderr, /^signer 0 status = SigningCertNotTrusted\ncmsutil: problem decoding: SEC_ERROR_UNKNOWN_ISSUER: /)
    assert.equal(runTool('certutil', ['-L', '-d', empty]).stdout.includes('Bob'), false, 'message certificates are not kept without -k')
    assert.equal(runTool('cmsutil', ['-D', '-k', '-d', empty, '-i', out('a-Bob.p7m'), '-n', '-h', '0']).status, 0)
    assert.match(runTool('certutil', ['-L', '-d', empty]).stdout, /Bob/, '-k keeps them')
  })
})

describe('interop with openssl cms', () => {
  for (const signer of ['Bob', 'Eve']) {
    test(`openssl verifies what we sign (${signer}, attached and detached)`, () => {
      ok(['-S', '-N', signer, '-d', fx.db, '-i', fx.msg, '-o', out(`o-${signer}.p7m`)])
      let r = openssl(['cms', '-verify', '-inform', 'DER', '-in', out(`o-${signer}.p7m`), '-CAfile', fx.pem('CA', 'crt'), '-purpose', 'any'])
      assert.equal(r.status, 0, r.stderr)
      assert.equal(r.stdout, MSG)
      ok(['-S', '-T', '-N', signer, '-d', fx.db, '-i', fx.msg, '-o', out(`o-${signer}.p7s`)])
      r = openssl(['cms', '-verify', '-inform', 'DER', '-in', out(`o-${signer}.p7s`), '-CAfile', fx.pem('CA', 'crt'), '-purpose', 'any', '-binary', '-content', fx.msg, '-out', '/dev/null'])
      assert.equal(r.status, 0, r.stderr)
    })

    test(`we verify what openssl signs (${signer}, attached and detached), and catch tampering`, () => {
      const args = ['cms', '-sign', '-binary', '-signer', fx.pem(signer, 'crt'), '-inkey', fx.pem(signer, 'key'), '-in', fx.msg, '-outform', 'DER']
      assert.equal(openssl([...args, '-nodetach', '-out', out(`s-${signer}.p7m`)]).status, 0)
      assert.equal(ok(['-D', '-d', fx.db, '-i', out(`s-${signer}.p7m`), '-h', '1']).stdout, header(1, signer) + MSG)
      assert.equal(openssl([...args, '-out', out(`s-${signer}.p7s`)]).status, 0)
      assert.equal(ok(['-D', '-d', fx.db, '-i', out(`s-${signer}.p7s`), '-c', fx.msg]).stdout, MSG)
      const changed = out(`changed-${signer}.txt`)
      writeFileSync(changed, MSG.replace('world', 'World'))
      const r = runTool('cmsutil', ['-D', '-d', fx.db, '-i', out(`s-${signer}.p7s`), '-c', changed])
      assert.equal(r.status, 1)
      assert.match(r.stderr, /signer 0 status = DigestMismatch/)
    })
  }

  test('openssl decrypts what we envelope (RSA key transport, ECDH, AES-GCM)', () => {
    ok(['-E', '-r', 'bob@example.com,Eve', '-d', fx.db, '-i', fx.msg, '-o', out('e.env')])
    for (const who of ['Bob', 'Eve']) {
      const r = openssl(['cms', '-decrypt', '-inform', 'DER', '-in', out('e.env'), '-inkey', fx.pem(who, 'key'), '-recip', fx.pem(who, 'crt')])
      assert.equal(r.stdout, MSG, r.stderr)
    }
    for (const cipher of ['aes128', 'aes192', 'aes128-gcm']) {
      ok(['-E', '-r', 'Bob', '--cipher', cipher, '-d', fx.db, '-i', fx.msg, '-o', out(`e-${cipher}.env`)])
      const r = openssl(['cms', '-decrypt', '-inform', 'DER', '-in', out(`e-${cipher}.env`), '-inkey', fx.pem('Bob', 'key'), '-recip', fx.pem('Bob', 'crt')])
      assert.equal(r.stdout, MSG, `${cipher}: ${r.stderr}`)
    }
  })

  test('we decrypt what openssl envelopes (RSA, EC, AES-GCM, RSA-OAEP)', () => {
    const cases: [string, string[]][] = [
      ['Bob', ['-aes256']], ['Eve', ['-aes128']], ['Eve', ['-aes-256-gcm']], ['Bob', ['-aes-128-gcm']],
      ['Bob', ['-aes256', '-keyopt', 'rsa_padding_mode:oaep']],
    ]
    cases.forEach(([who, opts], i) => {
      const file = out(`ossl-${i}.env`)
      const r = openssl(['cms', '-encrypt', '-binary', opts[0]!, '-in', fx.msg, '-outform', 'DER', '-out', file, '-recip', fx.pem(who, 'crt'), ...opts.slice(1)])
      assert.equal(r.status, 0, r.stderr)
      assert.equal(ok(['-D', '-d', fx.db, '-i', file]).stdout, MSG, `${who} ${opts.join(' ')}`)
    })
  })
})

describe('interop with NSS cmsutil', () => {
  const nss = (args: string[]) => spawnSync(NSS_CMSUTIL, [...args, '-d', `sql:${fx.nss}`], {encoding: 'utf8', timeout: 30_000})

  test('NSS verifies what we sign, we verify what NSS signs (RSA and EC, attached and detached), same header bytes', (t) => {
    if (!systemTool(t, NSS_CMSUTIL)) return
    for (const signer of ['Bob', 'Eve']) {
      ok(['-S', '-N', signer, '-G', '-d', fx.db, '-i', fx.msg, '-o', out(`n-${signer}.p7m`)])
      let r = nss(['-D', '-i', out(`n-${signer}.p7m`), '-h', '1'])
      assert.equal(r.status, 0, r.stderr)
      assert.equal(r.stdout, header(1, signer) + MSG)
      ok(['-S', '-T', '-N', signer, '-d', fx.db, '-i', fx.msg, '-o', out(`n-${signer}.p7s`)])
      r = nss(['-D', '-i', out(`n-${signer}.p7s`), '-c', fx.msg, '-h', '2'])
      assert.equal(r.stdout, header(2, signer) + MSG, r.stderr)

      assert.equal(nss(['-S', '-N', signer, '-G', '-P', '-i', fx.msg, '-o', out(`nss-${signer}.p7m`)]).status, 0)
      const ours = ok(['-D', '-d', fx.db, '-i', out(`nss-${signer}.p7m`), '-h', '1']).stdout
      assert.equal(ours, nss(['-D', '-i', out(`nss-${signer}.p7m`), '-h', '1']).stdout)
      assert.equal(ours, header(1, signer) + MSG)
      assert.equal(nss(['-S', '-T', '-N', signer, '-i', fx.msg, '-o', out(`nss-${signer}.p7s`)]).status, 0)
      assert.equal(ok(['-D', '-d', fx.db, '-i', out(`nss-${signer}.p7s`), '-c', fx.msg]).stdout, MSG)
    }
  })

  test('NSS decrypts what we envelope to RSA, we decrypt what NSS envelopes', (t) => {
    if (!systemTool(t, NSS_CMSUTIL)) return
    ok(['-E', '-r', 'Bob', '-d', fx.db, '-i', fx.msg, '-o', out('n.env')])
    let r = nss(['-D', '-i', out('n.env'), '-h', '1'])
    assert.equal(r.stdout, header(1, null, 'envelopedData') + MSG, r.stderr)
    assert.equal(nss(['-E', '-r', 'bob@example.com', '-i', fx.msg, '-o', out('nss.env')]).status, 0)
    assert.equal(ok(['-D', '-d', fx.db, '-i', out('nss.env'), '-h', '1']).stdout, header(1, null, 'envelopedData') + MSG)
    // Certs-only both ways.
    ok(['-O', '-r', 'Bob,CA', '-d', fx.db, '-o', out('c.p7c')])
    r = nss(['-D', '-i', out('c.p7c'), '-h', '2'])
    assert.equal(r.stdout, 'SMIME: \tlevel=2.2; type=signedData; nsigners=0; ')
    assert.equal(ok(['-D', '-d', fx.db, '-i', out('c.p7c'), '-h', '2']).stdout, r.stdout)
  })
})

describe('certs-only, EncryptedData, JSON', () => {
  test('-O lists the certificates for openssl', () => {
    ok(['-O', '-r', 'Bob,CA', '-d', fx.db, '-o', out('certs.p7c')])
    const r = openssl(['pkcs7', '-inform', 'DER', '-in', out('certs.p7c'), '-print_certs', '-noout'])
    assert.match(r.stdout, /CN = Bob[\s\S]*CN = Test CA/)
  })

  test('-C makes the envelope with the bulk key, then reuses it; -D -e decrypts', () => {
    const env = out('bulk.env')
    ok(['-C', '-r', 'Bob', '-e', env, '-d', fx.db, '-i', fx.msg, '-o', out('c1.p7')])
    ok(['-C', '-e', env, '-d', fx.db, '-i', fx.msg, '-o', out('c2.p7')])
    assert.equal(ok(['-D', '-e', env, '-d', fx.db, '-i', out('c2.p7'), '-h', '1']).stdout, 'SMIME: \tlevel=1.2; type=encryptedData; \n\tlevel=1.1; type=data; \n' + MSG)
    const r = runTool('cmsutil', ['-C', '-d', fx.db, '-i', fx.msg])
    assert.equal(r.status, 1)
    assert.equal(r.stderr, 'cmsutil: you must specify an envelope file with -e.\n')
  })

  test('--json tells the levels, signers and statuses', () => {
    const r = ok(['-D', '--json', '-d', fx.db, '-i', out('a-Eve.p7m')])
    const j = JSON.parse(r.stdout) as {levels: {type: string; signers?: {status: string; id: string; digestAlgorithm: string}[]}[]; contentBytes: number}
    assert.deepEqual(j.levels.map((l) => l.type), ['signedData', 'data'])
    assert.equal(j.levels[0]!.signers![0]!.status, 'GoodSignature')
    assert.equal(j.levels[0]!.signers![0]!.id, 'Eve')
    assert.equal(j.contentBytes, MSG.length)
  })
})

describe('bad input: one line, exit 1, no output file', () => {
  test('truncated, truncated indefinite, garbage, wrong type, empty, not a recipient, unknown signer', (t) => {
    const signed = readFileSync(out('a-Bob.p7m'))
    const cases: [string, Buffer, RegExp][] = [
      ['truncated', signed.subarray(0, 200), /SEC_ERROR_BAD_DER: .*truncated/],
      ['missing final EOCs', signed.subarray(0, signed.length - 4), /SEC_ERROR_BAD_DER: .*truncated/],
      ['garbage', Buffer.from('this is not a CMS message at all'), /SEC_ERROR_BAD_DER: .*not a CMS message/],
      ['a certificate', readFileSync(fx.pem('CA', 'crt')), /SEC_ERROR_BAD_DER/],
      ['empty', Buffer.alloc(0), /SEC_ERROR_BAD_DER: .*empty/],
    ]
    for (const [name, data, message] of cases) {
      const file = out(`bad-${name.replace(/ /g, '-')}`)
      writeFileSync(file, data)
      const r = runTool('cmsutil', ['-D', '-d', fx.db, '-i', file, '-o', out('bad.out')])
      assert.equal(r.status, 1, name)
      assert.match(r.stderr, new RegExp(`^cmsutil: problem decoding: ${message.source}.*\\n$`), name)
      assert.equal(existsSync(out('bad.out')), false, name)
    }
    const empty = tempDir(t)
    assert.equal(runTool('certutil', ['-N', '-d', empty, '--empty-password']).status, 0)
    let r = runTool('cmsutil', ['-D', '-d', empty, '-i', out('e.env')])
    assert.equal(r.status, 1)
    assert.match(r.stderr, /^cmsutil: problem decoding: SEC_ERROR_NOT_A_RECIPIENT: /)
    assert.equal(openssl(['cms', '-sign', '-binary', '-nodetach', '-nocerts', '-signer', fx.pem('Bob', 'crt'), '-inkey', fx.pem('Bob', 'key'), '-in', fx.msg, '-outform', 'DER', '-out', out('nocerts.p7m')]).status, 0)
    r = runTool('cmsutil', ['-D', '-d', empty, '-i', out('nocerts.p7m')])
    assert.equal(r.status, 1)
    assert.match(r.stderr, /^signer 0 status = SigningCertNotFound\n/)
  })

  test('usage errors follow NSS: 255 with usage, 1 for bad values', () => {
    let r = runTool('cmsutil', [])
    assert.equal(r.status, 255)
    assert.match(r.stderr, /Usage: {2}cmsutil \[-C\|-D\|-E\|-O\|-S\]/)
    assert.match(r.stderr, /\n {27}0 - certUsageSSLClient\n[\s\S]*\n {26}12 - certUsageIPsec\n$/)
    r = runTool('cmsutil', ['-D', '-N', 'x'])
    assert.equal(r.status, 255)
    assert.match(r.stderr, /^cmsutil: option -N only supported with option -S\./)
    r = runTool('cmsutil', ['-S', '-H', 'SHA3', '-d', fx.db])
    assert.equal(r.stderr, 'cmsutil: -H requires one of MD2,MD4,MD5,SHA1,SHA256,SHA384,SHA512\n')
    assert.equal(r.status, 1)
    assert.equal(runTool('cmsutil', ['-D', '-u', '12', '-d', fx.db]).status, 255)
    r = runTool('cmsutil', ['-D', '-h', '-1', '-d', fx.db])
    assert.equal(r.stderr, 'cmsutil: option -h cannot have a negative value.\n')
    r = runTool('cmsutil', ['-S', '-N', 'nosuch', '-d', fx.db, '-i', fx.msg])
    assert.match(r.stderr, /^cmsutil: the corresponding cert for key "nosuch" does not exist: SEC_ERROR_UNKNOWN_CERT/)
    r = runTool('cmsutil', ['-E', '-r', 'nobody@example.com', '-d', fx.db, '-i', fx.msg])
    assert.match(r.stderr, /^cmsutil: cannot find certificate for "nobody@example.com": /)
    r = runTool('cmsutil', ['-D', '-d', fx.db, '-i', out('no-such-file')])
    assert.equal(r.stderr, `cmsutil: unable to open "${out('no-such-file')}" for reading\n`)
  })
})
