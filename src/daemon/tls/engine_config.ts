import {writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {getSetting} from '../../core/config/settings.js'
import {NO_PINS, resolveToken} from '../../core/modules/index.js'
import type {Store} from '../../core/store/index.js'
import {isInternalToken} from './ssl_password_file.js'
import {pkcs11EnginePath} from './token_key.js'

/** OpenSSL config for the daemon process; holds paths only, never a PIN. */
export const ENGINE_CONFIG_FILE = 'msgctl-openssl.cnf'
/** Tells the daemon which module the engine was loaded with. */
export const ENGINE_LIBRARY_ENV = 'MSGCTL_PKCS11_ENGINE_LIBRARY'

/**
 * When the server key is on an external token, the daemon is started with
 * OpenSSL's PKCS #11 engine loaded from its config (Node reads the
 * `nodejs_conf` section): an engine loaded that way serves every TLS context
 * the daemon builds, on start and on each reload, whereas one loaded by path
 * per context works only once per process. Run by `msgctl start` before it
 * spawns the daemon; returns the node arguments and environment to add.
 */
export function engineStartup(store: Store, dir: string): {execArgv: string[]; env: Record<string, string>} | null {
  const token = getSetting(store, 'encryption.rsa.nsssltoken').value
  if (isInternalToken(token)) return null
  const engine = pkcs11EnginePath()
  if (!engine) return null // the snapshot refuses with the reason
  let library: string | null = null
  try {
    const found = resolveToken(store, token, NO_PINS, {login: false})
    if (found.kind === 'external') {
      library = found.module.library
      found.close()
    }
  } catch {
    return null // likewise: the snapshot says what is wrong with the token
  }
  if (library === null) return null
  const file = join(dir, ENGINE_CONFIG_FILE)
  writeFileSync(
    file,
    ['nodejs_conf = msgctl_init', '[msgctl_init]', 'engines = msgctl_engines', '[msgctl_engines]', 'pkcs11 = msgctl_pkcs11', '[msgctl_pkcs11]', 'engine_id = pkcs11', `dynamic_path = ${engine}`, `MODULE_PATH = ${library}`, 'init = 1', ''].join('\n'),
    {mode: 0o600},
  )
  return {execArgv: [`--openssl-config=${file}`], env: {[ENGINE_LIBRARY_ENV]: library}}
}
