import type {Socket} from 'node:net'

/** How long a refused client has to read its refusal before the socket is dropped. */
const REFUSAL_GRACE_MS = 2_000

/** Send the refusal and close; a client that never closes its end does not keep the descriptor the caps exist to bound. */
export function refuse(socket: Socket, text: string): void {
  socket.end(text)
  setTimeout(() => socket.destroy(), REFUSAL_GRACE_MS).unref()
}
