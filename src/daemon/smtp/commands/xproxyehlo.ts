/**
 * XPROXYEHLO (see ../xproxyehlo.ts): a front-end proxy names its real client.
 * Offered only when local.proxy.smtpproxypassword is set; accepted once, after
 * EHLO and before MAIL or AUTH, with a proof made from this connection's
 * nonce. A wrong proof ends the connection: whoever sent it is not our proxy.
 */
import {checkXproxyehlo} from '../xproxyehlo.js'
import type {SmtpCommand} from './command.js'

export const XPROXYEHLO_COMMAND: SmtpCommand = {
  verb: 'XPROXYEHLO',
  states: ['ready'],
  wrongStateText: 'Error: XPROXYEHLO not allowed during a mail transaction',
  async run(session, args) {
    const {smtpProxy, transport} = session.context
    if (!smtpProxy?.password) {
      transport.log('XPROXYEHLO refused: not enabled here (local.proxy.smtpproxypassword is empty)')
      return session.reply(502, '5.5.1', 'Error: XPROXYEHLO is not enabled')
    }
    if (session.proxyNonce === null) return session.reply(503, '5.5.1', 'Error: send EHLO first')
    if (session.proxiedClient !== null || session.user !== null) return session.reply(503, '5.5.1', 'Error: XPROXYEHLO already given or client already authenticated')
    const check = checkXproxyehlo(args, session.proxyNonce, smtpProxy.password)
    if (!check.ok) {
      transport.log(`XPROXYEHLO refused from ${transport.remoteAddress}: ${check.detail}`)
      if (check.why === 'syntax') return session.reply(501, '5.5.4', 'Syntax: XPROXYEHLO proof address helo [AUTH=user] [RELAY] [CHANNEL=name] [NAME=host]')
      session.reply(535, '5.7.8', 'Error: proxy authentication failed')
      return session.close()
    }
    const client = check.client
    const relay = client.relay || client.user !== null || (await smtpProxy.mayRelay({address: client.address, name: client.name}))
    const facts = [`client=${client.address}`, `helo=${client.helo}`, ...(client.user ? [`auth=${client.user}`] : []), ...(client.relay ? ['relay=proxy'] : []), ...(client.channel ? [`channel=${client.channel}`] : []), ...(client.name ? [`name=${client.name}`] : [])]
    transport.log(`XPROXYEHLO from proxy ${transport.remoteAddress}: ${facts.join(' ')}; may relay: ${relay ? 'yes' : 'no'}`)
    session.actFor(client, relay)
    session.reply(250, '2.0.0', `Ok: serving ${client.address} for the proxy`)
  },
}
