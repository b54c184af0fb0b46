/**
 * APOP name digest (RFC 1939 §7): digest = hex(MD5(greeting timestamp ‖
 * password)). Offered only when the greeting carried a timestamp, which
 * needs clear-text passwords in the directory. The password never crosses
 * the wire, so plaintextmincipher does not apply.
 */
import {verifyApop} from '../../../core/auth/sasl/index.js'
import {saslCredentials, sessionOutcome, type SaslOutcome} from '../../sasl/index.js'
import type {PopCommand} from './command.js'

export const APOP: PopCommand = {
  verb: 'APOP',
  states: ['authorization'],
  async run(session, args) {
    const timestamp = session.apopTimestamp
    if (timestamp === null) return session.err('APOP is not available on this server; use USER and PASS, or AUTH.')
    // The digest is the last word; the name is everything before it.
    const m = /^(.+?)[ \t]+([^ \t]+)$/.exec(args.trim())
    if (!m) return session.err('Syntax: APOP name digest')
    const startedAt = Date.now()
    let outcome: SaslOutcome
    try {
      outcome = sessionOutcome(await verifyApop(timestamp, m[1]!, m[2]!, saslCredentials(session.context.directory)))
    } catch (error) {
      outcome = {kind: 'failure', reason: 'unavailable', detail: (error as Error).message}
    }
    await session.login(outcome, 'APOP', startedAt)
  },
}
