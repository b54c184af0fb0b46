import {inSequenceSet, type SequenceSet} from './sequence_set.js'

/**
 * The session's view of its selected mailbox: the UIDs in sequence-number
 * order as this client knows them. Changes made elsewhere are noted here
 * and reported at the next point where the session may tell the client
 * (RFC 3501 §7.4.1: EXPUNGE not during FETCH, STORE or SEARCH); until then
 * sequence numbers stay as the client last saw them.
 */
export class SelectedMailbox {
  /** Ascending UIDs; index + 1 is the sequence number. */
  readonly uids: number[]
  /** UIDs that carry \Recent for this session. */
  readonly recent = new Set<number>()
  /** Messages may have arrived or gone: compare with the store at the next report. */
  dirty = false
  /** UIDs whose flags another session changed. */
  readonly changedFlags = new Set<number>()

  constructor(
    /** Canonical name (INBOX upper-case). */
    readonly name: string,
    readonly readOnly: boolean,
    readonly uidValidity: number,
    uids: readonly number[],
  ) {
    this.uids = [...uids]
  }

  get count(): number {
    return this.uids.length
  }

  get highestUid(): number {
    return this.uids[this.uids.length - 1] ?? 0
  }

  /** Sequence number of `uid`, 0 when the client does not know it. */
  sequenceOf(uid: number): number {
    let lo = 0
    let hi = this.uids.length - 1
    while (lo <= hi) {
      const mid = (lo + hi) >> 1
      const v = this.uids[mid]!
      if (v === uid) return mid + 1
      if (v < uid) lo = mid + 1
      else hi = mid - 1
    }
    return 0
  }

  /** The messages a set names, in sequence order; by UID or by sequence number. */
  resolve(set: SequenceSet, byUid: boolean): Array<{seq: number; uid: number}> {
    const out: Array<{seq: number; uid: number}> = []
    const largest = byUid ? this.highestUid : this.count
    if (largest === 0) return out
    this.uids.forEach((uid, i) => {
      if (inSequenceSet(set, byUid ? uid : i + 1, largest)) out.push({seq: i + 1, uid})
    })
    return out
  }

  /**
   * Forget the given UIDs; returns the EXPUNGE sequence numbers to send, in
   * the order to send them (highest first, so each stays valid as sent).
   */
  remove(uids: Iterable<number>): number[] {
    const seqs = [...new Set(uids)].map((u) => this.sequenceOf(u)).filter((s) => s > 0)
    seqs.sort((a, b) => b - a)
    for (const s of seqs) {
      const uid = this.uids[s - 1]!
      this.uids.splice(s - 1, 1)
      this.recent.delete(uid)
      this.changedFlags.delete(uid)
    }
    return seqs
  }

  /** Append newly seen UIDs (ascending, above the highest known). */
  add(uids: readonly number[]): void {
    for (const uid of uids) if (uid > this.highestUid) this.uids.push(uid)
  }
}
