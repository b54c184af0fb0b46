/** An id naming one accepted message in logs, trace lines and replies: 12 upper-case hex digits. */
import {randomBytes} from 'node:crypto'

export function newQueueId(): string {
  return randomBytes(6).toString('hex').toUpperCase()
}
