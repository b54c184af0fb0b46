import type {Socket} from 'node:net'
import type {ProtocolSession} from './session_types.js'
import {SocketTransport, type TlsServerSettings} from './socket_transport.js'

export interface ConnectionOptions {
  readonly id: string
  /** Implicit-TLS port: handshake before the greeting. */
  readonly implicitTls: boolean
  /** TLS for this connection (implicit, or offered through STARTTLS); null when TLS is off. */
  readonly tls: TlsServerSettings | null
  readonly log: (line: string) => void
  /**
   * Decide admission before the greeting (client access filters). Null
   * admits; a string is the protocol's refusal line, sent before closing.
   */
  readonly admit?: (transport: SocketTransport) => Promise<string | null>
  readonly makeSession: (transport: SocketTransport) => ProtocolSession
}

/** One client connection: TLS if implicit, admission, then the session fed with bytes. */
export class Connection {
  readonly transport: SocketTransport
  session: ProtocolSession | null = null
  readonly openedAt = Date.now()

  constructor(
    socket: Socket,
    private readonly options: ConnectionOptions,
    private readonly onEnd: (c: Connection) => void,
  ) {
    socket.setNoDelay(true)
    this.transport = new SocketTransport(socket, {id: options.id, tls: options.tls, log: options.log})
    this.transport.onClose(() => {
      try {
        this.session?.onClose()
      } finally {
        this.onEnd(this)
      }
    })
  }

  /** Never rejects: every failure ends in a log line and a closed socket. */
  async run(): Promise<void> {
    const t = this.transport
    try {
      if (this.options.implicitTls) await t.startImplicitTls()
      const refusal = this.options.admit ? await this.options.admit(t) : null
      if (t.closed) return
      if (refusal !== null) {
        t.log(`refused by access filters: ${t.remoteAddress}`)
        t.write(refusal)
        t.close()
        return
      }
      const session = this.options.makeSession(t)
      this.session = session
      t.onData((chunk) => {
        try {
          session.onData(chunk)
        } catch (err) {
          // A session bug must not take the daemon down; this client alone is dropped.
          t.log(`internal error in session: ${(err as Error).message}`)
          t.destroy()
        }
      })
      session.start()
    } catch (err) {
      t.log(`connection ended before the session: ${(err as Error).message}`)
      t.destroy()
    }
  }
}
