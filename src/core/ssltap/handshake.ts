import {Reader, Truncated} from './reader.js'

/** SHA-256("HelloRetryRequest"): a ServerHello with this random is an HRR (RFC 8446 4.1.3). */
export const HRR_RANDOM = Buffer.from('cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c', 'hex')

export interface Extension {
  readonly type: number
  readonly data: Uint8Array
}

export interface ExtensionList {
  /** The declared length of the whole list, as NSS prints it. */
  readonly length: number
  readonly items: Extension[]
}

export interface ClientHello {
  kind: 'client_hello'
  version?: [number, number]
  random?: Uint8Array
  sessionId?: Uint8Array
  suites?: number[]
  compressions?: number[]
  extensions?: ExtensionList
}

export interface ServerHello {
  kind: 'server_hello'
  version?: [number, number]
  random?: Uint8Array
  sessionId?: Uint8Array
  suite?: number
  compression?: number
  extensions?: ExtensionList
  retry?: boolean
}

export interface NewSessionTicket {
  kind: 'new_session_ticket'
  lifetime?: number
  ticket?: Uint8Array
}

export interface CertificateChain {
  kind: 'certificate'
  chainLength?: number
  certs: Uint8Array[]
}

export interface CertificateRequest {
  kind: 'certificate_request'
  types?: number[]
  signatureAlgorithms?: number[]
  authorities: Uint8Array[]
  authoritiesLength?: number
}

export interface Opaque {
  kind: 'opaque'
}

export type HandshakeBody = (ClientHello | ServerHello | NewSessionTicket | CertificateChain | CertificateRequest | Opaque) & {error?: string}

/** One handshake message: header fields, the body bytes, and what could be read from them. */
export interface HandshakeMessage {
  readonly header: Uint8Array
  readonly type: number
  readonly length: number
  readonly body: Uint8Array
  readonly decoded: HandshakeBody
}

/**
 * Decodes a handshake body. Never throws: a body that ends early keeps the
 * fields read so far and names what was missing in `error`.
 * `tls12` tells the TLS 1.2 CertificateRequest (with signature algorithms) from older ones.
 */
export function decodeHandshake(type: number, body: Uint8Array, tls12: boolean): HandshakeBody {
  const r = new Reader(body)
  let out: HandshakeBody = {kind: 'opaque'}
  try {
    switch (type) {
      case 1:
        out = {kind: 'client_hello'}
        clientHello(r, out)
        break
      case 2:
        out = {kind: 'server_hello'}
        serverHello(r, out)
        break
      case 4: {
        const t: NewSessionTicket = {kind: 'new_session_ticket'}
        out = t
        t.lifetime = r.u32('ticket_lifetime_hint')
        t.ticket = r.bytes(r.u16('ticket length'), 'ticket')
        break
      }
      case 11: {
        const c: CertificateChain = {kind: 'certificate', certs: []}
        out = c
        c.chainLength = r.u24('chain length')
        const chain = r.sub(Math.min(c.chainLength, r.left), 'certificate chain')
        while (chain.left > 0) c.certs.push(chain.bytes(chain.u24('certificate length'), 'certificate'))
        if (c.chainLength > body.length - 3) throw new Truncated('certificate chain')
        break
      }
      case 13: {
        const q: CertificateRequest = {kind: 'certificate_request', authorities: []}
        out = q
        q.types = [...r.bytes(r.u8('certificate types length'), 'certificate types')]
        if (tls12) {
          const s = r.sub(r.u16('signature algorithms length'), 'signature algorithms')
          q.signatureAlgorithms = []
          while (s.left > 0) q.signatureAlgorithms.push(s.u16('signature algorithm'))
        }
        q.authoritiesLength = r.u16('certificate authorities length')
        const cas = r.sub(q.authoritiesLength, 'certificate authorities')
        while (cas.left > 0) q.authorities.push(cas.bytes(cas.u16('distinguished name length'), 'distinguished name'))
        break
      }
    }
  } catch (err) {
    if (!(err instanceof Truncated)) throw err
    out.error = err.message
  }
  return out
}

function clientHello(r: Reader, h: ClientHello): void {
  h.version = [r.u8('client_version'), r.u8('client_version')]
  h.random = r.bytes(32, 'random')
  h.sessionId = r.bytes(r.u8('session id length'), 'session id')
  const n = r.u16('cipher suites length')
  const s = r.sub(n - (n % 2), 'cipher suites')
  h.suites = []
  while (s.left > 0) h.suites.push(s.u16('cipher suite'))
  if (n % 2) r.u8('cipher suites')
  h.compressions = [...r.bytes(r.u8('compression methods length'), 'compression methods')]
  if (r.left > 0) extensions(r, h)
}

function serverHello(r: Reader, h: ServerHello): void {
  h.version = [r.u8('server_version'), r.u8('server_version')]
  h.random = r.bytes(32, 'random')
  h.retry = Buffer.from(h.random).equals(HRR_RANDOM)
  h.sessionId = r.bytes(r.u8('session id length'), 'session id')
  h.suite = r.u16('cipher suite')
  h.compression = r.u8('compression method')
  if (r.left > 0) extensions(r, h)
}

function extensions(r: Reader, h: {extensions?: ExtensionList}): void {
  const list: ExtensionList = {length: r.u16('extensions length'), items: []}
  h.extensions = list
  const avail = r.left
  const e = r.sub(Math.min(list.length, avail), 'extensions')
  while (e.left > 0) {
    const type = e.u16('extension type')
    list.items.push({type, data: e.bytes(e.u16('extension length'), 'extension data')})
  }
  if (list.length > avail) throw new Truncated('extensions')
}
