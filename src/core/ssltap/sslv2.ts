import {Reader, Truncated} from './reader.js'

/** An SSLv2 record (RFC 6101 appendix E framing); only CLIENT-HELLO is looked into. */
export interface V2Message {
  headerLength: number
  type: number
  version?: number
  specLength?: number
  sessionIdLength?: number
  challengeLength?: number
  specs?: number[]
  sessionId?: Uint8Array
  challenge?: Uint8Array
  error?: string
}

export function decodeV2(bytes: Uint8Array): V2Message {
  const headerLength = bytes[0]! & 0x80 ? 2 : 3
  const r = new Reader(bytes)
  r.pos = headerLength
  const m: V2Message = {headerLength, type: -1}
  try {
    m.type = r.u8('message type')
    if (m.type !== 1) return m
    m.version = r.u16('version')
    const specLen = (m.specLength = r.u16('cipher-specs length'))
    const sidLen = (m.sessionIdLength = r.u16('session id length'))
    const chLen = (m.challengeLength = r.u16('challenge length'))
    const specs = r.sub(specLen - (specLen % 3), 'cipher specs')
    m.specs = []
    while (specs.left > 0) m.specs.push(specs.u24('cipher spec'))
    r.bytes(specLen % 3, 'cipher specs')
    m.sessionId = r.bytes(sidLen, 'session id')
    m.challenge = r.bytes(chLen, 'challenge')
  } catch (err) {
    if (!(err instanceof Truncated)) throw err
    m.error = err.message
  }
  return m
}
