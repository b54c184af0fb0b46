import {rmSync} from 'node:fs'
import {connect, createServer, type Server} from 'node:net'
import {join} from 'node:path'

export const CONTROL_SOCKET = 'msgctl.sock'

export type ControlRequest = {readonly command: 'status' | 'reload' | 'stop'}
export type ControlHandler = (request: ControlRequest) => Promise<unknown>

/**
 * The daemon's control socket: a Unix socket in the configuration directory
 * (mode 0600, so only the store's owner can steer the daemon), one JSON
 * request and one JSON answer per connection.
 */
export function openControlChannel(dir: string, handle: ControlHandler, log: (line: string) => void): Promise<Server> {
  const path = join(dir, CONTROL_SOCKET)
  rmSync(path, {force: true})
  const server = createServer((socket) => {
    let text = ''
    socket.setTimeout(10_000, () => socket.destroy())
    socket.on('data', (d) => {
      text += d.toString('utf8')
      if (text.length > 4096) return void socket.destroy()
      if (!text.includes('\n')) return
      let request: ControlRequest
      try {
        request = JSON.parse(text.slice(0, text.indexOf('\n'))) as ControlRequest
      } catch {
        return void socket.end(JSON.stringify({ok: false, error: 'bad request'}) + '\n')
      }
      handle(request).then(
        (answer) => socket.end(JSON.stringify(answer) + '\n'),
        (err: Error) => socket.end(JSON.stringify({ok: false, error: err.message}) + '\n'),
      )
    })
    socket.on('error', (err) => log(`control: ${err.message}`))
  })
  return new Promise((resolve, reject) => {
    // The socket file is created by listen(); a tight umask makes it 0600 from the first moment.
    const mask = process.umask(0o177)
    server.once('error', (err) => {
      process.umask(mask)
      reject(err)
    })
    server.listen(path, () => {
      process.umask(mask)
      resolve(server)
    })
  })
}

/** Ask the daemon of DIR; rejects when none answers. */
export function askDaemon(dir: string, request: ControlRequest, timeoutMs = 30_000): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const socket = connect(join(dir, CONTROL_SOCKET))
    let text = ''
    socket.setTimeout(timeoutMs, () => {
      socket.destroy()
      reject(new Error('the daemon did not answer in time'))
    })
    socket.on('connect', () => socket.write(JSON.stringify(request) + '\n'))
    socket.on('data', (d) => (text += d.toString('utf8')))
    socket.on('end', () => {
      try {
        resolve(JSON.parse(text) as Record<string, unknown>)
      } catch {
        reject(new Error('the daemon gave an unreadable answer'))
      }
    })
    socket.on('error', (err) => reject(err))
  })
}
