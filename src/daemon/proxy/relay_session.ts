/**
 * The relay side of one client's SMTP session at the front end. MAIL, RCPT
 * and DATA go to the client's relay in step, so each reply the client gets
 * is the relay's; the message itself is read whole first, so that when a
 * relay fails (no answer, 421, a temporary failure at MAIL or DATA) the same
 * transaction can be replayed on the next relay. The client's 250 for the
 * data is the relay's 250: no acknowledged message can be lost. When no
 * relay can take it, the client is told 451 4.4.1 and keeps its copy.
 */
import type {ServerReply} from '../smtp/client_connection.js'
import type {ProxiedClient} from '../smtp/xproxyehlo.js'
import type {ProxyConfig} from './proxy_config.js'
import {RelayDown, RelayLink} from './relay_link.js'
import type {RelayPool} from './relay_pool.js'

const NO_RELAY: ServerReply = reply(451, '4.4.1 No mail relay is available, try again later')

/** The relay will not repeat what the previous one accepted: not its health's fault, but the transaction cannot move there. */
class ReplayRefused extends Error {}

export class RelaySession {
  #link: RelayLink | null = null
  #client: ProxiedClient | null = null
  /** What the current transaction's relay accepted: the MAIL line, then RCPT lines; null outside one. */
  #accepted: {mail: string | null; rcpts: string[]} | null = null
  /** The relay holds a transaction the client abandoned (RSET, EHLO): reset it before the next. */
  #dirty = false

  constructor(
    private readonly pool: RelayPool,
    private readonly config: ProxyConfig,
    private readonly log: (line: string) => void,
  ) {}

  /** The relay this session talks to now, for logs. */
  get relay(): string | null {
    return this.#link?.relay.key ?? null
  }

  async mail(line: string, client: ProxiedClient): Promise<ServerReply> {
    if (this.#link && !sameClient(this.#link.client, client)) this.#drop()
    this.#client = client
    if (this.#link && this.#dirty) {
      try {
        await this.#link.command('RSET')
      } catch (err) {
        this.#failed(this.#link, (err as Error).message)
      }
    }
    this.#dirty = false
    this.#accepted = {mail: null, rcpts: []}
    const answer = await this.#withRelay((link) => link.command(line), isTemporary)
    if (positive(answer)) this.#accepted.mail = line
    else this.#accepted = null
    return answer
  }

  async rcpt(line: string): Promise<ServerReply> {
    const answer = await this.#withRelay((link) => link.command(line), () => false)
    if (positive(answer)) this.#accepted?.rcpts.push(line)
    return answer
  }

  async data(message: Buffer): Promise<ServerReply> {
    const answer = await this.#withRelay((link) => link.sendMessage(message), isTemporary)
    this.#accepted = null
    this.#dirty = false
    if (positive(answer) && this.#link) this.pool.delivered(this.#link.relay)
    return answer
  }

  /** A command the relays offer and the front end passes on as it is (EXPN, ETRN ...). */
  async forward(line: string, client: ProxiedClient): Promise<ServerReply> {
    if (this.#link && !sameClient(this.#link.client, client) && this.#accepted === null) this.#drop()
    this.#client = client
    return this.#withRelay((link) => link.command(line), () => false)
  }

  /** The client left its transaction (RSET, EHLO, a refused DATA). */
  abandon(): void {
    if (this.#accepted !== null) this.#dirty = true
    this.#accepted = null
  }

  close(): void {
    this.#link?.close()
    this.#link = null
  }

  /**
   * Run `op` on the session's relay, moving to the next relay (and replaying
   * what the transaction had so far) while relays fail. `failsRelay` names
   * the replies, besides 421, that count as the relay failing.
   */
  async #withRelay(op: (link: RelayLink) => Promise<ServerReply>, failsRelay: (r: ServerReply) => boolean): Promise<ServerReply> {
    const tried = new Set<string>()
    for (;;) {
      let link = this.#link
      // A link the relay closed while it was idle says nothing about the relay's health.
      if (link?.broken && (this.#accepted === null || this.#accepted.mail === null)) {
        link.destroy()
        link = this.#link = null
      }
      if (link === null) {
        link = await this.#connect(tried)
        if (link === null) return NO_RELAY
      }
      try {
        const answer = await op(link)
        if (answer.code === 421 || failsRelay(answer)) throw new RelayDown(`${answer.code} ${answer.text}`)
        return answer
      } catch (err) {
        if (!(err instanceof RelayDown)) throw err
        tried.add(link.relay.key)
        this.#failed(link, err.message)
      }
    }
  }

  /** A link to the first relay that takes the client and the transaction so far; null when none does. */
  async #connect(tried: Set<string>): Promise<RelayLink | null> {
    for (const relay of this.pool.candidates()) {
      if (tried.has(relay.key)) continue
      tried.add(relay.key)
      let link: RelayLink
      try {
        link = await RelayLink.open(relay, this.#client!, this.config)
      } catch (err) {
        this.pool.failed(relay, (err as Error).message, this.config.avoidMs)
        continue
      }
      this.pool.reached(relay, link.keywords)
      try {
        await this.#replay(link)
      } catch (err) {
        if (err instanceof ReplayRefused) {
          this.log(`proxy: relay ${relay.key} would not take the transaction over: ${err.message}`)
          link.close()
        } else this.#failed(link, (err as Error).message)
        continue
      }
      this.#link = link
      return link
    }
    return null
  }

  /** Give a new relay what the failed one had accepted of this transaction. */
  async #replay(link: RelayLink): Promise<void> {
    const accepted = this.#accepted
    if (accepted === null || accepted.mail === null) return
    for (const line of [accepted.mail, ...accepted.rcpts]) {
      const answer = await link.command(line)
      if (answer.code === 421) throw new RelayDown(`${answer.code} ${answer.text}`)
      if (!positive(answer)) throw new ReplayRefused(`${line.split(':')[0]}: ${answer.code} ${answer.text}`)
    }
    this.log(`proxy: transaction moved to relay ${link.relay.key}`)
  }

  #failed(link: RelayLink, error: string): void {
    this.pool.failed(link.relay, error, this.config.avoidMs)
    link.destroy()
    if (this.#link === link) this.#link = null
  }

  #drop(): void {
    this.#link?.close()
    this.#link = null
    this.#dirty = false
  }
}

function reply(code: number, text: string): ServerReply {
  return {code, text, lines: [text]}
}

const positive = (r: ServerReply): boolean => r.code >= 200 && r.code < 300
const isTemporary = (r: ServerReply): boolean => r.code >= 400 && r.code < 500

function sameClient(a: ProxiedClient, b: ProxiedClient): boolean {
  return a.address === b.address && a.helo === b.helo && a.user === b.user && a.relay === b.relay && a.channel === b.channel && a.name === b.name
}
