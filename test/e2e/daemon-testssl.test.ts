import assert from 'node:assert/strict'
import {spawnSync} from 'node:child_process'
import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {test} from 'node:test'
import {systemTool, tempDir} from '../helpers/cli.js'
import {configurePorts, freePorts, startDaemon} from '../helpers/daemon.js'

interface Finding {
  id: string
  severity: string
  finding: string
}

/** What testssl.sh must find "not offered" (protocols and cipher categories), and RC4 absent. */
const MUST_BE_ABSENT = ['SSLv2', 'SSLv3', 'TLS1', 'TLS1_1', 'cipherlist_NULL', 'cipherlist_aNULL', 'cipherlist_EXPORT', 'cipherlist_LOW', 'cipherlist_3DES_IDEA']

test('testssl.sh on the implicit-TLS ports: TLS 1.2 and 1.3 only, no weak cipher family', async (t) => {
  if (!systemTool(t, '/usr/bin/testssl')) return
  const dir = tempDir(t, 'msgctl-testssl-')
  const ports = await freePorts()
  configurePorts(dir, ports)
  const started = startDaemon(t, dir)
  assert.equal(started.status, 0, started.stderr)
  for (const [label, port] of [['imaps', ports.imaps], ['pops', ports.pops], ['smtps', ports.smtps]] as const) {
    const json = join(dir, `${label}.json`)
    const r = spawnSync('/usr/bin/testssl', ['--quiet', '--color', '0', '--warnings', 'off', '--protocols', '--std', '--rc4', '--jsonfile', json, `localhost:${port}`], {encoding: 'utf8', timeout: 240_000})
    assert.ok(r.status !== null, `testssl on ${label} ended by signal`)
    const findings = JSON.parse(readFileSync(json, 'utf8')) as Finding[]
    const byId = new Map(findings.map((f) => [f.id, f.finding]))
    for (const id of MUST_BE_ABSENT) assert.equal(byId.get(id), 'not offered', `${label}: ${id}`)
    assert.equal(byId.get('RC4'), 'not vulnerable', `${label}: RC4`)
    assert.equal(byId.get('TLS1_2'), 'offered', `${label}: TLS 1.2`)
    assert.match(byId.get('TLS1_3') ?? '', /^offered/, `${label}: TLS 1.3`)
    assert.equal(byId.get('cipherlist_STRONG'), 'offered', `${label}: strong AEAD suites`)
  }
})
