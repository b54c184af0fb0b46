import assert from 'node:assert/strict'
import {execFileSync} from 'node:child_process'
import {writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {runTool, tempDir} from './cli.js'

export interface IssuingCa {
  readonly dir: string
  /** The CA certificate (PEM file), to import into a daemon's store or give to slapd. */
  readonly caPath: string
  /** Our certutil -C issues a certificate for a fresh openssl P-256 key; the subject in openssl's /A=b/C=d form. */
  issue(name: string, subject: string, certutilArgs?: readonly string[]): {cert: string; key: string}
}

/** A CA made by our certutil in an administrator's own store (not the daemon's). */
export function makeIssuingCa(t: {after: (fn: () => void) => void}, nickname: string, subject: string): IssuingCa {
  const dir = tempDir(t, 'msgctl-pki-')
  const pw = join(dir, 'pw')
  writeFileSync(pw, 'pki-Secret-2\n')
  const certutil = (...args: string[]) => runTool('certutil', [...args, '-d', dir])
  assert.equal(certutil('-N', '-f', pw).status, 0)
  assert.equal(certutil('-S', '-n', nickname, '-x', '-t', 'CT,,', '-s', subject, '-f', pw, '-k', 'ec', '-m', '1').status, 0)
  const caPath = join(dir, `${nickname}.pem`)
  writeFileSync(caPath, certutil('-L', '-n', nickname, '-a').stdout)
  let serial = 10
  return {
    dir,
    caPath,
    issue(name, subjectText, certutilArgs = []) {
      const key = join(dir, `${name}.key`)
      const csr = join(dir, `${name}.csr`)
      const cert = join(dir, `${name}.pem`)
      execFileSync('openssl', ['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', key, '-out', csr, '-subj', subjectText], {stdio: 'ignore'})
      const r = certutil('-C', '-c', nickname, '-a', '-i', csr, '-o', cert, '-f', pw, '-m', String(serial++), ...certutilArgs)
      assert.equal(r.status, 0, r.stderr)
      return {cert, key}
    },
  }
}
