import {connect, type Socket} from 'node:net'

/** A TCP connection to host:port, or a rejection once `timeoutMs` passed (outbound SMTP, proxy back ends). */
export function connectWithin(host: {readonly host: string; readonly port: number}, timeoutMs: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({host: host.host, port: host.port})
    const timer = setTimeout(() => {
      socket.destroy()
      reject(new Error(`connect to ${host.host}:${host.port} timed out`))
    }, timeoutMs)
    socket.once('connect', () => {
      clearTimeout(timer)
      socket.removeAllListeners('error')
      socket.setNoDelay(true)
      resolve(socket)
    })
    socket.once('error', (err) => {
      clearTimeout(timer)
      reject(err)
    })
  })
}
