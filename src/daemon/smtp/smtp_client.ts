/**
 * A small SMTP client for handing queued mail to a smart host (RFC 5321):
 * EHLO (HELO as fallback), STARTTLS when offered (RFC 3207), MAIL with SIZE
 * and BODY when offered, one RCPT per recipient, DATA with dot-stuffing,
 * QUIT. It reports a reply per recipient; a broken connection throws.
 */
import {ClientConnection, type ServerReply} from './client_connection.js'
import {dotStuff} from './dot_stuffing.js'
import type {SmartHost} from './smart_host.js'

export type {ServerReply} from './client_connection.js'

export interface SmtpClientOptions {
  /** Our name for EHLO. */
  readonly heloName: string
  /** Bound on connecting and on every wait for a reply. */
  readonly timeoutMs: number
  /** Verify the smart host's certificate after STARTTLS (off: opportunistic TLS, RFC 7435). */
  readonly verifyTls: boolean
}

export interface SendOutcome {
  /** The final reply for each recipient: 250 after DATA, or the refusal at MAIL, RCPT or DATA. */
  readonly results: ReadonlyMap<string, ServerReply>
}

/** Deliver one message; throws when the connection fails before an answer for everyone exists. */
export async function sendMail(host: SmartHost, envelope: {from: string; to: readonly string[]}, message: Buffer, options: SmtpClientOptions): Promise<SendOutcome> {
  const conn = await ClientConnection.open(host, options.timeoutMs)
  try {
    const results = new Map<string, ServerReply>()
    const all = (reply: ServerReply): SendOutcome => {
      for (const to of envelope.to) if (!results.has(to)) results.set(to, reply)
      return {results}
    }
    const greeting = await conn.read()
    if (greeting.code !== 220) return all(greeting)
    let extensions = await conn.ehlo(options.heloName)
    if (extensions === null) {
      const helo = await conn.command(`HELO ${options.heloName}`)
      if (helo.code !== 250) return all(helo)
      extensions = new Map()
    } else if (extensions.has('STARTTLS')) {
      const reply = await conn.command('STARTTLS')
      if (reply.code === 220) {
        await conn.startTls(host.host, options.verifyTls)
        extensions = (await conn.ehlo(options.heloName)) ?? new Map()
      }
    }
    let mailParams = ''
    if (extensions.has('SIZE')) mailParams += ` SIZE=${message.length}`
    if (extensions.has('8BITMIME') && message.some((b) => b > 0x7f)) mailParams += ' BODY=8BITMIME'
    const mail = await conn.command(`MAIL FROM:<${envelope.from}>${mailParams}`)
    if (mail.code !== 250) return all(mail)
    const accepted: string[] = []
    for (const to of envelope.to) {
      const reply = await conn.command(`RCPT TO:<${to}>`)
      if (reply.code === 250 || reply.code === 251) accepted.push(to)
      else results.set(to, reply)
    }
    if (accepted.length === 0) {
      await conn.quit()
      return {results}
    }
    const data = await conn.command('DATA')
    if (data.code !== 354) return all(data)
    conn.write(dotStuff(message))
    const final = await conn.read()
    for (const to of accepted) results.set(to, final)
    await conn.quit()
    return {results}
  } finally {
    conn.destroy()
  }
}
