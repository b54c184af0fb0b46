/**
 * Carries queued mail to the smart host(s): one attempt per due message,
 * tried on each smart host in turn until one answers. A 2xx settles a
 * recipient, a 5xx fails it for good, anything else (4xx, a broken or
 * refused connection) retries on a growing delay until the message is too
 * old. Recipients that fail for good get a bounce to a local sender; a
 * remote sender's bounce is dropped with a log line (no direct MX delivery
 * yet).
 */
import type {MailStore} from '../mailstore/types.js'
import type {Directory} from '../session_types.js'
import {parseMailbox} from './address.js'
import {buildBounce, type FailedRecipient} from './bounce.js'
import type {QueuedMessage, RecipientSettlement, SqliteOutboundQueue} from './outbound_queue.js'
import {parseSmartHost, type SmartHost} from './smart_host.js'
import {sendMail, type ServerReply} from './smtp_client.js'

const MINUTE = 60_000
/** Delay before attempt n+1 (the last one repeats): 1m, 5m, 15m, 1h, then every 2h. */
export const DEFAULT_RETRY_DELAYS_MS: readonly number[] = [MINUTE, 5 * MINUTE, 15 * MINUTE, 60 * MINUTE, 120 * MINUTE]
/** Give up after five days, as most MTAs do. */
export const DEFAULT_MAX_AGE_MS = 5 * 24 * 60 * MINUTE

export interface DeliveryWorkerOptions {
  readonly queue: SqliteOutboundQueue
  /** service.smtp.smarthost values, `host[:port]`. */
  readonly smartHosts: readonly string[]
  /** Our name for EHLO and bounces. */
  readonly hostname: string
  readonly localDomains: readonly string[]
  readonly directory: Pick<Directory, 'lookup'>
  /** Where bounces to local senders go. */
  readonly mail: MailStore
  readonly log: (line: string) => void
  readonly retryDelaysMs?: readonly number[]
  readonly maxAgeMs?: number
  /** How often to look for due mail when nothing wakes the worker. */
  readonly pollIntervalMs?: number
  /** Connect and reply timeout per smart host. */
  readonly timeoutMs?: number
  /** Check the smart host's certificate after STARTTLS. */
  readonly verifyTls?: boolean
  readonly now?: () => number
}

export class DeliveryWorker {
  readonly #o: DeliveryWorkerOptions
  readonly #hosts: SmartHost[]
  readonly #now: () => number
  #timer: NodeJS.Timeout | null = null
  #running: Promise<void> | null = null
  #again = false
  /** Not started, or stopped: no timers, no wake-ups. */
  #idle = true
  /** stop() was called: the pass in flight ends after its current message. */
  #stopping = false
  #unsubscribe: (() => void) | null = null
  #saidNoSmartHost = false

  constructor(options: DeliveryWorkerOptions) {
    this.#o = options
    this.#now = options.now ?? Date.now
    this.#hosts = []
    for (const text of options.smartHosts) {
      const host = parseSmartHost(text)
      if (host) this.#hosts.push(host)
      else options.log(`outbound: ignoring smart host "${text}": expected host[:port]`)
    }
  }

  start(): void {
    if (!this.#idle) return
    this.#idle = false
    this.#stopping = false
    this.#unsubscribe = this.#o.queue.onEnqueue(() => this.#kick())
    this.#kick()
  }

  /** Stop taking new work; resolves once the attempt in flight is over. */
  async stop(): Promise<void> {
    this.#idle = true
    this.#stopping = true
    this.#unsubscribe?.()
    this.#unsubscribe = null
    if (this.#timer) clearTimeout(this.#timer)
    this.#timer = null
    await this.#running
  }

  /** One pass over the due mail (tests call it directly). */
  async runOnce(): Promise<void> {
    if (this.#running) {
      this.#again = true
      return this.#running
    }
    this.#running = this.#pass().finally(() => {
      this.#running = null
    })
    await this.#running
    if (this.#again) {
      this.#again = false
      await this.runOnce()
    }
  }

  #kick(): void {
    if (this.#idle) return
    void this.runOnce()
      .catch((error: unknown) => this.#o.log(`outbound: ${(error as Error).message}`))
      .finally(() => this.#schedule())
  }

  #schedule(): void {
    if (this.#idle) return
    if (this.#timer) clearTimeout(this.#timer)
    const poll = this.#o.pollIntervalMs ?? 30_000
    const next = this.#o.queue.nextDueAt()
    const wait = next === null ? poll : Math.max(0, Math.min(poll, next - this.#now()))
    this.#timer = setTimeout(() => this.#kick(), Math.max(wait, 50))
    this.#timer.unref()
  }

  async #pass(): Promise<void> {
    const due = this.#o.queue.due(this.#now())
    if (due.length === 0) return
    if (this.#hosts.length === 0) {
      if (!this.#saidNoSmartHost) {
        this.#saidNoSmartHost = true
        this.#o.log('outbound: no smart host configured (service.smtp.smarthost) and direct MX delivery is not implemented yet; mail stays queued')
      }
      return
    }
    for (const message of due) {
      if (this.#stopping) return
      await this.#attempt(message)
    }
  }

  async #attempt(queued: QueuedMessage): Promise<void> {
    const to = queued.recipients.map((r) => r.address)
    let results: ReadonlyMap<string, ServerReply> | null = null
    let lastError = 'no smart host answered'
    for (const host of this.#hosts) {
      try {
        const outcome = await sendMail(host, {from: queued.sender, to}, queued.message, {
          heloName: this.#o.hostname,
          timeoutMs: this.#o.timeoutMs ?? 5 * MINUTE,
          verifyTls: this.#o.verifyTls ?? false,
        })
        results = outcome.results
        break
      } catch (error) {
        lastError = `${host.host}:${host.port}: ${(error as Error).message}`
        this.#o.log(`outbound ${queued.id}: ${lastError}`)
      }
    }
    const now = this.#now()
    const expired = now - queued.createdAt >= (this.#o.maxAgeMs ?? DEFAULT_MAX_AGE_MS)
    const delays = this.#o.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS
    const settlements: RecipientSettlement[] = []
    const failed: FailedRecipient[] = []
    for (const r of queued.recipients) {
      const reply = results?.get(r.address)
      if (reply && reply.code >= 200 && reply.code < 300) {
        this.#o.log(`outbound ${queued.id}: <${r.address}> delivered: ${reply.code} ${reply.text}`)
        settlements.push({address: r.address, kind: 'done'})
      } else if (reply && reply.code >= 500) {
        this.#o.log(`outbound ${queued.id}: <${r.address}> failed: ${reply.code} ${reply.text}`)
        failed.push({address: r.address, status: statusOf(reply, '5.0.0'), diagnostic: `smtp; ${reply.code} ${reply.text}`})
        settlements.push({address: r.address, kind: 'done'})
      } else {
        const error = reply ? `${reply.code} ${reply.text}` : lastError
        if (expired) {
          this.#o.log(`outbound ${queued.id}: <${r.address}> expired: ${error}`)
          failed.push({address: r.address, status: '4.4.7', diagnostic: `X-msgctl; delivery time expired; last error: ${error}`})
          settlements.push({address: r.address, kind: 'done'})
        } else {
          const delay = delays[Math.min(r.attempts, delays.length - 1)] ?? MINUTE
          settlements.push({address: r.address, kind: 'retry', at: now + delay, error})
        }
      }
    }
    if (failed.length > 0) this.#bounce(queued, failed)
    this.#o.queue.settle(queued.id, settlements)
  }

  #bounce(queued: QueuedMessage, failed: FailedRecipient[]): void {
    // Never bounce a bounce (RFC 5321 §4.5.5: the null reverse-path).
    if (queued.sender === '') return this.#o.log(`outbound ${queued.id}: bounce for <> dropped`)
    const sender = parseMailbox(queued.sender)
    const user = typeof sender === 'object' && sender.domain !== null && this.#o.localDomains.includes(sender.domain) ? this.#o.directory.lookup(sender.localPart) : null
    if (user === null) {
      return this.#o.log(`outbound ${queued.id}: bounce to remote sender <${queued.sender}> dropped (direct MX delivery is not implemented yet)`)
    }
    const bounce = buildBounce({
      hostname: this.#o.hostname,
      sender: queued.sender,
      queueId: queued.id,
      arrivalDate: new Date(queued.createdAt),
      original: queued.message,
      failed,
      date: new Date(this.#now()),
    })
    try {
      this.#o.mail.deliver(user, bounce)
      this.#o.log(`outbound ${queued.id}: bounce delivered to ${user}`)
    } catch (error) {
      this.#o.log(`outbound ${queued.id}: bounce to ${user} not stored: ${(error as Error).message}`)
    }
  }
}

/** The enhanced status code at the start of a reply's text, else the fallback. */
function statusOf(reply: ServerReply, fallback: string): string {
  return /^([245]\.\d{1,3}\.\d{1,3})\b/.exec(reply.text)?.[1] ?? fallback
}
