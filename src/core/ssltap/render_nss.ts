import {hexDump} from './hexdump.js'
import type {CertificateChain, CertificateRequest, ClientHello, ExtensionList, HandshakeMessage, NewSessionTicket, ServerHello} from './handshake.js'
import {alertName, compressionName, describeExtension, extensionName, handshakeName, recordTypeName, suiteName, type Naming} from './names.js'
import {nsprGmt} from './time.js'
import type {Direction, TapEvent, TlsRecord} from './stream.js'
import type {V2Message} from './sslv2.js'

export interface RenderOptions {
  /** `-h`: hex dump of every read. */
  readonly hex?: boolean
  /** `-s`: decode records. */
  readonly ssl?: boolean
  /** `-x`: extra hex dumps inside decoded records. */
  readonly extraHex?: boolean
  /** `-f`: HTML. */
  readonly html?: boolean
  /** Beyond NSS: names from the IANA registries and decoded TLS 1.3 extensions. */
  readonly full?: boolean
}

/** What rendering needs from the outside world, so the renderer itself stays pure. */
export interface RenderEnv {
  /** `ctime()` of now. */
  readonly now: () => string
  /** Stores a certificate (`cert.NNN`) and returns the file name, or `null` with the name it could not write. */
  readonly saveCertificate: (der: Uint8Array) => {file: string; ok: boolean}
}

/** The whole text for one read, NSS layout: `--> [` ... `]`. Latin1: one char per byte. */
export function renderChunk(dir: Direction, chunk: Uint8Array, events: readonly TapEvent[] | null, o: RenderOptions, env: RenderEnv): string {
  let out = dir === 'c2s' ? '--> [\n' : '<-- [\n'
  if (o.html) out += dir === 'c2s' ? '<font color=blue>' : '<font color=red>'
  if (o.hex) out += hexDump(chunk, o.html)
  if (o.ssl && events) out += renderEvents(events, o, env)
  if (!o.hex && !o.ssl) out += latin1(chunk)
  if (o.html) out += '</font>'
  return out + ']\n'
}

export function latin1(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('latin1')
}

export function renderEvents(events: readonly TapEvent[], o: RenderOptions, env: RenderEnv): string {
  let out = ''
  for (const ev of events) {
    switch (ev.kind) {
      case 'plaintext':
        out += latin1(ev.bytes)
        break
      case 'partial':
        out += `(${ev.chunk} bytes${ev.chunk < ev.needed ? `, making ${ev.size}` : ''} of ${ev.needed}${ev.size > ev.needed ? `, with ${ev.size - ev.needed} left over` : ''})\n`
        break
      case 'v2length':
        out += `recordLen = ${ev.length} bytes\n`
        break
      case 'record':
        out += record(ev, o, env)
        break
      case 'v2record':
        out += v2(ev.message, o, env)
        break
    }
  }
  return out
}

const naming = (o: RenderOptions): Naming => (o.full ? 'iana' : 'nss')

function record(r: TlsRecord, o: RenderOptions, env: RenderEnv): string {
  const x = (b: Uint8Array): string => (o.extraHex ? hexDump(b, o.html) : '')
  let out = `SSLRecord { [${env.now()}]\n${x(r.header)}`
  out += `   type    = ${r.type} (${recordTypeName(r.type, naming(o))})\n`
  out += `   version = { ${r.version[0]},${r.version[1]} }\n`
  out += `   length  = ${r.length} (0x${r.length.toString(16)})\n`
  const c = r.content
  switch (c.kind) {
    case 'encrypted':
      out += '            < encrypted >\n'
      break
    case 'change_cipher_spec':
      out += x(r.body)
      break
    case 'alert': {
      const level = c.level === 1 ? 'warning' : c.level === 2 ? 'fatal' : `unknown level ${c.level}`
      const name = c.error ? `[${c.error}]` : (alertName(c.description, naming(o)) ?? `unknown alert ${c.description}`)
      out += `   ${level}: ${name}\n${x(r.body)}`
      break
    }
    case 'handshake':
      out += handshake(c.messages, c.incomplete, c.dropped, o, env)
      break
    case 'heartbeat':
      out += c.error ? `   heartbeat [${c.error}]\n` : `   ${c.messageType === 1 ? 'heartbeat_request' : c.messageType === 2 ? 'heartbeat_response' : `heartbeat type ${c.messageType}`}, payload_length = ${c.payloadLength}\n`
      out += hexDump(r.body, o.html)
      break
    case 'data':
      out += hexDump(r.body, o.html)
      break
  }
  return `${out}}\n`
}

function handshake(messages: readonly HandshakeMessage[], incomplete: boolean, dropped: number | undefined, o: RenderOptions, env: RenderEnv): string {
  const x = (b: Uint8Array): string => (o.extraHex ? hexDump(b, o.html) : '')
  let out = '   handshake {\n'
  for (const m of messages) {
    out += x(m.header)
    out += `      type = ${m.type} (${handshakeName(m.type, naming(o))})\n`
    out += `      length = ${m.length} (0x${m.length.toString(16).padStart(6, '0')})\n`
    const d = m.decoded
    switch (d.kind) {
      case 'client_hello':
        out += clientHello(d, o)
        break
      case 'server_hello':
        out += serverHello(d, o)
        break
      case 'new_session_ticket':
        out += ticket(d, o)
        break
      case 'certificate':
        out += certificates(d, env)
        break
      case 'certificate_request':
        out += certificateRequest(d, o)
        break
      default:
        out += opaque(m, o)
    }
    if (d.error) out += `         [malformed: ${d.error}]\n`
  }
  if (incomplete) out += dropped ? `     [handshake message of ${dropped}+ bytes too large to show]\n` : '     [incomplete handshake message]\n'
  return `${out}   }\n`
}

function opaque(m: HandshakeMessage, o: RenderOptions): string {
  const x = o.extraHex ? hexDump(m.body, o.html) : ''
  switch (m.type) {
    case 0:
    case 14:
    case 15:
      return ''
    case 12:
      return x
    case 16:
      return '         ClientKeyExchange {\n            message = {...}\n         }\n'
    case 20:
      return `         Finished {\n            verify_data = {...}\n${x}         }\n`
    default:
      return `         UNKNOWN MESSAGE TYPE ${m.type} [${m.length}] {\n${x}         }\n`
  }
}

function sessionId(id: Uint8Array | undefined, o: RenderOptions): string {
  if (!id) return ''
  return `            session ID = {\n                length = ${id.length}\n                contents = {...}\n${o.extraHex ? hexDump(id, o.html) : ''}            }\n`
}

function clientHello(h: ClientHello, o: RenderOptions): string {
  let out = '         ClientHelloV3 {\n'
  if (!h.version) return `${out}         }\n`
  out += `            client_version = {${h.version[0]}, ${h.version[1]}}\n`
  if (h.random) out += `            random = {...}\n${o.extraHex ? hexDump(h.random, o.html) : ''}`
  out += sessionId(h.sessionId, o)
  if (h.suites) {
    out += `            cipher_suites[${h.suites.length}] = {\n`
    for (const s of h.suites) out += `                (0x${s.toString(16).padStart(4, '0')}) ${suiteName(s, naming(o))}\n`
    out += '            }\n'
  }
  if (h.compressions) {
    out += `            compression[${h.compressions.length}] = {\n`
    for (const c of h.compressions) out += `                (${c.toString(16).padStart(2, '0')}) ${compressionName(c, naming(o))}\n`
    out += '            }\n'
  }
  out += extensions(h.extensions, 'client', o)
  return `${out}         }\n`
}

function serverHello(h: ServerHello, o: RenderOptions): string {
  let out = o.full && h.retry ? '         HelloRetryRequest {\n' : '         ServerHello {\n'
  if (!h.version) return `${out}         }\n`
  out += `            server_version = {${h.version[0]}, ${h.version[1]}}\n`
  if (h.random) out += `            random = {...}\n${o.extraHex ? hexDump(h.random, o.html) : ''}`
  out += sessionId(h.sessionId, o)
  if (h.suite !== undefined) out += `            cipher_suite = (0x${h.suite.toString(16).padStart(4, '0')}) ${suiteName(h.suite, naming(o))}\n`
  if (h.compression !== undefined) out += `            compression method = (${h.compression.toString(16).padStart(2, '0')}) ${compressionName(h.compression, naming(o))}\n`
  out += extensions(h.extensions, h.retry ? 'retry' : 'server', o)
  return `${out}         }\n`
}

function extensions(list: ExtensionList | undefined, from: 'client' | 'server' | 'retry', o: RenderOptions): string {
  if (!list) return ''
  let out = `            extensions[${list.length}] = {\n`
  for (const e of list.items) {
    out += `              extension type ${extensionName(e.type, naming(o))}, length [${e.data.length}]`
    if (e.data.length === 0 && !o.full) {
      out += '\n'
      continue
    }
    const lines = o.full ? describeExtension(e.type, e.data, from) : []
    if (e.data.length === 0 && lines.length === 0) {
      out += '\n'
      continue
    }
    out += ` = {\n${hexDump(e.data, o.html)}`
    for (const l of lines) out += `                 ${o.html ? escapeHtml(l) : l}\n`
    out += '              }\n'
  }
  return `${out}            }\n`
}

function ticket(t: NewSessionTicket, o: RenderOptions): string {
  let out = '         NewSessionTicket {\n'
  if (t.lifetime !== undefined) out += `            ticket_lifetime_hint = ${nsprGmt(t.lifetime)}\n`
  if (t.ticket) out += `            ticket = {\n                length = ${t.ticket.length}\n                contents = {...}\n${o.extraHex ? hexDump(t.ticket, o.html) : ''}            }\n`
  return `${out}         }\n`
}

function certificates(c: CertificateChain, env: RenderEnv): string {
  let out = '         CertificateChain {\n'
  if (c.chainLength !== undefined) out += `            chainlength = ${c.chainLength} (0x${c.chainLength.toString(16).padStart(4, '0')})\n`
  for (const der of c.certs) {
    const saved = env.saveCertificate(der)
    out += `            Certificate {\n               size = ${der.length} (0x${der.length.toString(16).padStart(4, '0')})\n`
    out += saved.ok ? `               data = { saved in file '${saved.file}' }\n` : `               data = { couldn't save file '${saved.file}' }\n`
    out += '            }\n'
  }
  return `${out}         }\n`
}

function certificateRequest(q: CertificateRequest, o: RenderOptions): string {
  let out = '         CertificateRequest {\n'
  if (q.types) out += `            certificate types[${q.types.length}] = {${q.types.map((t) => ` ${t.toString(16).padStart(2, '0')}`).join('')} }\n`
  if (q.signatureAlgorithms) {
    out += `            signature_algorithms[${q.signatureAlgorithms.length}] = {\n`
    for (const s of q.signatureAlgorithms) out += `                (0x${s.toString(16).padStart(4, '0')})${o.full ? ` ${describeExtension(-13, Buffer.from([s >> 8, s & 255]), 'client')[0] ?? ''}` : ''}\n`
    out += '            }\n'
  }
  if (q.authoritiesLength !== undefined) {
    out += `            certificate_authorities[${q.authoritiesLength}] = {\n`
    for (const dn of q.authorities) out += `              distinguished name [${dn.length}] = {\n${hexDump(dn, o.html)}              }\n`
    out += '            }\n'
  }
  return `${out}         }\n`
}

function v2(m: V2Message, o: RenderOptions, env: RenderEnv): string {
  if (m.type !== 1) {
    const names: Record<number, string> = {0: 'Error', 2: 'Client Master Key', 3: 'Client Finished', 4: 'Server Hello', 5: 'Server Verify', 6: 'Server Finished', 7: 'Request Certificate', 8: 'Client Certificate'}
    return ` [${env.now()}] [ssl2]  ${names[m.type] ?? `Unknown message ${m.type}`} V2 {...}\n`
  }
  const h2 = (n: number | undefined): string => (n === undefined ? '?' : `${n} (0x${n.toString(16).padStart(2, '0')})`)
  let out = ` [${env.now()}] [ssl2]  ClientHelloV2 {\n`
  if (m.version !== undefined) out += `           version = {0x${(m.version >> 8).toString(16).padStart(2, '0')}, 0x${(m.version & 255).toString(16).padStart(2, '0')}}\n`
  if (m.specLength !== undefined) out += `           cipher-specs-length = ${h2(m.specLength)}\n           sid-length = ${h2(m.sessionIdLength)}\n           challenge-length = ${h2(m.challengeLength)}\n`
  if (m.specs) {
    out += '           cipher-suites = { \n'
    for (const s of m.specs) out += `                (0x${s.toString(16).padStart(6, '0')}) ${suiteName(s, naming(o))}\n`
    out += '                }\n}\n'
  }
  if (m.sessionId && m.sessionId.length > 0) out += `           session-id = { ${hexWords(m.sessionId)} }\n`
  if (m.challenge) out += `           challenge = { ${hexWords(m.challenge)} }\n`
  if (m.error) out += `           [malformed: ${m.error}]\n`
  return `${out}}\n`
}

/** NSS prints v2 session ids and challenges as 16-bit words. */
function hexWords(b: Uint8Array): string {
  const words: string[] = []
  for (let i = 0; i < b.length; i += 2) words.push(`0x${b[i]!.toString(16).padStart(2, '0')}${i + 1 < b.length ? b[i + 1]!.toString(16).padStart(2, '0') : ''}`)
  return words.join(' ')
}

export function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
}
