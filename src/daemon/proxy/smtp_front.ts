/**
 * SMTP at the front end: the mail server's own session (greeting, STARTTLS,
 * AUTH through the shared SASL path, HELO, NOOP, VRFY, HELP, limits), with
 * MAIL, RCPT and DATA checked here and then carried to a back-end relay by
 * the client's RelaySession. Relaying is decided here first (authenticated,
 * POP before SMTP at this proxy, or service.smtp.relayallowed) and again by
 * the relay for the real client.
 */
import type {ServerReply} from '../smtp/client_connection.js'
import {AUTH} from '../smtp/commands/auth.js'
import type {SmtpCommand, SmtpSessionApi} from '../smtp/commands/command.js'
import {ehloKeywords} from '../smtp/commands/ehlo.js'
import {HELO} from '../smtp/commands/helo.js'
import {HELP} from '../smtp/commands/help.js'
import {readMailFrom} from '../smtp/commands/mail.js'
import {NOOP} from '../smtp/commands/noop.js'
import {QUIT} from '../smtp/commands/quit.js'
import {readRcptTo} from '../smtp/commands/rcpt.js'
import {RSET} from '../smtp/commands/rset.js'
import {STARTTLS} from '../smtp/commands/starttls.js'
import {VRFY} from '../smtp/commands/vrfy.js'
import type {DataResult} from '../smtp/data_reader.js'
import {smtpReply} from '../smtp/reply.js'
import {SmtpSession} from '../smtp/session.js'
import type {ProxiedClient} from '../smtp/xproxyehlo.js'
import type {ProtocolSession, SessionContext} from '../session_types.js'
import {DSN_MAIL_PARAMETERS, DSN_RCPT_PARAMETERS, forwardedVerbs, passedThroughKeywords} from './ehlo_passthrough.js'
import type {ProxyConfig} from './proxy_config.js'
import type {RelayPool} from './relay_pool.js'
import {RelaySession} from './relay_session.js'

export interface SmtpFrontOptions {
  readonly config: ProxyConfig
  readonly pool: RelayPool
  /** A POP login at this proxy from the client's address is recent enough (PreAuth, AuthServiceTTL). */
  readonly popBeforeSmtp: boolean
  /** The client's verified host name (ClientLookup). */
  readonly clientName: () => Promise<string>
}

export function createSmtpFrontSession(context: SessionContext, options: SmtpFrontOptions): ProtocolSession {
  const relay = new RelaySession(options.pool, options.config, (line) => context.transport.log(line))
  const session = new SmtpSession(context, {commands: frontCommands(relay, options)})
  return {
    start: () => session.start(),
    onData: (chunk) => session.onData(chunk),
    onClose: () => {
      session.onClose()
      relay.close()
    },
    shutdown: () => session.shutdown(),
  }
}

function frontCommands(relay: RelaySession, options: SmtpFrontOptions): ReadonlyMap<string, SmtpCommand> {
  const {config, pool} = options
  const passed = () => passedThroughKeywords(pool.commonKeywords(), config.ehloKeywords)
  const offers = (keyword: string) => passed().some((line) => line.split(' ')[0] === keyword)

  /** Who the relay is told the client is. */
  const clientOf = async (session: SmtpSessionApi): Promise<ProxiedClient> => {
    const mayRelayByPop = options.popBeforeSmtp && session.user === null
    return {
      address: session.context.transport.remoteAddress,
      helo: session.helo ?? 'unknown',
      user: session.user,
      relay: mayRelayByPop,
      channel: mayRelayByPop ? config.kludgeChannel : null,
      name: config.clientLookup ? await options.clientName() : null,
    }
  }
  /** Leaving the transaction also leaves the relay's. */
  const abandoning = (command: SmtpCommand): SmtpCommand => ({
    ...command,
    run(session, args) {
      relay.abandon()
      return command.run(session, args)
    },
  })

  const EHLO: SmtpCommand = {
    verb: 'EHLO',
    states: ['start', 'ready', 'mail', 'rcpt'],
    run(session, args) {
      const name = args.trim()
      if (name === '' || /\s/.test(name)) return session.reply(501, '5.5.4', 'Syntax: EHLO hostname')
      relay.abandon()
      session.resetTransaction()
      session.helo = name
      session.esmtp = true
      session.state = 'ready'
      session.reply(250, null, [`${session.context.settings.hostname} Hello ${name}`, ...ehloKeywords(session), ...passed()])
    },
  }

  const MAIL: SmtpCommand = {
    verb: 'MAIL',
    states: ['ready'],
    wrongStateText: 'Error: nested MAIL command',
    async run(session, args) {
      const accepted = readMailFrom(session, args, offers('DSN') ? DSN_MAIL_PARAMETERS : [])
      if (accepted === null) return
      const answer = await relay.mail(`MAIL ${args}`, await clientOf(session))
      if (positive(answer)) {
        session.transaction = {...accepted, recipients: []}
        session.state = 'mail'
      }
      session.send(asReply(answer))
    },
  }

  const RCPT: SmtpCommand = {
    verb: 'RCPT',
    states: ['mail', 'rcpt'],
    wrongStateText: 'Error: need MAIL command',
    async run(session, args) {
      const transaction = session.transaction!
      const mailbox = readRcptTo(session, args, offers('DSN') ? DSN_RCPT_PARAMETERS : [])
      if (mailbox === null) return
      const {settings} = session.context
      const local = mailbox.domain === null || settings.localDomains.includes(mailbox.domain)
      if (!local && !settings.relayAllowed && session.user === null && !options.popBeforeSmtp) {
        return session.reply(554, '5.7.1', `<${mailbox.address}>: Relay access denied`)
      }
      const answer = await relay.rcpt(`RCPT ${args}`)
      if (positive(answer)) {
        transaction.recipients.push({mailbox, localUser: null})
        session.state = 'rcpt'
      }
      session.send(asReply(answer))
    },
  }

  const DATA: SmtpCommand = {
    verb: 'DATA',
    states: ['mail', 'rcpt'],
    wrongStateText: 'Error: need MAIL command',
    async run(session, args) {
      if (args.trim() !== '') return session.reply(501, '5.5.4', 'Syntax: DATA')
      if (session.state !== 'rcpt') return session.reply(554, '5.5.1', 'Error: no valid recipients')
      session.reply(354, null, 'End data with <CR><LF>.<CR><LF>')
      const result = await new Promise<DataResult>((resolve) => session.receiveMessage(resolve))
      session.resetTransaction()
      if (result.message === null) {
        relay.abandon()
        return session.reply(552, '5.3.4', 'Message size exceeds fixed maximum message size')
      }
      const answer = await relay.data(result.message)
      session.context.transport.log(`proxied message size=${result.size} via ${relay.relay ?? 'no relay'}: ${answer.code} ${answer.text.slice(0, 120)}`)
      session.send(asReply(answer))
    },
  }

  const QUIT_AND_LEAVE: SmtpCommand = {
    ...QUIT,
    run(session, args) {
      relay.close()
      return QUIT.run(session, args)
    },
  }

  /** Commands of passed-through extensions go to the relay as they are, when the relays offer them. */
  const forwarded = forwardedVerbs(config.ehloKeywords).map(
    (verb): SmtpCommand => ({
      verb,
      states: ['start', 'ready', 'mail', 'rcpt'],
      async run(session, args) {
        if (!offers(verb)) return session.reply(500, '5.5.2', 'Error: command not recognized')
        if (session.state === 'start') return session.reply(503, '5.5.1', 'Error: send HELO/EHLO first')
        session.send(asReply(await relay.forward(args === '' ? verb : `${verb} ${args}`, await clientOf(session))))
      },
    }),
  )

  return new Map(
    [EHLO, abandoning(HELO), abandoning(STARTTLS), AUTH, MAIL, RCPT, DATA, abandoning(RSET), NOOP, QUIT_AND_LEAVE, VRFY, HELP, ...forwarded].map((c) => [c.verb, c]),
  )
}

/** SIZE, BODY and AUTH are ours to check; `passed` ones go to the relay as sent; anything else is refused (its keyword). */
/** The relay's reply as the client's, lines kept (the enhanced code is part of their text). */
function asReply(answer: ServerReply) {
  return smtpReply(answer.code, null, answer.lines.length > 0 ? answer.lines : [answer.text])
}

const positive = (r: ServerReply): boolean => r.code >= 200 && r.code < 300
