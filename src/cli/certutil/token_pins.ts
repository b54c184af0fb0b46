/**
 * PINs for external tokens in certutil: the -f file (a `TOKEN:PIN` line, or
 * its last line) first, then the store's sslpassword.conf, the file the
 * daemon reads, so one file can serve both.
 */
import {existsSync, readFileSync} from 'node:fs'
import {join} from 'node:path'
import {firstPin, pinsFromPasswordFile, pinsFromSslPasswordConf, type PinSource} from '../../core/modules/index.js'
import type {Store} from '../../core/store/index.js'
import {fail} from './session.js'

export const SSL_PASSWORD_CONF = 'sslpassword.conf'

export function tokenPins(store: Store, pwfile: string | undefined): PinSource {
  const sources: PinSource[] = []
  if (pwfile !== undefined) {
    let content: Buffer
    try {
      content = readFileSync(pwfile)
    } catch {
      return fail(`No password file "${pwfile}" exists.`)
    }
    sources.push(pinsFromPasswordFile(content))
  }
  const conf = join(store.location.dir, SSL_PASSWORD_CONF)
  if (existsSync(conf)) {
    try {
      sources.push(pinsFromSslPasswordConf(readFileSync(conf, 'utf8')))
    } catch {
      // Unreadable: the -f file, if any, still answers.
    }
  }
  return firstPin(...sources)
}
