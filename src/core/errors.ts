/**
 * Typed errors of the core. A command prints `message` once, on stderr, and
 * exits with `exitCode`; nothing else in the core prints or exits.
 */
export class MsgctlError extends Error {
  constructor(message: string, readonly exitCode: number = 1) {
    super(message)
    this.name = new.target.name
  }
}

/** Bad command line: unknown option, missing value, conflicting commands. */
export class UsageError extends MsgctlError {}

/** The store cannot be opened, is corrupt, or is from a newer version. */
export class StoreError extends MsgctlError {}

/** A configuration value or name was refused. */
export class ConfigError extends MsgctlError {}
