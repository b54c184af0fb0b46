// What the daemon benchmarks share: a scratch directory removed at exit
// (after the cleanups registered on it, newest first, so daemons stop before
// their stores go), and free loopback ports.
import {mkdtempSync, rmSync} from 'node:fs'
import {createServer} from 'node:net'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

/** A new directory under the system temp dir; `cleanups` run at exit, then it is removed. Ctrl-C and SIGTERM exit too. */
export function scratchDir(prefix) {
  const path = mkdtempSync(join(tmpdir(), prefix))
  const cleanups = []
  process.on('exit', () => {
    for (const c of cleanups.reverse()) {
      try {
        c()
      } catch {}
    }
    rmSync(path, {recursive: true, force: true})
  })
  process.on('SIGINT', () => process.exit(130))
  process.on('SIGTERM', () => process.exit(143))
  return {path, cleanups}
}

/** A TCP port free on 127.0.0.1 just now. */
export async function freePort() {
  const s = createServer()
  await new Promise((r) => s.listen(0, '127.0.0.1', r))
  const p = s.address().port
  await new Promise((r) => s.close(r))
  return p
}
