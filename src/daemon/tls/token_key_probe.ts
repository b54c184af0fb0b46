/**
 * Run in a child process by checkTokenKey: log in to an external token,
 * find the server key by its id and make one signature with it. A separate
 * process because finalising the PKCS #11 library here would pull it from
 * under the OpenSSL engine that serves TLS in the daemon, and because an
 * engine that once failed stays failed for the life of the process.
 *
 * Input (stdin, JSON): {dir, token, keyId (hex), pin}. The PIN never appears
 * in argv or the environment. Output (stdout, JSON): {ok: true, library} or
 * {ok: false, problem, message}.
 */
import {firstPin, ModuleError, MODUTIL_EXIT, resolveToken} from '../../core/modules/index.js'
import {locateStore, Store} from '../../core/store/index.js'

interface Probe {
  dir: string
  token: string
  keyId: string
  pin: string | null
}

async function main(): Promise<void> {
  const chunks: Buffer[] = []
  for await (const c of process.stdin) chunks.push(c as Buffer)
  const probe = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Probe
  const say = (result: object): void => void process.stdout.write(JSON.stringify(result))
  const store = Store.open(locateStore(probe.dir))
  try {
    if (probe.pin === null) return say({ok: false, problem: 'no-password', message: 'no PIN'})
    const pins = firstPin({pinFor: (name: string) => (name === probe.token ? probe.pin : null)})
    let token
    try {
      token = resolveToken(store, probe.token, pins, {login: true})
    } catch (err) {
      const wrongPin = err instanceof ModuleError && (err.exitCode === MODUTIL_EXIT.BAD_PASSWORD || err.exitCode === MODUTIL_EXIT.AUTHENTICATION_FAILED)
      return say({ok: false, problem: wrongPin ? 'wrong-password' : 'token-unusable', message: (err as Error).message})
    }
    if (token.kind !== 'external') return say({ok: false, problem: 'token-unusable', message: 'this is the internal token'})
    try {
      const key = token.session.privateKeyById(Buffer.from(probe.keyId, 'hex'))
      if (!key) return say({ok: false, problem: 'no-private-key', message: `no private key with id ${probe.keyId} on the token`})
      token.session.sign(key, 'SHA256', Buffer.from('msgctl token key probe'))
      say({ok: true, library: token.module.library})
    } catch (err) {
      say({ok: false, problem: 'token-unusable', message: `the key cannot sign: ${(err as Error).message}`})
    } finally {
      token.close()
    }
  } finally {
    store.close()
  }
}

await main()
