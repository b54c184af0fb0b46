import {challenge, fail, type SaslContext, type SaslMechanism, type SaslStep} from './mechanism.js'
import {decodeUtf8} from './utf8.js'

/** RFC 4505 §3: the trace is 1 to 255 characters (an empty message is allowed). */
const MAX_TRACE_CHARS = 255

/**
 * ANONYMOUS (RFC 4505): the message is an optional trace (an e-mail
 * address or opaque token) for the caller to log, never a credential.
 * Whether anonymous access is allowed at all is the offer's decision.
 */
export function createAnonymous(_context: SaslContext): SaslMechanism {
  const accept = async (message: Buffer): Promise<SaslStep> => {
    const trace = decodeUtf8(message)
    if (trace == null || trace.includes('\0')) return fail('malformed', 'ANONYMOUS trace must be UTF-8 text')
    if ([...trace].length > MAX_TRACE_CHARS) return fail('malformed', 'ANONYMOUS trace is longer than 255 characters')
    return {kind: 'success', user: 'anonymous', trace}
  }
  return {
    name: 'ANONYMOUS',
    start: async (initialResponse) => (initialResponse == null ? challenge(Buffer.alloc(0)) : accept(initialResponse)),
    next: accept,
  }
}
