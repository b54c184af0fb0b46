import {createImapSession} from './imap/index.js'
import type {MailStore} from './mailstore/index.js'
import {createPopSession} from './pop/index.js'
import type {OutboundQueue, ProtocolSession, SessionContext} from './session_types.js'
import {createSmtpSession} from './smtp/index.js'
import {DeliveryWorker} from './smtp/delivery_worker.js'
import {SqliteOutboundQueue} from './smtp/outbound_queue.js'
import type {LineServiceName, ServiceName, Snapshot} from './snapshot.js'

const FACTORIES: Record<LineServiceName, (context: SessionContext) => ProtocolSession> = {
  imap: createImapSession,
  pop: createPopSession,
  smtp: createSmtpSession,
}

export function createSession(service: LineServiceName, context: SessionContext): ProtocolSession {
  return FACTORIES[service](context)
}

/** What a refused client is told before the connection closes, per protocol. */
export function refusalLine(service: ServiceName, why: 'denied' | 'busy'): string {
  const text = why === 'denied' ? 'Access denied' : 'Too many connections, try again later'
  switch (service) {
    case 'imap':
      return `* BYE ${text}\r\n`
    case 'pop':
      return `-ERR ${why === 'busy' ? '[SYS/TEMP] ' : '[AUTH] '}${text}\r\n`
    case 'smtp':
      return why === 'denied' ? `554 5.7.1 ${text}\r\n` : `421 4.7.0 ${text}\r\n`
    case 'http':
      return `HTTP/1.1 ${why === 'denied' ? '403 Forbidden' : '503 Service Unavailable'}\r\nContent-Type: text/plain\r\nContent-Length: ${text.length + 1}\r\nConnection: close\r\n\r\n${text}\n`
  }
}

/** The outbound queue and its delivery worker; the worker follows the snapshot's smart hosts. */
export interface Outbound {
  readonly queue: OutboundQueue
  start(): void
  update(snapshot: Snapshot): void
  stop(): Promise<void>
}

export function openOutbound(file: string, snapshot: Snapshot, mail: MailStore, log: (line: string) => void): Outbound {
  const queue = new SqliteOutboundQueue(file)
  const workerFor = (s: Snapshot) => new DeliveryWorker({queue, smartHosts: s.smartHosts, hostname: s.hostname, localDomains: s.localDomains, directory: s.directory.directory, mail, log})
  let worker = workerFor(snapshot)
  let started = false
  return {
    queue,
    start() {
      started = true
      worker.start()
    },
    update(next) {
      const old = worker
      worker = workerFor(next)
      void old.stop().then(() => started && worker.start())
    },
    async stop() {
      started = false
      await worker.stop()
      queue.close()
    },
  }
}
