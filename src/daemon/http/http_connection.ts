import type {LoginGuard} from '../auth_throttle.js'
import type {Directory} from '../session_types.js'
import type {ListenerSpec, Snapshot} from '../snapshot.js'

/** What every request on one HTTP connection shares: who is on the other end, and the snapshot it arrived under. */
export interface HttpConnection {
  /** Connection id for log lines ("c42"). */
  readonly id: string
  readonly ip: string
  readonly spec: ListenerSpec
  readonly snapshot: Snapshot
  readonly secure: boolean
  /** Symmetric cipher bits while secure, for plaintextmincipher. */
  readonly tlsBits: number | null
  /** The client's certificate (DER) when TLS asked for one and it chains to a CA trusted for clients. */
  readonly peerCertificate: Buffer | null
  /** The snapshot's login directory behind this client's throttle. */
  readonly directory: Directory
  readonly guard: LoginGuard
  /** The client's host name by reverse lookup (for host-name filters); resolved on first use, cached by the daemon. */
  clientName(): Promise<string>
  log(line: string): void
}
