/**
 * XPROXYEHLO: how a front-end proxy tells a back-end SMTP server who the real
 * client is (the seed's SMTP proxy and PROXY_PASSWORD). Our syntax:
 *
 *   S: 250-XPROXYEHLO <nonce>              (EHLO keyword; fresh per connection)
 *   C: XPROXYEHLO <proof> <client-address> <client-helo> [AUTH=<xtext user>] [RELAY] [CHANNEL=<name>] [NAME=<client-host>]
 *   S: 250 2.0.0 ... | 535 5.7.8 ... (and the connection closes)
 *
 * proof = hex HMAC-SHA256(key: the shared password, data: "<nonce> " + the
 * command text after the proof, as sent). The password never crosses the
 * wire, a proof is worth nothing on another connection (the nonce), and
 * every claim it carries is covered by it.
 */
import {createHmac, randomBytes} from 'node:crypto'
import {isIP} from 'node:net'
import {safeEqual} from '../../core/auth/sasl/safe_equal.js'

export const XPROXYEHLO = 'XPROXYEHLO'

/** What the proxy says about its client. */
export interface ProxiedClient {
  /** The client's IP address as the proxy saw it. */
  readonly address: string
  /** The name the client gave in HELO/EHLO. */
  readonly helo: string
  /** The user the proxy authenticated, or null. */
  readonly user: string | null
  /** The proxy let this client relay (POP before SMTP). */
  readonly relay: boolean
  /** The seed's PopBeforeSmtpKludgeChannel, or null. */
  readonly channel: string | null
  /** The client's verified host name when the proxy looked it up (ClientLookup), or null. */
  readonly name: string | null
}

export function newProxyNonce(): string {
  return randomBytes(16).toString('hex')
}

export function proxyProof(password: string, nonce: string, claims: string): string {
  return createHmac('sha256', password).update(`${nonce} ${claims}`, 'utf8').digest('hex')
}

/** The command line a proxy sends (without CRLF). */
export function xproxyehloLine(password: string, nonce: string, client: ProxiedClient): string {
  const claims = [
    client.address,
    visible(client.helo) || 'unknown',
    ...(client.user !== null ? [`AUTH=${xtext(client.user)}`] : []),
    ...(client.relay ? ['RELAY'] : []),
    ...(client.channel ? [`CHANNEL=${xtext(client.channel)}`] : []),
    ...(client.name ? [`NAME=${xtext(client.name)}`] : []),
  ].join(' ')
  return `${XPROXYEHLO} ${proxyProof(password, nonce, claims)} ${claims}`
}

export type XproxyehloCheck = {readonly ok: true; readonly client: ProxiedClient} | {readonly ok: false; readonly why: 'syntax' | 'proof'; readonly detail: string}

/** Check the arguments of an XPROXYEHLO command against the connection's nonce and the shared password. */
export function checkXproxyehlo(args: string, nonce: string, password: string): XproxyehloCheck {
  const m = /^([0-9a-fA-F]{64}) (\S.*)$/.exec(args.trim())
  if (!m) return {ok: false, why: 'syntax', detail: 'expected <proof> <address> <helo> [parameters]'}
  const proof = m[1]!
  const claims = m[2]!
  // The proof first: nothing an unproven sender claims is worth parsing.
  if (!safeEqual(Buffer.from(proof.toLowerCase(), 'latin1'), Buffer.from(proxyProof(password, nonce, claims), 'latin1'))) {
    return {ok: false, why: 'proof', detail: 'wrong proof (the passwords differ, or the nonce is not this connection\'s)'}
  }
  const [address = '', helo = '', ...params] = claims.split(' ')
  if (isIP(address) === 0) return {ok: false, why: 'syntax', detail: `"${visible(address)}" is not an IP address`}
  if (helo === '' || visible(helo) !== helo) return {ok: false, why: 'syntax', detail: 'bad client HELO name'}
  let user: string | null = null
  let relay = false
  let channel: string | null = null
  let name: string | null = null
  for (const param of params) {
    const [keyword = '', value] = splitParameter(param)
    const decoded = value === undefined ? null : unxtext(value)
    if (keyword === 'RELAY' && value === undefined) relay = true
    else if (keyword === 'AUTH' && decoded) user = decoded
    else if (keyword === 'CHANNEL' && decoded) channel = decoded
    else if (keyword === 'NAME' && decoded) name = decoded
    else return {ok: false, why: 'syntax', detail: `unknown parameter ${visible(keyword)}`}
  }
  return {ok: true, client: {address, helo, user, relay, channel, name}}
}

function splitParameter(param: string): [string, string | undefined] {
  const eq = param.indexOf('=')
  return eq < 0 ? [param.toUpperCase(), undefined] : [param.slice(0, eq).toUpperCase(), param.slice(eq + 1)]
}

/** RFC 3461 xtext: "+" and "=" and anything outside "!".."~" become +XX. */
function xtext(text: string): string {
  let out = ''
  for (const byte of Buffer.from(text, 'utf8')) out += byte > 0x20 && byte < 0x7f && byte !== 0x2b && byte !== 0x3d ? String.fromCharCode(byte) : `+${byte.toString(16).toUpperCase().padStart(2, '0')}`
  return out
}

function unxtext(text: string): string | null {
  if (!/^(?:[!-*,-<>-~]|\+[0-9A-F]{2})+$/.test(text)) return null
  return Buffer.from(text.replace(/\+([0-9A-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1').toString('utf8')
}

/** Untrusted text for logs and the HELO field: visible ASCII only, bounded. */
function visible(text: string): string {
  return text.replace(/[^\x21-\x7e]/g, '?').slice(0, 255)
}
