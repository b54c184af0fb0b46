import {ConfigError} from '../errors.js'

/**
 * A filter value that cannot be parsed. `column` is 1-based in the string
 * given to parseFilters; the message starts with `column N:` and says what
 * to write instead. A ConfigError, so a command that lets it escape prints
 * it and exits like any other refused configuration value.
 */
export class FilterSyntaxError extends ConfigError {
  constructor(readonly column: number, readonly reason: string) {
    super(`column ${column}: ${reason}`)
  }
}
