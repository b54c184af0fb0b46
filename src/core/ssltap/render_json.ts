import type {ExtensionList, HandshakeMessage} from './handshake.js'
import {alertName, describeExtension, extensionName, handshakeName, recordTypeName, suiteName} from './names.js'
import type {Direction, TapEvent} from './stream.js'

const hex = (b: Uint8Array | undefined): string | undefined => (b ? Buffer.from(b.buffer, b.byteOffset, b.length).toString('hex') : undefined)

/** `--json`: one object per record or event, one per line; names as the IANA registries give them. */
export function jsonEvents(conn: number, dir: Direction, events: readonly TapEvent[], saveCertificate: (der: Uint8Array) => {file: string; ok: boolean}): string {
  let out = ''
  for (const ev of events) {
    const base = {conn, dir}
    switch (ev.kind) {
      case 'plaintext':
        out += line({...base, event: 'plaintext', length: ev.bytes.length})
        break
      case 'record': {
        const c = ev.content
        const o: Record<string, unknown> = {...base, event: 'record', type: ev.type, typeName: recordTypeName(ev.type, 'iana'), version: `${ev.version[0]}.${ev.version[1]}`, length: ev.length, encrypted: c.kind === 'encrypted'}
        if (c.kind === 'alert') Object.assign(o, {level: c.level, description: c.description, descriptionName: alertName(c.description, 'iana'), error: c.error})
        if (c.kind === 'heartbeat') Object.assign(o, {heartbeatType: c.messageType, payloadLength: c.payloadLength, error: c.error})
        if (c.kind === 'handshake') Object.assign(o, {handshake: c.messages.map((m) => message(m, saveCertificate)), incomplete: c.incomplete || undefined})
        out += line(o)
        break
      }
      case 'v2record':
        out += line({...base, event: 'sslv2', messageType: ev.message.type, version: ev.message.version, cipherSpecs: ev.message.specs?.map((s) => ({code: s, name: suiteName(s, 'iana')})), error: ev.message.error})
        break
    }
  }
  return out
}

function message(m: HandshakeMessage, save: (der: Uint8Array) => {file: string; ok: boolean}): Record<string, unknown> {
  const d = m.decoded
  const o: Record<string, unknown> = {type: m.type, name: handshakeName(m.type, 'iana'), length: m.length}
  switch (d.kind) {
    case 'client_hello':
      Object.assign(o, {version: d.version?.join('.'), random: hex(d.random), sessionId: hex(d.sessionId), cipherSuites: d.suites?.map((s) => ({code: s, name: suiteName(s, 'iana')})), compression: d.compressions, extensions: exts(d.extensions, 'client')})
      break
    case 'server_hello':
      Object.assign(o, {helloRetryRequest: d.retry || undefined, version: d.version?.join('.'), random: hex(d.random), sessionId: hex(d.sessionId), cipherSuite: d.suite === undefined ? undefined : {code: d.suite, name: suiteName(d.suite, 'iana')}, compression: d.compression, extensions: exts(d.extensions, d.retry ? 'retry' : 'server')})
      break
    case 'new_session_ticket':
      Object.assign(o, {lifetimeHint: d.lifetime, ticketLength: d.ticket?.length})
      break
    case 'certificate':
      Object.assign(o, {certificates: d.certs.map((c) => ({length: c.length, file: save(c).file}))})
      break
    case 'certificate_request':
      Object.assign(o, {certificateTypes: d.types, signatureAlgorithms: d.signatureAlgorithms, authorities: d.authorities.length})
      break
  }
  if (d.error) o.error = d.error
  return o
}

function exts(list: ExtensionList | undefined, from: 'client' | 'server' | 'retry'): unknown {
  return list?.items.map((e) => ({type: e.type, name: extensionName(e.type, 'iana').replace(/ \(\d+\)$/, ''), length: e.data.length, decoded: describeExtension(e.type, e.data, from)}))
}

function line(o: Record<string, unknown>): string {
  return `${JSON.stringify(o)}\n`
}
