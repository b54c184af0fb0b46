/**
 * After the login at the back end, the front end only carries bytes: the
 * client's to the back end, the back end's to the client, until either side
 * closes. The session hands over what the client pipelined after its login
 * command and everything that comes later.
 */
import type {Socket} from 'node:net'
import type {Transport} from '../session_types.js'

export interface Splice {
  /** Client bytes for the back end. */
  toBackend(bytes: Buffer): void
  /** The client went away: cut the back end off. */
  stop(): void
}

/** `pending`: what the back end sent after its login reply, for the client. */
export function splice(client: Transport, backend: Socket, pending: Buffer): Splice {
  if (pending.length > 0) client.write(pending)
  backend.on('data', (chunk: Buffer) => client.write(chunk))
  backend.on('error', (err) => client.log(`back end connection error: ${(err as NodeJS.ErrnoException).code ?? err.message}`))
  backend.on('close', () => client.close())
  return {
    toBackend: (bytes) => {
      if (bytes.length > 0 && !backend.destroyed) backend.write(bytes)
    },
    stop: () => backend.destroy(),
  }
}
