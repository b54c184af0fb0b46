import type {IncomingMessage} from 'node:http'

export class BodyTooLarge extends Error {
  override name = 'BodyTooLarge'
}

/**
 * An application/x-www-form-urlencoded request body as fields. Read up to
 * `limit` bytes; a larger body rejects with BodyTooLarge and is not buffered.
 */
export async function readForm(req: IncomingMessage, limit: number): Promise<URLSearchParams> {
  const declared = Number(req.headers['content-length'] ?? 0)
  if (declared > limit) throw new BodyTooLarge(`request body of ${declared} bytes is over the ${limit}-byte limit`)
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length
    if (size > limit) throw new BodyTooLarge(`request body is over the ${limit}-byte limit`)
    chunks.push(chunk)
  }
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase()
  if (type !== 'application/x-www-form-urlencoded') return new URLSearchParams()
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'))
}
