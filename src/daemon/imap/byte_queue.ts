/**
 * Received bytes not yet consumed, kept as the chunks they arrived in so a
 * large literal arriving in thousands of pieces is copied once, not once per
 * piece.
 */
export class ByteQueue {
  #chunks: Buffer[] = []
  #length = 0

  get length(): number {
    return this.#length
  }

  push(chunk: Buffer): void {
    if (chunk.length === 0) return
    this.#chunks.push(chunk)
    this.#length += chunk.length
  }

  /** Offset of the first `byte`, looking at no more than `limit` bytes; -1 if absent. */
  indexOf(byte: number, limit = Infinity): number {
    let base = 0
    for (const chunk of this.#chunks) {
      if (base >= limit) return -1
      const at = chunk.indexOf(byte)
      if (at !== -1) return base + at < limit ? base + at : -1
      base += chunk.length
    }
    return -1
  }

  /** Remove and return the first `n` bytes (n <= length). */
  take(n: number): Buffer {
    const first = this.#chunks[0]
    if (first !== undefined && first.length >= n) {
      // Common case: served from one chunk without copying.
      const out = first.subarray(0, n)
      if (first.length === n) this.#chunks.shift()
      else this.#chunks[0] = first.subarray(n)
      this.#length -= n
      return out
    }
    const pieces: Buffer[] = []
    let need = n
    while (need > 0) {
      const chunk = this.#chunks[0]!
      if (chunk.length <= need) {
        pieces.push(chunk)
        this.#chunks.shift()
        need -= chunk.length
      } else {
        pieces.push(chunk.subarray(0, need))
        this.#chunks[0] = chunk.subarray(need)
        need = 0
      }
    }
    this.#length -= n
    return Buffer.concat(pieces, n)
  }

  clear(): void {
    this.#chunks = []
    this.#length = 0
  }
}
