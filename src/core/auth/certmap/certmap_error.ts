import {ConfigError} from '../../errors.js'

/**
 * A certmap.conf that cannot be used. The message is one line that names the
 * line number and what to change, so the daemon can log it and a reload can
 * report it as is.
 */
export class CertmapError extends ConfigError {
  constructor(readonly line: number, reason: string) {
    super(`certmap.conf line ${line}: ${reason}`)
  }
}
