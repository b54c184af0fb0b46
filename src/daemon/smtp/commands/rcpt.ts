/**
 * RCPT TO (RFC 5321 §4.1.1.3): local domains deliver to users of the
 * directory; anything else is relaying, allowed for authenticated sessions
 * and clients the access rules trust.
 */
import {parsePathWithParameters, type Mailbox} from '../address.js'
import type {SmtpCommand, SmtpSessionApi} from './command.js'

/** RFC 5321 §4.5.3.1.8: at least 100 recipients must be accepted; we take exactly that many. */
export const MAX_RECIPIENTS = 100

/**
 * RCPT TO's checks, shared with the proxy's front end: the recipient, or
 * null once the refusal has been sent. `passThrough` names parameters
 * another server handles (the relays' DSN); any other is refused.
 */
export function readRcptTo(session: SmtpSessionApi, args: string, passThrough: readonly string[] = []): Mailbox | null {
  const m = /^TO:/i.exec(args)
  if (!m) return (session.reply(501, '5.5.4', 'Syntax: RCPT TO:<address>'), null)
  const path = parsePathWithParameters(args.slice(m[0].length), {allowNull: false, allowPostmaster: true})
  if (!path.ok) return (session.reply(501, '5.1.3', `Bad recipient address syntax: ${path.reason}`), null)
  const unsupported = path.params.find((p) => !passThrough.includes(p.keyword))
  if (unsupported) return (session.reply(555, '5.5.4', `Unsupported option: ${unsupported.keyword}`), null)
  if (session.transaction!.recipients.length >= MAX_RECIPIENTS) return (session.reply(452, '4.5.3', 'Error: too many recipients'), null)
  return path.mailbox!
}

export const RCPT: SmtpCommand = {
  verb: 'RCPT',
  states: ['mail', 'rcpt'],
  wrongStateText: 'Error: need MAIL command',
  async run(session, args) {
    const transaction = session.transaction!
    const mailbox = readRcptTo(session, args)
    if (mailbox === null) return
    const {settings, directory, outbound} = session.context
    const local = mailbox.domain === null || settings.localDomains.includes(mailbox.domain)
    if (local) {
      const user = directory.lookupAsync ? await directory.lookupAsync(mailbox.localPart) : directory.lookup(mailbox.localPart)
      if (user === null) return session.reply(550, '5.1.1', `<${mailbox.address}>: no such user here`)
      transaction.recipients.push({mailbox, localUser: user})
    } else {
      if (!settings.relayAllowed && session.user === null) return session.reply(554, '5.7.1', `<${mailbox.address}>: Relay access denied`)
      if (outbound === null) return session.reply(451, '4.3.5', `<${mailbox.address}>: outbound mail is not available`)
      transaction.recipients.push({mailbox, localUser: null})
    }
    session.state = 'rcpt'
    session.reply(250, '2.1.5', 'Ok')
  },
}
