/**
 * -h TOKEN: which token pk12util works on. This is the one place where an
 * external PKCS #11 token will plug in: today only the store's internal
 * token resolves; any other name is refused with NSS's status for a bad
 * slot (13), saying why.
 */
import {MsgctlError} from '../../core/errors.js'
import {INTERNAL_TOKEN_NAME} from '../../core/pki/index.js'

/** pk12util's status when the token cannot be found or logged into (reference §3.4). */
export const EXIT_SLOT = 13

export interface ResolvedToken {
  readonly kind: 'internal'
  /** The name password files and prompts use. */
  readonly name: string
}

/** Names that mean the internal token: its token and slot names as NSS shows them, and "internal". */
const INTERNAL_NAMES = ['internal', INTERNAL_TOKEN_NAME, 'Internal (Software) Token', 'NSS User Private Key and Certificate Services']

export function resolveToken(name: string | undefined): ResolvedToken {
  if (name === undefined || INTERNAL_NAMES.some((n) => n.toLowerCase() === name.toLowerCase())) {
    return {kind: 'internal', name: INTERNAL_TOKEN_NAME}
  }
  throw new MsgctlError(
    `Invalid slot "${name}": external tokens are not available to pk12util yet; use the internal token (omit -h, or -h internal)`,
    EXIT_SLOT,
  )
}
