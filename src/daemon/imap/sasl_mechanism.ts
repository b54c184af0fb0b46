import type {SaslExchange} from '../sasl/index.js'
import type {Directory} from '../session_types.js'

/**
 * A SASL mechanism (RFC 4422) as AUTHENTICATE drives it: the session relays
 * base64 lines, the exchange decides. The steps are the ones all three
 * protocols share (src/daemon/sasl); the core mechanisms come in through
 * core_sasl.ts.
 */
export type {SaslExchange, SaslStep} from '../sasl/index.js'

export interface SaslMechanism {
  /** Upper-case name as advertised after AUTH=. */
  readonly name: string
  /** Carries the password in the clear: offered only when plaintextmincipher allows. */
  readonly plaintext: boolean
  start(directory: Directory): SaslExchange
}
