/**
 * One connection from the front end to a back-end relay, introduced with
 * XPROXYEHLO so the relay applies its policy to the real client. Anything
 * that keeps the relay from taking part (no answer in time, a refused
 * greeting, no XPROXYEHLO, a refused proof) is a RelayDown.
 */
import {ClientConnection, type ServerReply} from '../smtp/client_connection.js'
import {dotStuff} from '../smtp/dot_stuffing.js'
import {XPROXYEHLO, xproxyehloLine, type ProxiedClient} from '../smtp/xproxyehlo.js'
import type {ProxyConfig, Relay} from './proxy_config.js'

/** RFC 5321 §4.5.3.2.6: the reply to the end of the data may take ten minutes. */
const DATA_END_TIMEOUT_MS = 10 * 60_000

/** The relay cannot serve: avoid it, try the next. */
export class RelayDown extends Error {
  override name = 'RelayDown'
}

export class RelayLink {
  private constructor(
    readonly relay: Relay,
    /** The client facts the relay was given. */
    readonly client: ProxiedClient,
    readonly keywords: ReadonlyMap<string, string>,
    private readonly conn: ClientConnection,
  ) {}

  static async open(relay: Relay, client: ProxiedClient, config: ProxyConfig): Promise<RelayLink> {
    let conn: ClientConnection
    try {
      conn = await ClientConnection.open(relay, config.failoverTimeoutMs)
    } catch (err) {
      throw new RelayDown((err as Error).message)
    }
    try {
      const greeting = await conn.read()
      if (greeting.code !== 220) throw new RelayDown(`greeting ${greeting.code} ${greeting.text}`)
      const keywords = await conn.ehlo(config.hostname)
      if (keywords === null) throw new RelayDown('EHLO refused')
      const nonce = keywords.get(XPROXYEHLO)
      if (!nonce) throw new RelayDown('it does not offer XPROXYEHLO (set local.proxy.smtpproxypassword there too)')
      const reply = await conn.command(xproxyehloLine(config.password, nonce, client))
      if (reply.code !== 250) throw new RelayDown(`XPROXYEHLO refused: ${reply.code} ${reply.text}${reply.code === 535 ? ' (the proxy passwords differ)' : ''}`)
      return new RelayLink(relay, client, keywords, conn)
    } catch (err) {
      conn.destroy()
      throw err instanceof RelayDown ? err : new RelayDown((err as Error).message)
    }
  }

  /** The relay closed the connection (an idle timeout, a restart) before we spoke again. */
  get broken(): boolean {
    return this.conn.broken
  }

  /** One command and its reply; a broken connection or silence is a RelayDown. */
  async command(line: string): Promise<ServerReply> {
    try {
      return await this.conn.command(line)
    } catch (err) {
      throw new RelayDown((err as Error).message)
    }
  }

  /** DATA, the message, the final reply (or the refusal of DATA). */
  async sendMessage(message: Buffer): Promise<ServerReply> {
    const go = await this.command('DATA')
    if (go.code !== 354) return go
    try {
      this.conn.write(dotStuff(message))
      return await this.conn.read(DATA_END_TIMEOUT_MS)
    } catch (err) {
      throw new RelayDown((err as Error).message)
    }
  }

  /** Say goodbye without waiting long; the connection goes either way. */
  close(): void {
    if (this.conn.broken) return this.conn.destroy()
    void this.conn.quit().finally(() => this.conn.destroy())
  }

  destroy(): void {
    this.conn.destroy()
  }
}
