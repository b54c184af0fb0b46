import assert from 'node:assert/strict'
import {spawnSync} from 'node:child_process'
import {join} from 'node:path'
import {ROOT} from './cli.js'

/** Runs test/e2e/sasl_mechanisms.py: every mechanism on every protocol over implicit TLS. */
export function everyMechanism(ports: {imaps: number; smtps: number; pops: number}, user: string, password: string, only?: string[]): {offered: Record<string, string[]>; results: Record<string, string>} {
  const r = spawnSync('python3', [join(ROOT, 'test', 'e2e', 'sasl_mechanisms.py'), JSON.stringify({host: '127.0.0.1', hostname: 'localhost', user, password, ports, only})], {encoding: 'utf8', timeout: 120_000})
  assert.equal(r.status, 0, r.stderr)
  return JSON.parse(r.stdout) as {offered: Record<string, string[]>; results: Record<string, string>}
}
