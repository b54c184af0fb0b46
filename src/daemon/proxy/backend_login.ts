/**
 * Logging the user in at the back end with the credentials the front end
 * checked: POP3 USER/PASS (RFC 1939) or IMAP LOGIN (RFC 3501), and SASL
 * PLAIN (RFC 4616) when those cannot carry them (an authorization identity,
 * a password that is not plain ASCII). The back end decides again: the
 * front end's word is never taken for a login.
 */
import type {Socket} from 'node:net'
import type {BackendHost} from './backend_routes.js'
import {BackendSocket} from './backend_socket.js'

export interface BackendCredentials {
  readonly login: string
  readonly password: string
  /** Act as this user (PLAIN's authorization identity), or null to be `login` itself. */
  readonly authzid: string | null
}

export type BackendLogin =
  /** Logged in: the socket to splice, bytes already received after the reply, the reply line, untagged lines before it (IMAP). */
  | {readonly ok: true; readonly socket: Socket; readonly pending: Buffer; readonly reply: string; readonly untagged: readonly string[]}
  /** The back end refused: its reply line. */
  | {readonly ok: false; readonly reply: string}

const IMAP_TAG = 'px1'

function plainResponse(c: BackendCredentials): string {
  return Buffer.from(`${c.authzid ?? ''}\0${c.login}\0${c.password}`, 'utf8').toString('base64')
}

/** Printable ASCII only: safe in a POP3 line or an IMAP quoted string. */
const simple = (text: string): boolean => /^[\x20-\x7e]*$/.test(text)

/** Throws when the back end cannot be reached or does not speak POP3. */
export async function popBackendLogin(host: BackendHost, creds: BackendCredentials, timeoutMs: number): Promise<BackendLogin> {
  const s = await BackendSocket.open(host, timeoutMs)
  try {
    const greeting = await s.readLine()
    if (!greeting.startsWith('+OK')) throw new Error(`unexpected greeting: ${greeting.slice(0, 80)}`)
    let reply: string
    if (creds.authzid === null && simple(creds.login) && simple(creds.password) && !creds.login.includes(' ')) {
      s.write(`USER ${creds.login}\r\n`)
      reply = await s.readLine()
      if (reply.startsWith('+OK')) {
        s.write(`PASS ${creds.password}\r\n`)
        reply = await s.readLine()
      }
    } else {
      s.write(`AUTH PLAIN ${plainResponse(creds)}\r\n`)
      reply = await s.readLine()
    }
    if (!reply.startsWith('+OK')) {
      s.destroy()
      return {ok: false, reply}
    }
    return {ok: true, ...s.release(), reply, untagged: []}
  } catch (err) {
    s.destroy()
    throw err
  }
}

/** Throws when the back end cannot be reached or does not speak IMAP. */
export async function imapBackendLogin(host: BackendHost, creds: BackendCredentials, timeoutMs: number): Promise<BackendLogin> {
  const s = await BackendSocket.open(host, timeoutMs)
  try {
    const greeting = await s.readLine()
    if (!/^\* OK\b/i.test(greeting)) throw new Error(`unexpected greeting: ${greeting.slice(0, 80)}`)
    if (creds.authzid === null && simple(creds.login) && simple(creds.password)) {
      s.write(`${IMAP_TAG} LOGIN ${quoted(creds.login)} ${quoted(creds.password)}\r\n`)
    } else {
      s.write(`${IMAP_TAG} AUTHENTICATE PLAIN\r\n`)
      const go = await s.readLine()
      if (!go.startsWith('+')) return refusedOrThrow(s, go)
      s.write(`${plainResponse(creds)}\r\n`)
    }
    const untagged: string[] = []
    for (;;) {
      const line = await s.readLine()
      if (!line.startsWith(`${IMAP_TAG} `)) {
        if (untagged.length < 100) untagged.push(line)
        continue
      }
      const answer = line.slice(IMAP_TAG.length + 1)
      if (!/^OK\b/i.test(answer)) {
        s.destroy()
        return {ok: false, reply: answer}
      }
      return {ok: true, ...s.release(), reply: answer, untagged}
    }
  } catch (err) {
    s.destroy()
    throw err
  }
}

function refusedOrThrow(s: BackendSocket, line: string): BackendLogin {
  s.destroy()
  const m = new RegExp(`^${IMAP_TAG} (.*)$`).exec(line)
  if (m) return {ok: false, reply: m[1]!}
  throw new Error(`unexpected reply: ${line.slice(0, 80)}`)
}

function quoted(text: string): string {
  return `"${text.replace(/[\\"]/g, (c) => `\\${c}`)}"`
}
