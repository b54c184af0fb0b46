import {parseMailbox} from '../smtp/address.js'
import {storeAccepted} from '../smtp/message_delivery.js'
import {newQueueId} from '../smtp/queue_id.js'
import {receivedHeader} from '../smtp/received_header.js'
import type {Directory} from '../session_types.js'
import type {HttpDeps} from './web_request.js'

export type Submission = {readonly ok: true; readonly id: string} | {readonly ok: false; readonly error: string}

/**
 * A message written in web mail, handed to the same delivery the SMTP
 * submission port uses: local users get it in their INBOX, other domains
 * through the outbound queue (a logged-in user may send anywhere, as after
 * SMTP AUTH). Every recipient is checked before anything is stored.
 */
export async function submitFromWebmail(
  deps: Pick<HttpDeps, 'mail' | 'outbound' | 'log'>,
  o: {user: string; from: string; recipients: readonly string[]; message: Buffer; ip: string; secure: boolean; hostname: string; localDomains: readonly string[]; directory: Directory; log: (line: string) => void},
): Promise<Submission> {
  const localUsers: string[] = []
  const remote: string[] = []
  for (const text of o.recipients) {
    const parsed = parseMailbox(text.includes('@') ? text : `${text}@${o.localDomains[0] ?? o.hostname}`)
    if (typeof parsed === 'string') return {ok: false, error: `${text}: ${parsed}`}
    if (parsed.domain === null || o.localDomains.includes(parsed.domain)) {
      const user = o.directory.lookupAsync ? await o.directory.lookupAsync(parsed.localPart) : o.directory.lookup(parsed.localPart)
      if (user === null) return {ok: false, error: `${parsed.address}: no such user here`}
      if (!localUsers.includes(user)) localUsers.push(user)
    } else {
      if (deps.outbound === null) return {ok: false, error: 'mail to other domains cannot be sent from this server'}
      if (!remote.includes(parsed.address)) remote.push(parsed.address)
    }
  }
  const id = newQueueId()
  const trace = receivedHeader({helo: 'webmail', remoteAddress: o.ip, hostname: o.hostname, esmtp: true, tls: o.secure, authenticated: true, id, date: new Date(), protocol: o.secure ? 'HTTPS' : 'HTTP'})
  const outcome = storeAccepted({mail: deps.mail, outbound: deps.outbound, log: o.log}, {id, from: o.from, localUsers, remote, message: Buffer.concat([Buffer.from(trace, 'latin1'), o.message]), size: o.message.length})
  return outcome.ok ? {ok: true, id} : {ok: false, error: 'the message could not be stored; try again'}
}
