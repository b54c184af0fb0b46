/**
 * Storing an accepted message: one trace line in front of the bytes exactly
 * as received, a copy in each local recipient's INBOX, and one queue entry
 * for the recipients on other hosts. Everything happens before the 250: a
 * failure anywhere answers 451 so the client keeps its copy. (A failure
 * after some local copies were made means those users may see it twice
 * after the retry; losing mail would be worse.)
 */
import type {SmtpSessionApi, Transaction} from './commands/command.js'
import type {MailStore} from '../mailstore/types.js'
import type {OutboundQueue} from '../session_types.js'
import {newQueueId} from './queue_id.js'
import {receivedHeader} from './received_header.js'

export type StoreOutcome = {readonly ok: true; readonly id: string} | {readonly ok: false}

export function storeMessage(session: SmtpSessionApi, transaction: Transaction, body: Buffer): StoreOutcome {
  const {transport, settings, mail, outbound} = session.context
  const id = newQueueId()
  const trace = receivedHeader({
    helo: session.helo ?? 'unknown',
    remoteAddress: transport.remoteAddress,
    hostname: settings.hostname,
    esmtp: session.esmtp,
    tls: transport.secure,
    authenticated: session.user !== null,
    id,
    date: new Date(),
  })
  const message = Buffer.concat([Buffer.from(trace, 'latin1'), body])
  const localUsers = [...new Set(transaction.recipients.flatMap((r) => (r.localUser === null ? [] : [r.localUser])))]
  const remote = [...new Set(transaction.recipients.flatMap((r) => (r.localUser === null ? [r.mailbox.address] : [])))]
  return storeAccepted({mail, outbound, log: (l) => transport.log(l)}, {id, from: transaction.from?.address ?? '', localUsers, remote, message, size: body.length})
}

/** Where an accepted message goes: the mail store, the outbound queue, the log. */
export interface DeliveryTargets {
  readonly mail: MailStore
  readonly outbound: OutboundQueue | null
  readonly log: (line: string) => void
}

/** A message accepted for delivery, its trace header already in front. */
export interface AcceptedMessage {
  readonly id: string
  /** Reverse path; '' for the null sender. */
  readonly from: string
  /** Canonical local users, each once. */
  readonly localUsers: readonly string[]
  /** Addresses on other hosts, each once. */
  readonly remote: readonly string[]
  readonly message: Buffer
  /** Size as received, for the log line. */
  readonly size: number
}

/** Deliver locally and queue the rest; shared by SMTP and web mail so both keep the same guarantees. */
export function storeAccepted(targets: DeliveryTargets, m: AcceptedMessage): StoreOutcome {
  const {mail, outbound, log} = targets
  try {
    for (const user of m.localUsers) mail.deliver(user, m.message)
    let queued = ''
    if (m.remote.length > 0) {
      if (outbound === null) throw new Error('no outbound queue')
      queued = ` queued=${outbound.enqueue({from: m.from, to: m.remote}, m.message)}`
    }
    log(`${m.id} from=<${m.from}> size=${m.size} local=${m.localUsers.length} remote=${m.remote.length}${queued}`)
    return {ok: true, id: m.id}
  } catch (error) {
    log(`${m.id} not stored: ${(error as Error).message}`)
    return {ok: false}
  }
}
