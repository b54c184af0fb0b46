import {createReadStream, createWriteStream, renameSync, unlinkSync, type WriteStream} from 'node:fs'
import {once} from 'node:events'
import {tmpdir} from 'node:os'
import {basename, dirname, join} from 'node:path'
import {Readable} from 'node:stream'
import {pipeline} from 'node:stream/promises'
import {MsgctlError} from '../../core/errors.js'

function spoolPath(target: string | undefined): string {
  const unique = `${process.pid}.${Date.now()}.${Math.random().toString(36).slice(2, 8)}`
  return target === undefined ? join(tmpdir(), `.cmsutil.${unique}.tmp`) : join(dirname(target), `.${basename(target)}.${unique}.tmp`)
}

function openSpool(path: string, target: string | undefined): WriteStream {
  const ws = createWriteStream(path, {flags: 'wx', mode: 0o600})
  ws.on('error', () => undefined)
  if (target !== undefined) {
    // An unwritable -o is reported as NSS does, before any work.
    ws.once('error', () => undefined)
  }
  return ws
}

async function writeOrThrow(ws: WriteStream, chunk: Buffer): Promise<void> {
  if (!ws.write(chunk)) await Promise.race([once(ws, 'drain'), once(ws, 'error').then(([e]) => Promise.reject(e))])
}

async function closeStream(ws: WriteStream): Promise<void> {
  ws.end()
  await once(ws, 'finish')
}

function unlinkQuietly(path: string): void {
  try {
    unlinkSync(path)
  } catch {
    /* already gone */
  }
}

/**
 * Where an encoded message goes: straight to stdout, or into a temp file
 * beside -o renamed into place at the end, so a failure leaves no partial file.
 */
export async function writeEncoded(target: string | undefined, data: AsyncIterable<Buffer>): Promise<void> {
  if (target === undefined) {
    await pipeline(Readable.from(data), process.stdout, {end: false})
    return
  }
  const tmp = spoolPath(target)
  try {
    await pipeline(Readable.from(data), createWriteStream(tmp, {flags: 'wx', mode: 0o644}))
    renameSync(tmp, target)
  } catch (e) {
    unlinkQuietly(tmp)
    if ((e as NodeJS.ErrnoException).code && !(e instanceof MsgctlError)) throw new MsgctlError(`unable to open "${target}" for writing`, 1)
    throw e
  }
}

/**
 * Decoded content held back until every signature is checked and every tag
 * verified: spooled to a temp file, then renamed into place (or copied to
 * stdout after the -h header).
 */
export class ContentSpool {
  readonly #path: string
  readonly #ws: WriteStream
  #closed = false

  constructor(private readonly target: string | undefined) {
    this.#path = spoolPath(target)
    this.#ws = openSpool(this.#path, target)
  }

  write = async (chunk: Buffer): Promise<void> => {
    try {
      await writeOrThrow(this.#ws, chunk)
    } catch (e) {
      throw new MsgctlError(`cannot write the content: ${(e as Error).message}`, 1)
    }
  }

  /** Put the header (if any) and the content in place. */
  async commit(header: string | null, withContent: boolean): Promise<void> {
    await this.#close()
    try {
      if (this.target === undefined) {
        if (header) await writeStdout(Buffer.from(header, 'latin1'))
        if (withContent) await pipeline(createReadStream(this.#path), process.stdout, {end: false})
        return
      }
      if (!header && withContent) {
        renameSync(this.#path, this.target)
        return
      }
      const tmp = spoolPath(this.target)
      const ws = createWriteStream(tmp, {flags: 'wx', mode: 0o644})
      try {
        if (header) await writeOrThrow(ws, Buffer.from(header, 'latin1'))
        if (withContent) await pipeline(createReadStream(this.#path), ws, {end: false})
        await closeStream(ws)
        renameSync(tmp, this.target)
      } catch (e) {
        unlinkQuietly(tmp)
        throw e
      }
    } finally {
      unlinkQuietly(this.#path)
    }
  }

  async discard(): Promise<void> {
    try {
      await this.#close()
    } catch {
      /* the spool is dropped anyway */
    }
    unlinkQuietly(this.#path)
  }

  async #close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    await closeStream(this.#ws)
  }
}

export async function writeStdout(data: Buffer | string): Promise<void> {
  if (!process.stdout.write(data)) await once(process.stdout, 'drain')
}
