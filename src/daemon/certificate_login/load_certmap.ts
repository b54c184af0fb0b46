import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {parseCertmap, type CertmapConfig} from '../../core/auth/certmap/index.js'

/**
 * Used when the configuration directory has no certmap.conf: the seed says
 * editing the file is unnecessary when the e-mail address in users'
 * certificates matches their directory entries, so map by that address,
 * searching the whole user tree.
 */
export const DEFAULT_CERTMAP = `certmap default default
default:DNComps
default:FilterComps e
`

/** certmap.conf from the configuration directory, or the default; a parse error throws a CertmapError naming the line. */
export function loadCertmap(dir: string): {config: CertmapConfig; source: string} {
  const path = join(dir, 'certmap.conf')
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw new Error(`${path} cannot be read: ${(err as Error).message}`)
    return {config: parseCertmap(DEFAULT_CERTMAP), source: 'built-in default (map by e-mail address)'}
  }
  return {config: parseCertmap(text), source: path}
}
