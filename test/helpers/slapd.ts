/**
 * A real OpenLDAP slapd for one test (Debian 12: slapd 2.5, ldap-utils).
 *
 * How it runs, and why this way:
 * - A slapd.conf (`-f`), not cn=config: one small text file, nothing to
 *   slapadd into a config database. Modules come from /usr/lib/ldap
 *   (back_mdb, and pw-sha2 so binds can check {SSHA256}/{SSHA512}).
 * - Entries are loaded offline with `slapadd -f conf -l data.ldif` before
 *   the server starts (fast, no ACLs in the way).
 * - `slapd -d 0` keeps it in the foreground as our child: no pid-file
 *   hunting, and the test kills exactly the process it started. We run as
 *   root in the sandbox, so no `-u`/`-g`; apparmor is not enforced here (on a
 *   host that enforces Debian's usr.sbin.slapd profile, put the temporary
 *   directory under /var/tmp or /tmp/slapd-*, or run with aa-exec -p unconfined).
 * - Ports: picked free by the kernel just before start; readiness is
 *   `ldapsearch -x -H URL -b '' -s base` answering.
 * - LDAPS: a throw-away CA and server certificate (P-256, SAN IP:127.0.0.1
 *   and DNS:localhost) made with openssl; slapd (GnuTLS) reads PEM.
 */
import {execFileSync, spawn, spawnSync, type ChildProcess} from 'node:child_process'
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {freePort} from './daemon.js'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

const SCHEMAS = ['core', 'cosine', 'inetorgperson', 'nis'].map((s) => `/etc/ldap/schema/${s}.schema`)

export interface SlapdOptions {
  /** Naming context, e.g. o=test. */
  readonly suffix: string
  /** Entries to load, including the suffix entry itself. */
  readonly ldif: string
  /** Extra schema definitions in slapd.conf syntax (attributetype / objectclass lines). */
  readonly schema?: string
  /** slapd.conf `access` directives; default: passwords usable for binds only, everything else readable. */
  readonly acl?: string
  /** Also listen for LDAPS, with a fresh CA and server certificate. */
  readonly tls?: boolean
  /** Listen for LDAPS with this server certificate and key (PEM files) instead of fresh ones. */
  readonly tlsFiles?: {readonly certPath: string; readonly keyPath: string; readonly caPath: string}
}

export interface Slapd {
  readonly url: string
  readonly port: number
  /** ldaps:// URL when started with tls. */
  readonly ldapsUrl: string | null
  readonly ldapsPort: number | null
  /** The CA that issued the server certificate (PEM), when started with tls. */
  readonly caPem: string | null
  readonly rootDn: string
  readonly rootPassword: string
  /** Apply an LDIF change set as the root DN (ldapmodify). */
  modify(ldif: string): void
  /** Stop the server (SIGTERM, then SIGKILL) and remove its files. Called automatically at test end. */
  stop(): Promise<void>
}

export {freePort}

/** Whether slapd, slapadd and ldapsearch are installed. */
export function slapdAvailable(): boolean {
  return ['/usr/sbin/slapd', '/usr/sbin/slapadd', '/usr/bin/ldapsearch', '/usr/bin/ldapmodify'].every((p) => spawnSync(p, ['-VV'], {stdio: 'ignore'}).error === undefined)
}

/** Skips loudly outside CI when slapd is missing; in CI that is a failure. */
export function skipWithoutSlapd(t: {skip: (message: string) => void}): boolean {
  if (slapdAvailable()) return false
  if (process.env.CI) throw new Error('slapd/ldap-utils are missing; .ci/run must install them')
  process.stderr.write('\n*** SKIPPED: slapd is not installed (apt-get install slapd ldap-utils) ***\n')
  t.skip('slapd is not installed')
  return true
}

/** A self-signed CA made with openssl; returns its PEM and file paths. */
export function makeCa(dir: string, name: string): {certPem: string; certPath: string; keyPath: string} {
  const keyPath = join(dir, `${name}.key`)
  const certPath = join(dir, `${name}.crt`)
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', keyPath, '-out', certPath, '-days', '2', '-subj', `/CN=${name}`, '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'], {stdio: 'pipe'})
  return {certPem: readFileSync(certPath, 'utf8'), certPath, keyPath}
}

/** A server certificate for 127.0.0.1/localhost issued by `ca`. */
function makeServerCert(dir: string, ca: {certPath: string; keyPath: string}): {certPath: string; keyPath: string} {
  const keyPath = join(dir, 'server.key')
  const csrPath = join(dir, 'server.csr')
  const certPath = join(dir, 'server.crt')
  const extPath = join(dir, 'server.ext')
  execFileSync('openssl', ['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', keyPath, '-out', csrPath, '-subj', '/CN=localhost'], {stdio: 'pipe'})
  writeFileSync(extPath, 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n')
  execFileSync('openssl', ['x509', '-req', '-in', csrPath, '-CA', ca.certPath, '-CAkey', ca.keyPath, '-CAcreateserial', '-out', certPath, '-days', '2', '-extfile', extPath], {stdio: 'pipe'})
  return {certPath, keyPath}
}

const DEFAULT_ACL = `access to attrs=userPassword
  by anonymous auth
  by * none
access to *
  by * read
`

/**
 * Start slapd with the given entries; it is stopped when the test ends
 * (t.after) and, as a last resort, when the test process exits.
 */
export async function startSlapd(t: {after: (fn: () => Promise<void> | void) => void}, options: SlapdOptions): Promise<Slapd> {
  const dir = mkdtempSync(join(tmpdir(), 'msgctl-slapd-'))
  const rootDn = `cn=admin,${options.suffix}`
  const rootPassword = 'slapd-root-secret'
  let tlsConf = ''
  let caPem: string | null = null
  if (options.tlsFiles) {
    const f = options.tlsFiles
    caPem = readFileSync(f.caPath, 'utf8')
    tlsConf = `TLSCACertificateFile ${f.caPath}\nTLSCertificateFile ${f.certPath}\nTLSCertificateKeyFile ${f.keyPath}\n`
  } else if (options.tls) {
    const ca = makeCa(dir, 'test-ldap-ca')
    const server = makeServerCert(dir, ca)
    caPem = ca.certPem
    tlsConf = `TLSCACertificateFile ${ca.certPath}\nTLSCertificateFile ${server.certPath}\nTLSCertificateKeyFile ${server.keyPath}\n`
  }
  const extraSchema = options.schema ? join(dir, 'extra.schema') : null
  if (extraSchema) writeFileSync(extraSchema, options.schema!)
  const conf = join(dir, 'slapd.conf')
  writeFileSync(
    conf,
    [
      ...SCHEMAS.map((s) => `include ${s}`),
      ...(extraSchema ? [`include ${extraSchema}`] : []),
      'modulepath /usr/lib/ldap',
      'moduleload back_mdb',
      'moduleload pw-sha2',
      `pidfile ${join(dir, 'slapd.pid')}`,
      tlsConf,
      'database mdb',
      `suffix "${options.suffix}"`,
      `rootdn "${rootDn}"`,
      `rootpw ${rootPassword}`,
      `directory ${dir}`,
      'maxsize 16777216',
      options.acl ?? DEFAULT_ACL,
    ].join('\n'),
  )
  const ldifPath = join(dir, 'data.ldif')
  writeFileSync(ldifPath, options.ldif)
  const added = spawnSync('slapadd', ['-f', conf, '-l', ldifPath], {encoding: 'utf8'})
  if (added.status !== 0) {
    rmSync(dir, {recursive: true, force: true})
    throw new Error(`slapadd failed: ${added.stderr}`)
  }

  const port = await freePort()
  const ldapsPort = options.tls || options.tlsFiles ? await freePort() : null
  const url = `ldap://127.0.0.1:${port}/`
  const ldapsUrl = ldapsPort ? `ldaps://127.0.0.1:${ldapsPort}/` : null
  const child: ChildProcess = spawn('slapd', ['-f', conf, '-h', [url, ldapsUrl].filter(Boolean).join(' '), '-d', '0'], {stdio: ['ignore', 'ignore', 'pipe']})
  let stderr = ''
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()))
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const killOnExit = () => child.kill('SIGKILL')
  process.once('exit', killOnExit)

  let stopped = false
  const stop = async () => {
    if (stopped) return
    stopped = true
    process.removeListener('exit', killOnExit)
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), 3000)
      await exited
      clearTimeout(timer)
    }
    rmSync(dir, {recursive: true, force: true})
  }
  t.after(stop)

  // Ready when the root DSE answers (slapd opens its listeners after loading the database).
  const deadline = Date.now() + 15_000
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      await stop()
      throw new Error(`slapd exited at start: ${stderr.trim()}`)
    }
    const probe = spawnSync('ldapsearch', ['-x', '-H', url, '-b', '', '-s', 'base', '-o', 'nettimeout=2', 'objectClass=*'], {stdio: 'ignore'})
    if (probe.status === 0) break
    if (Date.now() > deadline) {
      await stop()
      throw new Error(`slapd did not answer on ${url} within 15 s: ${stderr.trim()}`)
    }
    await new Promise((r) => setTimeout(r, 50))
  }

  const modify = (ldif: string) => {
    const r = spawnSync('ldapmodify', ['-x', '-H', url, '-D', rootDn, '-w', rootPassword], {input: ldif, encoding: 'utf8'})
    if (r.status !== 0) throw new Error(`ldapmodify failed: ${r.stderr}`)
  }
  return {url, port, ldapsUrl, ldapsPort, caPem, rootDn, rootPassword, modify, stop}
}
