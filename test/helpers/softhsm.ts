/**
 * A private SoftHSM2 token per test: its own SOFTHSM2_CONF and token
 * directory, so tests never see each other's tokens or the user's.
 */
import {spawnSync} from 'node:child_process'
import {existsSync, mkdirSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {tempDir} from './cli.js'

export const SOFTHSM_LIBRARY = process.env.SOFTHSM2_LIBRARY ?? '/usr/lib/softhsm/libsofthsm2.so'
export const PKCS11_TOOL = 'pkcs11-tool'

export interface SoftHsmToken {
  readonly dir: string
  readonly conf: string
  /** Environment for child processes (and set on this process: pkcs11js reads it at C_Initialize). */
  readonly env: NodeJS.ProcessEnv
  readonly library: string
  readonly label: string
  readonly pin: string
}

type T = {after: (fn: () => void) => void; skip: (msg: string) => void}

/** True when SoftHSM2 is installed; otherwise skip loudly (fail in CI). */
export function softhsmAvailable(t: T): boolean {
  const util = spawnSync('softhsm2-util', ['--version'], {stdio: 'ignore'})
  if (util.error === undefined && existsSync(SOFTHSM_LIBRARY)) return true
  if (process.env.CI) throw new Error('SoftHSM2 is missing; .ci/run must install softhsm2')
  process.stderr.write('\n*** SKIPPED: SoftHSM2 is not installed (apt-get install softhsm2) ***\n')
  t.skip('SoftHSM2 is not installed')
  return false
}

/** Initialise a fresh token labelled `label` with user PIN `pin`. */
export function softhsmToken(t: T, label = 'TestToken', pin = '1234', soPin = '5678'): SoftHsmToken {
  const dir = tempDir(t, 'msgctl-softhsm-')
  const tokens = join(dir, 'tokens')
  mkdirSync(tokens)
  const conf = join(dir, 'softhsm2.conf')
  writeFileSync(conf, `directories.tokendir = ${tokens}\nobjectstore.backend = file\nlog.level = ERROR\n`)
  const env = {...process.env, SOFTHSM2_CONF: conf}
  const r = spawnSync('softhsm2-util', ['--init-token', '--free', '--label', label, '--pin', pin, '--so-pin', soPin], {env, encoding: 'utf8'})
  if (r.status !== 0) throw new Error(`softhsm2-util --init-token failed: ${r.stderr}`)
  process.env.SOFTHSM2_CONF = conf
  return {dir, conf, env, library: SOFTHSM_LIBRARY, label, pin}
}

/** pkcs11-tool on the token; `login` adds the PIN. */
export function pkcs11Tool(token: SoftHsmToken, args: string[], login = true): {status: number | null; stdout: string; stderr: string} {
  const r = spawnSync(PKCS11_TOOL, ['--module', token.library, '--token-label', token.label, ...(login ? ['--login', '--pin', token.pin] : []), ...args], {env: token.env, encoding: 'utf8'})
  return {status: r.status, stdout: r.stdout, stderr: r.stderr}
}
