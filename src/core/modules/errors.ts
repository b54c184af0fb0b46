import {MsgctlError} from '../errors.js'

/** modutil's exit statuses (the `Error` enum of NSS's cmd/modutil/error.h; reference §2.7). */
export const MODUTIL_EXIT = {
  OK: 0,
  USAGE: 1,
  FIPS_SWITCH_FAILED: 11,
  FIPS_ALREADY_ON: 12,
  FIPS_ALREADY_OFF: 13,
  FILE_EXISTS: 14,
  FILE_MISSING: 15,
  DIR_MISSING: 18,
  ADD_MODULE_FAILED: 22,
  DELETE_INTERNAL: 25,
  DELETE_FAILED: 26,
  NO_SUCH_MODULE: 29,
  NO_SUCH_TOKEN: 33,
  CHANGEPW_FAILED: 34,
  BAD_PASSWORD: 35,
  AUTHENTICATION_FAILED: 37,
  NO_SUCH_SLOT: 38,
  ENABLE_FAILED: 39,
  DEFAULT_FAILED: 41,
  UNDEFAULT_FAILED: 42,
  STDIN_READ: 43,
  NOCERTDB_MISUSE: 45,
  INIT_FAILED: 46,
} as const

/** A module database operation refused; `message` is the text after modutil's "ERROR: ". */
export class ModuleError extends MsgctlError {}
