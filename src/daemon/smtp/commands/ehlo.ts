/** EHLO (RFC 5321 §4.1.1.1): greet, reset any transaction, list the extensions usable now. */
import type {SmtpCommand, SmtpSessionApi} from './command.js'
import {advertisedMechanisms} from '../../sasl/index.js'
import {newProxyNonce, XPROXYEHLO} from '../xproxyehlo.js'

export const EHLO: SmtpCommand = {
  verb: 'EHLO',
  states: ['start', 'ready', 'mail', 'rcpt'],
  run(session, args) {
    const name = args.trim()
    if (name === '' || /\s/.test(name)) return session.reply(501, '5.5.4', 'Syntax: EHLO hostname')
    session.resetTransaction()
    session.helo = name
    session.esmtp = true
    session.state = 'ready'
    // The name is the client's: echoed as visible ASCII only, so replies stay 7-bit.
    session.reply(250, null, [`${session.context.settings.hostname} Hello ${name.replace(/[^\x21-\x7e]/g, '?')}`, ...ehloKeywords(session)])
  },
}

export function ehloKeywords(session: SmtpSessionApi): string[] {
  const {settings, transport} = session.context
  const keywords = ['PIPELINING', settings.maxMessageSize > 0 ? `SIZE ${settings.maxMessageSize}` : 'SIZE', '8BITMIME', 'ENHANCEDSTATUSCODES']
  if (!transport.secure && transport.canStartTls) keywords.push('STARTTLS')
  const mechanisms = advertisedMechanisms(settings, transport)
  // Advertise AUTH only when a mechanism can be used now (RFC 4954 §4: clients then STARTTLS first).
  if (mechanisms.length > 0) keywords.push(`AUTH ${mechanisms.join(' ')}`)
  keywords.push('HELP')
  // A fresh nonce per connection: a proof overheard elsewhere is worth nothing here.
  if (session.context.smtpProxy?.password && session.proxiedClient === null) keywords.push(`${XPROXYEHLO} ${(session.proxyNonce ??= newProxyNonce())}`)
  return keywords
}
