/**
 * Storing an accepted message: one trace line in front of the bytes exactly
 * as received, a copy in each local recipient's INBOX, and one queue entry
 * for the recipients on other hosts. Everything happens before the 250: a
 * failure anywhere answers 451 so the client keeps its copy. (A failure
 * after some local copies were made means those users may see it twice
 * after the retry; losing mail would be worse.)
 */
import type {SmtpSessionApi, Transaction} from './commands/command.js'
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
  const from = transaction.from?.address ?? ''
  try {
    for (const user of localUsers) mail.deliver(user, message)
    let queued = ''
    if (remote.length > 0) {
      if (outbound === null) throw new Error('no outbound queue')
      queued = ` queued=${outbound.enqueue({from, to: remote}, message)}`
    }
    transport.log(`${id} from=<${from}> size=${body.length} local=${localUsers.length} remote=${remote.length}${queued}`)
    return {ok: true, id}
  } catch (error) {
    transport.log(`${id} not stored: ${(error as Error).message}`)
    return {ok: false}
  }
}
