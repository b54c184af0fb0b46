/**
 * Shared by the pki-*.test.ts files: running openssl on temporary files,
 * and fixtures captured from NSS 3.87 (certutil) on the reference machine.
 */
import {execFileSync} from 'node:child_process'
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

/** A scratch directory removed by `cleanup()`. */
export class Scratch {
  readonly dir = mkdtempSync(join(tmpdir(), 'msgctl-pki-'))

  file(name: string, content: Buffer | string): string {
    const path = join(this.dir, name)
    writeFileSync(path, content)
    return path
  }

  path(name: string): string {
    return join(this.dir, name)
  }

  cleanup(): void {
    rmSync(this.dir, {recursive: true, force: true})
  }
}

/** Run openssl; returns stdout+stderr text, throws with both on failure. */
export function openssl(args: string[], input?: Buffer): string {
  try {
    return execFileSync('openssl', args, {input, stdio: ['pipe', 'pipe', 'pipe'], encoding: 'latin1'})
  } catch (e) {
    const err = e as {stdout?: string; stderr?: string; message: string}
    throw new Error(`openssl ${args.join(' ')} failed: ${err.message}\n${err.stdout ?? ''}\n${err.stderr ?? ''}`)
  }
}

/** openssl with stderr merged into the returned text (for `verify` and `req -verify` messages). */
export function opensslAll(args: string[]): string {
  return execFileSync('sh', ['-c', 'openssl "$@" 2>&1', 'sh', ...args], {encoding: 'latin1'})
}

export const b64 = (s: string): Buffer => Buffer.from(s, 'base64')

/**
 * Certificates made by NSS 3.87 certutil -S, with what NSS printed for them
 * (`-L -n`, `-K`).
 */
export const NSS = {
  /** `-S -s "CN=x,O=y,C=US" -x -g 1024` (RSA): serial 0xCC2C0050 = NSS's default (PR_Now() >> 19). */
  rsa: {
    der: b64('MIIBwjCCASugAwIBAgIFAMwsAFAwDQYJKoZIhvcNAQELBQAwJTELMAkGA1UEBhMCVVMxCjAIBgNVBAoTAXkxCjAIBgNVBAMTAXgwHhcNMjYxMTI5MDExNDA3WhcNMjcwMzAxMDExNDA3WjAlMQswCQYDVQQGEwJVUzEKMAgGA1UEChMBeTEKMAgGA1UEAxMBeDCBnzANBgkqhkiG9w0BAQEFAAOBjQAwgYkCgYEA38QuT/vPtFbF1wDUhnQLI+Zrd5Qi5Vi/KZP+wu6t54iJErpNkkH01kJKFOuFIl8GP8Mn9nHe/GohjF5LBAhBzQXZtfR5kvA6KSqXAyQbrZO8IH2C+IZkPLslGQp93DQdmFTu6SEw0TkFAS+QVTfV/P3G9n2JGVmccDZLtp/eGcsCAwEAATANBgkqhkiG9w0BAQsFAAOBgQDXmkuoZ4z6QL2nqoeNyY4vYuKAlp2T5X5HQJEZqUz7bC9WwB27NpCtV8T+OLeRCAHCSfZAHEro3Ab2QyvvIBiuM6Tu5Mrlunqt8Mr9aMc/mwb/l8MoruPWBmeuCx9hLxqtfQfpIUBDr1SZZczOD24rtzM2ZDfh5RU/U5N2ylamHA=='),
    keyId: '415b8d5b1f17e0eadb4750c961baab7f1bb175a7',
    subject: 'CN=x,O=y,C=US',
    serial: 0xcc2c0050n,
    notBefore: 'Sun Nov 29 01:14:07 2026',
    notAfter: 'Mon Mar 01 01:14:07 2027',
    created: new Date(Date.UTC(2026, 10, 29, 1, 14, 7)),
  },
  /**
   * `-k ec -q nistp256 -m 900 --keyUsage digitalSignature,keyEncipherment,critical --nsCertType sslClient,sslServer,smime
   *  --extKeyUsage serverAuth,clientAuth,critical -7 a@b.c,d@e.f -8 www.x.y,x.y --extSAN ip:10.0.0.1,uri:http://x/,dn:CN=foo,registerid:1.2.3`
   */
  ecExtensions: {
    der: b64('MIIBpDCCAUugAwIBAgICA4QwCgYIKoZIzj0EAwIwDzENMAsGA1UEAxMEZXh0MTAeFw0yNjExMjkwMTE3MjJaFw0yNzAzMDEwMTE3MjJaMA8xDTALBgNVBAMTBGV4dDEwWTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAATkY96A2YJJA9nmCmeDzbL2b9OPCjkIZ6h99kZgOBVJKvF1jRWgipm7NLek5x6tDNFM1+yjUMytaQCXEVTnpR/no4GWMIGTMEwGA1UdEQRFMEOBBWFAYi5jgQVkQGUuZoIHd3d3LngueYIDeC55hwQKAAABhglodHRwOi8veC+kEDAOMQwwCgYDVQQDEwNmb2+IAioDMBEGCWCGSAGG+EIBAQQEAwIF4DAgBgNVHSUBAf8EFjAUBggrBgEFBQcDAQYIKwYBBQUHAwIwDgYDVR0PAQH/BAQDAgWgMAoGCCqGSM49BAMCA0cAMEQCICowcNb5GB8GgFeoMNlua5WzTRLwW4orlUDYRi1XkAqUAiB05jC1Md+hkDuiwBuqIOXLLv3ZVLZ9aQSvNeVmZZTV0w=='),
    keyId: 'aabc5135a03b694941de2076de3ebacddc1f2da6',
    sanValue: '304381056140622e6381056440652e6682077777772e782e798203782e7987040a0000018609687474703a2f2f782fa410300e310c300a06035504031303666f6f88022a03',
    keyUsageValue: '030205a0',
    nsCertTypeValue: '030205e0',
    extKeyUsageValue: '301406082b0601050507030106082b06010505070302',
  },
  /** `--pss --pss-sign -Z SHA384 -g 1024`: RSA-PSS key and signature, SHA-384, salt 48. */
  pss: {
    der: b64('MIICMTCCAWagAwIBAgICA+8wQQYJKoZIhvcNAQEKMDSgDzANBglghkgBZQMEAgIFAKEcMBoGCSqGSIb3DQEBCDANBglghkgBZQMEAgIFAKIDAgEwMBAxDjAMBgNVBAMTBXoxMDA3MB4XDTI2MTEyOTAxMTczNloXDTI3MDMwMTAxMTczNlowEDEOMAwGA1UEAxMFejEwMDcwgdMwQQYJKoZIhvcNAQEKMDSgDzANBglghkgBZQMEAgIFAKEcMBoGCSqGSIb3DQEBCDANBglghkgBZQMEAgIFAKIDAgEwA4GNADCBiQKBgQCw2JN2RrbclxzWC2sjn0LWuJCwghF6NpTSSVVkqskEMSI3kpONjMV90rcbgQGj+yBd7Zdy5j8vwrI9GsSb8rU9lSMl0G+3fW5axSZDWt2xc649BDadI7TmVtUqMemUrY2rPlDMMild+NlMgfqXl1ViEuSfMFsYk5uZgl1ih/STjQIDAQABMEEGCSqGSIb3DQEBCjA0oA8wDQYJYIZIAWUDBAICBQChHDAaBgkqhkiG9w0BAQgwDQYJYIZIAWUDBAICBQCiAwIBMAOBgQCdTgjP4/+oP0g83Qjmgl5/+4SpnFc5d94Ws29oXaqZEHrY73yLvJIADFiiFVGIwK5Mx6+TEKpaejnNHunQdEy9M+U7qXheUtA88PyJRx1o49gwyf1cB6rJ5Lda4QGM55rCMgJRAUIWqXm1/BmRUoyU8zVgQj3PbTPT1dawbiSkOw=='),
    keyId: '54e947cfb9fbdfe2d20adf4288972e5739f0b152',
  },
  /** `-2` answered y / -1 / y (CA, no path length, critical) with `--keyUsage certSigning,crlSigning`. */
  ecCa: {
    der: b64('MIIBKjCB0qADAgECAgIETDAKBggqhkjOPQQDAjAOMQwwCgYDVQQDEwNiYzEwHhcNMjYxMTI5MDExNzUyWhcNMjcwMzAxMDExNzUyWjAOMQwwCgYDVQQDEwNiYzEwWTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAARijkPdeTY540H/R3L9bvckoli/RmiinMZSBQNLmiWVDZwgoE3EMPbz3Bi0X/yIgzURitBsdJkxVUUJeSXkD0n5oyAwHjAPBgNVHRMBAf8EBTADAQH/MAsGA1UdDwQEAwIBBjAKBggqhkjOPQQDAgNHADBEAiBVQnUrMurYgm3Ti79hkLgkLgSHJ5bpTvqbsynfMde+4QIgfWflAQ3+AQjzffaJSwbLNfXZzFvkIVhoQodSAIMihWg='),
    keyId: 'dd9f435a1ebb9c465e4087918f927131200c5800',
  },
  /** `certutil -R -a -s CN=req.example.com -g 1024`: text preamble and the NEW label. */
  requestPem: `
Certificate request generated by Netscape certutil
Phone: (not specified)

Common Name: req.example.com
Email: (not specified)
Organization: (not specified)
State: (not specified)
Country: (not specified)

-----BEGIN NEW CERTIFICATE REQUEST-----
MIIBWTCBwwIBADAaMRgwFgYDVQQDEw9yZXEuZXhhbXBsZS5jb20wgZ8wDQYJKoZI
hvcNAQEBBQADgY0AMIGJAoGBALWsliOOG1D6BJUypJEHoGPmLn7U1/INQuwcOtQy
348o9Rc7cc2f2huagBM3aYf4q5cImfr5HMze7JoEmKUjymfkjJp7YHLoFiXo4L7S
cbJdDFfsIIKM102TntewTyA8PVEsQZuJSRq2RtLim6ifCU0DOt4XmFMCKjc1nb0i
WmxNAgMBAAGgADANBgkqhkiG9w0BAQsFAAOBgQAkPGbr1RlYem9ZzgXJY+MPGQ+Z
uV5w7tXcN7d8Rwf8rA0jwtOjSozgIQJhRqDkRFO9OzSk10l7IF7m2NUc7TvmKGb4
H3uPUo5709/kqT8cZdMa0RQhF0Oar6nMoUyKn52OqDBNzagYWtEe+80v69lvW1ky
VO4VJl5pr41utTwILQ==
-----END NEW CERTIFICATE REQUEST-----
`,
  /** `certutil -R -k ec -s CN=req.example.com -8 req.example.com --keyUsage digitalSignature` (DER). */
  requestWithExtensions: b64('MIIBEDCBtgIBADAaMRgwFgYDVQQDEw9yZXEuZXhhbXBsZS5jb20wWTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAAS9b402FQfEKZWiIobViI5gYwHYPcNSzd11F16NQmswB4oCHODDZ38spF1PJxRqSJssNzr+Fp5n595nNskMOOAkoDowOAYJKoZIhvcNAQkOMSswKTAaBgNVHREEEzARgg9yZXEuZXhhbXBsZS5jb20wCwYDVR0PBAQDAgeAMAoGCCqGSM49BAMCA0kAMEYCIQDaXhoWubY/jMuDIacg8QQXMhBkDI/C/2S0ruIOWfJE5gIhAJ4pSatDwS1lrlhiJC50a9ZoHUcNTRkXbEHlyIJ6W+kl'),
  /**
   * Subject names (DER, base64) and how NSS displayed them (`certutil -O`).
   * Some were written by NSS from `-s`, others by openssl and imported.
   */
  names: [
    ['MBUxEzARBgNVBAMMCsOcbsOvX2NAZGU=', 'CN=Ünï_c@de'],
    ['MCQxCjAIBgNVBAMTAXgxFjAJBgNVBAsTAnUyMAkGA1UECxMCdTE=', 'OU=u2+OU=u1,CN=x'],
    ['MBYxFDAIBgNVBAMTAXgwCAYDVQQLEwFh', 'CN=x+OU=a'],
    ['MA8xDTALBgNVBAMTBGEgIGI=', 'CN="a  b"'],
    ['MBUxEzARBgkqhkiG9w0BCQEWBGJhZEA=', 'E=bad@'],
    ['MA4xDDAKBgNVBAoMAyJxIg==', 'O=\\"q\\"'],
    ['MCIxCjAIBgNVBAMTAXgxFDASBgkqhkiG9w0BCQEWBWFAYi5j', 'E=a@b.c,CN=x'],
    [
      'MIG2MQ4wDAYDVQQDDAXDnG7DrzERMA8GCgmSJomT8ixkAQEMAXUxEjAQBgkqhkiG9w0BCQEWA2FAYjETMBEGCgmSJomT8ixkARkWA2NvbTEKMAgGA1UEDwwBYjEKMAgGA1UECQwBczEKMAgGA1UEBRMBOTEKMAgGA1UEDAwBdDELMAkGA1UEKQwCbm0xEzARBgsrBgEEAYI3PAIBAxMCVVMxFjAIBgNVBAsMAXgwCgYDVQQKDANhLGI=',
      'OU=x+O="a,b",incorporationCountry=US,name=nm,title=t,serialNumber=9,STREET=s,businessCategory=b,DC=com,E=a@b,UID=u,CN=Ünï',
    ],
    ['MBoxDDAKBgNVBAMMA2E8YjEKMAgGA1UECgwBbw==', 'O=o,CN="a<b"'],
    ['MBwxDjAMBgNVBAMMBSNsZWFkMQowCAYDVQQKDAFv', 'O=o,CN="#lead"'],
    ['MB0xDzANBgNVBAMMBnRyYWlsIDEKMAgGA1UECgwBbw==', 'O=o,CN="trail "'],
    ['MBoxDDAKBgNVBAMMA2FcYjEKMAgGA1UECgwBbw==', 'O=o,CN=a\\\\b'],
    ['MBgxCjAIBgNVBAMMASAxCjAIBgNVBAoMAW8=', 'O=o,CN=" "'],
    ['MB4xEDAOBgNVBAMMB2EgIGIgIGMxCjAIBgNVBAoMAW8=', 'O=o,CN="a  b  c"'],
    ['MBsxDTALBgNVBAMMBGEsYmMxCjAIBgNVBAoMAW8=', 'O=o,CN="a,bc"'],
    ['MBsxDDAKBgNVBAoMA2FiYzELMAkGA1UEAwQCarw=', 'CN=#04026ABC,O=abc'],
    ['MA4xDDAKBgNVBAMTA2ErYg==', 'CN="a+b"'],
    ['MBAxDjAMBgNVBAMMBXRhYgl4', 'CN=tab\\09x'],
    ['MA4xDDAKBgNVBAMMA2EiYg==', 'CN=a\\"b'],
  ] as ReadonlyArray<readonly [string, string]>,
} as const
