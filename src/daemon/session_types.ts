/**
 * The seams between the daemon's parts: what a protocol session (IMAP, POP3,
 * SMTP) is given, and what it must offer. Sessions are plain objects driven
 * by bytes; sockets, TLS and the snapshot live outside them, so a session can
 * be tested with real clients on a loopback server or fed bytes directly.
 */
import type {ScramCredentials, ScramHash} from '../core/auth/sasl/mechanism.js'
import type {MailStore} from './mailstore/types.js'

/** The connection as a session sees it. */
export interface Transport {
  /** Connection id for log lines ("c42"). */
  readonly id: string
  readonly remoteAddress: string
  readonly remotePort: number
  readonly localAddress: string
  readonly localPort: number
  /** True once TLS is active (implicit-TLS port or after STARTTLS). */
  readonly secure: boolean
  /** The client's certificate (DER) when TLS asked for one, the client sent it and it chains to a CA trusted for client certificates. */
  readonly peerCertificate?: Buffer | null
  /** Negotiated protocol and cipher while secure, e.g. {protocol: 'TLSv1.3', cipher: 'TLS_AES_256_GCM_SHA384', bits: 256}. */
  readonly tls: {readonly protocol: string; readonly cipher: string; readonly bits: number} | null
  /** Send bytes; the transport queues them and applies back-pressure itself. */
  write(data: string | Buffer): void
  /**
   * Start TLS on this connection (STARTTLS / STLS). Resolves when the
   * handshake is done. Every byte the client sent after the command line and
   * before the handshake is discarded (CVE-2011-0411 class of injection);
   * the session must also drop anything it still holds unparsed.
   */
  startTls(): Promise<void>
  /** Whether startTls() can work (nsserversecurity on, a usable certificate). */
  readonly canStartTls: boolean
  /** Flush what was written, then close. */
  close(): void
  /** One log line tagged with the connection id. Never pass a password or other secret. */
  log(message: string): void
}

/** Users of the embedded directory (LDAP comes later behind the same shape). */
export interface Directory {
  /**
   * Check a password. Resolves to the canonical user name on success, null on
   * a wrong password or unknown user (the caller cannot tell which, on purpose).
   */
  verifyPassword(user: string, password: string): Promise<string | null>
  /** Canonical name of a user that exists, else null (SMTP RCPT checks). */
  lookup(user: string): string | null
  /** The same, asking a remote directory when its cache does not know (LDAP). */
  lookupAsync?(user: string): Promise<string | null>
  /** The user's clear-text password, for CRAM-MD5, DIGEST-MD5 and APOP; only directories that keep one (LDAP with has_plain_passwords). */
  cleartextPassword?(user: string): Promise<string | null>
  /**
   * The user a verified TLS client certificate (DER) stands for, through
   * certmap.conf; null when it maps to no user or to several (the reason is
   * logged). Present only when certificate login is configured.
   */
  mapCertificate?(certificate: Buffer): Promise<string | null>
  /** SCRAM keys stored for the user (the embedded directory keeps them), null when none. */
  scramCredentials?(user: string, hash: ScramHash): Promise<ScramCredentials | null>
  /**
   * Whether the user is a store administrator (embedded: the admin role;
   * LDAP: a member of local.store.admingroupdn). Store administrators may
   * proxy-authenticate as other users from hosts that proxydomainallowed admits.
   */
  isStoreAdministrator?(user: string): Promise<boolean>
  /**
   * The user's own mail address (embedded: `msgctl user add --mail`; LDAP:
   * the entry's mail attribute), null when none is recorded. Web mail sends
   * from it.
   */
  mailAddress?(user: string): Promise<string | null>
}

/** Per-service facts a session needs, taken from the snapshot it began with. */
export interface ServiceSettings {
  /** Host name for greetings, EHLO and bounces. */
  readonly hostname: string
  /** Greeting text with %h %p %P %V already expanded. */
  readonly banner: string
  /** Close a silent connection after this many ms; 0 = never. */
  readonly idleTimeoutMs: number
  /** Longest command line accepted, in bytes (including CRLF). */
  readonly maxLineLength: number
  /** Largest IMAP literal / SMTP message accepted, in bytes. */
  readonly maxMessageSize: number
  /**
   * Clear-text password rule (service.X.plaintextmincipher): -1 never,
   * 0 always, >0 only over TLS with at least that many cipher bits.
   */
  readonly plaintextMinCipher: number
  /** SMTP: domains delivered locally (lower case). */
  readonly localDomains: readonly string[]
  /** SMTP: whether this client may relay to non-local domains (decided before the session starts). */
  readonly relayAllowed: boolean
  /** SMTP: the submission port semantics (RFC 6409: AUTH expected). */
  readonly submission: boolean
  /**
   * SASL mechanisms this service may offer, in order, from sasl.default.mech_list,
   * has_plain_passwords and allowanonymouslogin; the plaintext rule above still
   * decides per moment whether PLAIN and LOGIN are shown.
   */
  readonly saslMechanisms: readonly string[]
  /**
   * POP3: APOP may be offered (the directory hands out clear-text passwords,
   * has_plain_passwords is on, and mech_list does not exclude it); the
   * greeting then carries an RFC 1939 timestamp.
   */
  readonly apop: boolean
}

/** Everything a session is given when a client connects. */
export interface SessionContext {
  readonly transport: Transport
  readonly settings: ServiceSettings
  readonly mail: MailStore
  readonly directory: Directory
  /** Outbound mail (SMTP to non-local recipients); the SMTP module provides it. */
  readonly outbound: OutboundQueue | null
  /** Told of each successful login (POP-before-SMTP remembers the address; the throttle forgets its failures). */
  readonly onAuthenticated?: (user: string) => void
  /** Told of each failed login (wrong password or proof, unmapped certificate), for the throttle. */
  readonly onAuthenticationFailed?: () => void
  /**
   * SMTP: whether the service's access filters let this client log in. The
   * seed applies SMTP allow/deny filters to authenticated sessions only, so
   * port 25 keeps taking mail from anyone; absent means no filters.
   */
  readonly mayLogIn?: () => Promise<boolean>
  /**
   * SMTP back end: a front-end proxy may name its real client (XPROXYEHLO),
   * proven with the shared password; absent when local.proxy.smtpproxypassword
   * is empty, and the extension is then not offered.
   */
  readonly smtpProxy?: SmtpProxyPolicy
}

/** What a back-end SMTP session needs to take a proxy's word about its client. */
export interface SmtpProxyPolicy {
  /** local.proxy.smtpproxypassword (the seed's PROXY_PASSWORD). */
  readonly password: string
  /** This server's relay decision for the real client: service.smtp.relayallowed, POP before SMTP here. */
  mayRelay(client: {readonly address: string; readonly name: string | null}): Promise<boolean>
}

/** What the daemon drives: bytes in, a timeout, the end. */
export interface ProtocolSession {
  /** Send the greeting (after access filters admitted the client). */
  start(): void
  /** Bytes from the client, in order. */
  onData(chunk: Buffer): void
  /** The connection closed (client gone, idle timeout, daemon stop). */
  onClose(): void
  /** The daemon is stopping: finish the command in flight, say goodbye if the protocol has a way, then close. */
  shutdown(): void
}

export type SessionFactory = (context: SessionContext) => ProtocolSession

/** Durable queue for mail to other hosts. */
export interface OutboundQueue {
  /** Store the message durably before the 250 is sent; resolves with a queue id. */
  enqueue(envelope: {from: string; to: readonly string[]}, message: Buffer): string
}
