import {writeFileSync} from 'node:fs'
import {join} from 'node:path'

/**
 * Where the tap writes: stdout with back-pressure (the relay pauses while
 * stdout drains, so a slow reader never makes us buffer a stream), and the
 * `cert.NNN` files, numbered across all connections as NSS does.
 */
export class TapOutput {
  private certNumber = 0
  private waiting: (() => void)[] = []
  private blocked = false
  constructor(private readonly out: NodeJS.WritableStream, private readonly dir: string) {
    out.on('drain', () => {
      this.blocked = false
      const w = this.waiting
      this.waiting = []
      for (const f of w) f()
    })
    out.on('error', () => {})
  }

  /** Writes latin1 text or bytes; returns false when the caller should wait for `whenDrained`. */
  write(text: string | Uint8Array): boolean {
    if (text.length === 0) return !this.blocked
    if (!(typeof text === 'string' ? this.out.write(text, 'latin1') : this.out.write(text))) this.blocked = true
    return !this.blocked
  }

  whenDrained(f: () => void): void {
    if (this.blocked) this.waiting.push(f)
    else f()
  }

  saveCertificate = (der: Uint8Array): {file: string; ok: boolean} => {
    const file = `cert.${String(++this.certNumber).padStart(3, '0')}`
    try {
      writeFileSync(join(this.dir, file), der, {mode: 0o664})
      return {file, ok: true}
    } catch {
      return {file, ok: false}
    }
  }
}
